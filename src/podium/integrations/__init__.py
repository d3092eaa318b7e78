"""How integrations get in: API keys scoped to one event, with optional IP allow-lists."""
