"""Realtime: the sessions' WebSockets, fed by kit.pubsub through this process's hub."""
