"""``podium serve``: migrate, then serve HTTP with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer
import uvicorn

from podium.cli.running import load_settings, run_migrations
from podium.config import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    SERVED_URL_VARIABLE,
    WILDCARD_HOSTS,
    Settings,
    get_settings,
    served_address,
)
from podium.mail.service import where_mail_goes

HostOption = Annotated[str, typer.Option(metavar="HOST", help="The address to listen on.")]
PortOption = Annotated[
    int, typer.Option(min=1, max=65535, metavar="PORT", help="The TCP port to listen on.")
]


def serve(
    host: HostOption = DEFAULT_HOST,
    port: PortOption = DEFAULT_PORT,
    workers: Annotated[
        int,
        typer.Option(
            min=1, metavar="N", help="Worker processes; each opens its own database pool."
        ),
    ] = 1,
) -> None:
    """Migrate the database to the latest schema, then serve Podium over HTTP.

    Podium's public address (in the API's URLs, on the projector, in certificates' QR codes)
    is the one served here unless PODIUM_BASE_URL gives it.
    """
    # every process of this server (uvicorn's workers are processes of their own) reads its
    # settings from the environment: the served address goes there
    os.environ[SERVED_URL_VARIABLE] = served_address(host, port)
    get_settings.cache_clear()
    if workers > 1 and not load_settings().redis_url:
        typer.echo(
            f"warning: {workers} workers without PODIUM_REDIS_URL: live updates and wrong-attempt "
            "limits stay inside each worker; set PODIUM_REDIS_URL so they act as one",
            err=True,
        )
    settings = run_migrations()
    for line in address_lines(settings, host=host, port=port):
        typer.echo(line, err=line.startswith("note:"))
    typer.echo(where_mail_goes(settings))
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


def address_lines(settings: Settings, *, host: str, port: int) -> list[str]:
    """What ``podium serve`` (and ``podium demo``) say about Podium's public address: where it
    comes from, and a note when it stands in for a wildcard host (0.0.0.0, ::)."""
    base = settings.base_url
    lines = [
        f"Podium's address: {base} (pages: {base}/e/, API: {base}/api/v2)"
        + (", from PODIUM_BASE_URL" if settings.base_url_configured else "")
    ]
    if host.strip() in WILDCARD_HOSTS and not settings.base_url_configured:
        lines.append(
            f"note: --host {host} serves every address of this machine, and Podium cannot know "
            f"which one people use: its pages, API answers and certificates say {base}, which "
            "only this machine reaches. Set PODIUM_BASE_URL to the address others use, e.g. "
            f"http://<this machine's name or address>:{port}, or the https:// address of the "
            "reverse proxy in front of it."
        )
    return lines
