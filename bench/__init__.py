"""Podium's load benchmarks: real servers on loopback, a load generator of our own, and every
figure a ratio against a minimal baseline measured in the same run. See docs/performance.md."""
