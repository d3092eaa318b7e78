"""The load generator: a fixed number of HTTP/1.1 keep-alive connections, bounded in requests
and in seconds, every latency recorded.

The client speaks HTTP/1.1 over asyncio streams itself (requests prepared as bytes, answers
read by Content-Length or chunks): on a 2-core machine the client shares the CPU with the
server, and a general-purpose client (httpx) costs several times more per request, which would
cap the baseline first and flatter every ratio. httpx is used for setup and checks.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode


def request_bytes(
    method: str,
    path: str,
    *,
    host: str,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> bytes:
    """One HTTP/1.1 request, ready to write."""
    body = urlencode(form).encode() if form is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if form is not None:
        lines.append("Content-Type: application/x-www-form-urlencoded")
    if method != "GET" or body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One keep-alive connection; reopened when the server closes it."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self.reader, self.writer

    async def send(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        """Send one request; its status, headers (lower-case names) and body."""
        reader, writer = await self._open()
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0][9:12])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    break
                parts.append(chunk[:-2])
            body = b"".join(parts)
        elif status in (204, 304) or 100 <= status < 200:
            body = b""
        else:
            body = await reader.read()
            await self.close()
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class LoadResult:
    """What one run measured. ``ok`` are the answers with an expected status."""

    requests: int
    ok: int
    seconds: float
    latencies: list[float] = field(repr=False)
    statuses: Counter[int]
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds (nearest rank, over every request)."""
        return percentile(self.latencies, p) * 1000


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def run_load(
    *,
    targets: Sequence[tuple[str, int]],
    connections: int,
    make_request: Callable[[int, tuple[str, int]], bytes],
    requests: int,
    seconds: float,
    expect: Callable[[int], bool] = lambda status: status < 400,
) -> LoadResult:
    """Send up to ``requests`` requests (request i is ``make_request(i, target)``) over
    ``connections`` connections spread over ``targets``, stopping at ``seconds``."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    counter = iter(range(requests))
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(number: int) -> None:
        nonlocal errors
        target = targets[number % len(targets)]
        connection = Connection(*target)
        try:
            for index in counter:
                if time.perf_counter() >= deadline:
                    return
                raw = make_request(index, target)
                sent = time.perf_counter()
                try:
                    status, _headers, _body = await connection.send(raw)
                except (OSError, asyncio.IncompleteReadError):
                    errors += 1
                    await connection.close()
                    continue
                latencies.append(time.perf_counter() - sent)
                statuses[status] += 1
        finally:
            await connection.close()

    await asyncio.gather(*(worker(n) for n in range(connections)))
    elapsed = time.perf_counter() - started
    ok = sum(count for status, count in statuses.items() if expect(status))
    return LoadResult(
        requests=sum(statuses.values()) + errors,
        ok=ok,
        seconds=elapsed,
        latencies=latencies,
        statuses=statuses,
        errors=errors,
    )
