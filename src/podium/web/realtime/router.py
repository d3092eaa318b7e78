"""The WebSocket of a session page: ``/e/<event>/s/<session>/live``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
