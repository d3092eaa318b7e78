"""``podium serve``: migrate, then serve HTTP with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from podium.cli.running import load_settings, run_migrations


def serve(
    host: Annotated[
        str, typer.Option(metavar="HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=1, max=65535, metavar="PORT", help="The TCP port to listen on.")
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Worker processes; each opens its own database pool."
        ),
    ] = 1,
) -> None:
    """Migrate the database to the latest schema, then serve Podium over HTTP."""
    if workers > 1 and not load_settings().redis_url:
        typer.echo(
            f"warning: {workers} workers without PODIUM_REDIS_URL: live updates and wrong-attempt "
            "limits stay inside each worker; set PODIUM_REDIS_URL so they act as one",
            err=True,
        )
    settings = run_migrations()
    trusted_proxies = settings.forwarded_allow_ips.strip()
    uvicorn.run(
        "podium.web.served:create_served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # the client's address and scheme come from X-Forwarded-For and X-Forwarded-Proto only
        # when PODIUM_FORWARDED_ALLOW_IPS names a proxy and the request comes from it; otherwise
        # they are ignored, so a client cannot claim an address an API key is limited to
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
        # live messages are a few dozen bytes: compressing them saves nothing and costs each
        # socket a compressor's memory (about 33 KB, most of the cost of an idle socket)
        ws_per_message_deflate=False,
    )
