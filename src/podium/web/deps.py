"""Request-scoped dependencies: the unit of work (one transaction per request) and the client.

The transaction is owned by :class:`TransactionalRoute`, not by a ``yield`` dependency, so that
the commit happens before the response is sent: a client never sees success for a write that
then failed to commit.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request, Response
from fastapi.routing import APIRoute

from podium.kit.db import UnitOfWork
from podium.web.runtime import Runtime

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


_UOW_KEY = "podium.uow"


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_uow(request: Request) -> UnitOfWork:
    """The request's unit of work, opened by :class:`TransactionalRoute`."""
    uow: UnitOfWork = request.scope[_UOW_KEY]
    return uow


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


class TransactionalRoute(APIRoute):
    """Runs each request in one unit of work: committed when the handler returns a success,
    rolled back when it raises or answers an error. GET, HEAD and OPTIONS read (on SQLite, from
    the engine whose transactions do not take the write lock) unless ``writes_on_read``."""

    writes_on_read: ClassVar[bool] = False

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def transactional_handler(request: Request) -> Response:
            runtime = get_runtime(request)
            write = self.writes_on_read or request.method not in _READ_METHODS
            uow = runtime.database.unit_of_work(write=write)
            request.scope[_UOW_KEY] = uow
            try:
                response = await handler(request)
                if response.status_code < 400:
                    await uow.commit()
                else:
                    await uow.rollback()
                return response
            except BaseException:
                await uow.rollback()
                raise
            finally:
                await uow.close()

        return transactional_handler


class WritingRoute(TransactionalRoute):
    """A :class:`TransactionalRoute` whose GET requests write too (a download that issues the
    document it sends), so that they take the write lock when they begin."""

    writes_on_read = True
