"""Fixtures of the evaluation tests: the event, session and attendee come from tests/conftest.py."""
