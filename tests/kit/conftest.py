from __future__ import annotations

from tests.redis_support import redis_client

__all__ = ["redis_client"]
