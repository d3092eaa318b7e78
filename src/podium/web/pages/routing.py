"""The router every page module uses: one transaction per request, CSRF-checked forms, and text
that cannot be stored refused before the handler runs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from podium.kit.text import check_storable
from podium.web.auth.csrf import verify_csrf
from podium.web.deps import TransactionalRoute, WritingRoute

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_unstorable_text(request: Request) -> None:
    """UnstorableText (a 400 page naming the field) when the path, the query or the form holds
    a lone surrogate or a NUL (see :mod:`podium.kit.text`); the form is the one CSRF read."""
    check_storable(request.path_params)
    for name, value in request.query_params.multi_items():
        check_storable(value, field=name)
    if request.headers.get("content-type", "").startswith(_FORM_TYPES):
        for name, item in (await request.form()).multi_items():
            if isinstance(item, str):
                check_storable(item, field=name)


_DEPENDENCIES = [Depends(verify_csrf), Depends(refuse_unstorable_text)]


def page_router() -> APIRouter:
    return APIRouter(route_class=TransactionalRoute, dependencies=_DEPENDENCIES)


def writing_page_router() -> APIRouter:
    """A :func:`page_router` whose GET pages write (see :class:`WritingRoute`)."""
    return APIRouter(route_class=WritingRoute, dependencies=_DEPENDENCIES)
