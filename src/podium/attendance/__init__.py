"""Attendance: check-in, check-out, codewords, credits, preloading and removal."""
