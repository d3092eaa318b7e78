"""The router every page module uses: one transaction per request, CSRF-checked forms."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from podium.web.auth.csrf import verify_csrf
from podium.web.deps import TransactionalRoute, WritingRoute


def page_router() -> APIRouter:
    return APIRouter(route_class=TransactionalRoute, dependencies=[Depends(verify_csrf)])


def writing_page_router() -> APIRouter:
    """A :func:`page_router` whose GET pages write (see :class:`WritingRoute`)."""
    return APIRouter(route_class=WritingRoute, dependencies=[Depends(verify_csrf)])
