"""Domain-free helpers: database, ids, clock, time parsing, pub/sub."""
