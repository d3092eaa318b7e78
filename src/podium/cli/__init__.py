"""The ``podium`` command line: serve, migrate, and the operator's tasks (events, API keys)."""
