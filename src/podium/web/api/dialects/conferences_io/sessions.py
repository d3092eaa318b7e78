"""(being written)"""

from __future__ import annotations

from fastapi import APIRouter

from podium.web.deps import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute)
