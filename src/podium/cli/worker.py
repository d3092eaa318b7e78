"""``podium worker``: the background duties of ``podium serve`` (the session-end check-out, the
delivery of queued mail), run alone, without serving HTTP, until interrupted."""

from __future__ import annotations

import asyncio
import signal

import typer

from podium.cli.running import fail, open_database, run, run_migrations
from podium.config import Settings
from podium.kit.pubsub import create_broker
from podium.web.realtime import messages
from podium.worker.runner import Worker


def worker() -> None:
    """Migrate the database, then run the background duties until interrupted (Ctrl+C or
    SIGTERM). ``podium serve`` runs the same duties itself; several processes may run them."""
    settings = run_migrations()
    run(_work(settings), settings=settings)


async def _work(settings: Settings) -> None:
    database = open_database(settings)
    # what a duty changes reaches the sessions' sockets in every serving process: through
    # Redis when configured (without it, there is no other process to tell)
    broker = create_broker(settings.redis_url, prefix=settings.redis_prefix)
    database.broker = broker
    messages.install(database)
    duties = Worker(database, settings)
    try:
        if not duties.names:
            fail(
                "no background duty is on: PODIUM_SESSION_END_CHECK_SECONDS and "
                "PODIUM_MAIL_CHECK_SECONDS are both 0; set one of them to how often to check "
                "out attendees of sessions that have ended, or to send queued mail"
            )
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stopping.set)
        typer.echo(f"podium worker: running {', '.join(duties.names)}; Ctrl+C stops it", err=True)
        duties.start()
        try:
            await stopping.wait()
        finally:
            await duties.stop()
        typer.echo("podium worker: stopped", err=True)
    finally:
        await broker.close()
        await database.dispose()
