"""Mounting a sub-application so that it gets every path under its prefix."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.routing import Mount
from starlette.types import ASGIApp


def mount_whole(app: FastAPI, prefix: str, sub_app: ASGIApp) -> None:
    """Serve ``sub_app`` at ``prefix`` of ``app``: every path under the prefix, newlines
    included. (Starlette's Mount matches the rest of the path with ``.*``, which stops at a
    newline, so ``/api/v2/sessions/%0A`` or ``/e/%0A`` would miss the sub-application and get
    the root's bare 404 instead of its own answer.)"""
    mount = Mount(prefix, app=sub_app)
    mount.path_regex = re.compile(mount.path_regex.pattern, re.DOTALL)
    app.router.routes.append(mount)
