"""The key that signs cookies and form tokens.

``PODIUM_SECRET_KEY`` when it is set (and it must be, the same in every process, when several
machines serve one event). Otherwise a random key is made once and kept in the state directory
(``var/secret_key`` beside the SQLite database), so that restarts and several processes on one
machine keep accepting the cookies they issued.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from podium.config import Settings

_FILE_NAME = "secret_key"


def load_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.state_directory / _FILE_NAME
    return _read_or_create(path)


def _read_or_create(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        # O_EXCL: when two processes start at once, one writes and the other reads its key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_when_written(path)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key


def _read_when_written(path: Path) -> str:
    for _ in range(100):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty; delete it or set PODIUM_SECRET_KEY")
