"""Settings, read from ``PODIUM_*`` environment variables."""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Self

from pydantic import Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from podium.kit.smtp_url import parse_smtp_url

DEFAULT_DATABASE_URL = "sqlite:///var/podium.sqlite3"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# the address `podium serve` listens on, as a URL, handed to its worker processes
SERVED_URL_VARIABLE = "PODIUM_SERVED_URL"
# hosts that mean "every address of this machine": none of them is an address to visit
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::", "[::]"})


def served_address(host: str, port: int) -> str:
    """The address at which ``podium serve --host host --port port`` is reached, as a URL:
    ``http://127.0.0.1:8765``, ``http://[::1]:8000``, ``http://podium.local`` (port 80).

    A wildcard host (0.0.0.0, ::) is every address of the machine, none of which Podium can
    know is the one people use: the loopback address of its family stands in for it (so the
    address works at least on this machine), and ``podium serve`` says to set
    PODIUM_BASE_URL."""
    host = host.strip()
    if host in WILDCARD_HOSTS:
        host = "::1" if ":" in host else DEFAULT_HOST
    name = host.strip("[]")
    try:
        is_ipv6 = ipaddress.ip_address(name).version == 6
    except ValueError:
        is_ipv6 = False
    netloc = f"[{name}]" if is_ipv6 else host
    return f"http://{netloc}" if port == 80 else f"http://{netloc}:{port}"


DEFAULT_BASE_URL = served_address(DEFAULT_HOST, DEFAULT_PORT)


class Settings(BaseSettings):
    """Everything Podium reads from its environment; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="PODIUM_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Podium's public address, what every absolute URL it gives starts with: PODIUM_BASE_URL
    # when set, else the address `podium serve` serves on (PODIUM_SERVED_URL, which it sets for
    # its processes), else DEFAULT_BASE_URL. Read this; the other two are how it is decided.
    base_url: str = ""
    served_url: str = ""
    secret_key: str = Field(default="", repr=False)
    # Redis joins several `podium serve` processes: live messages and attempt counts are shared
    redis_url: str | None = None
    # prefix of Podium's channels and keys in Redis, so that installations can share one Redis
    redis_prefix: str = "podium:"
    max_body_bytes: int = 5 * 1024 * 1024
    database_pool_size: int = 10
    # PgBouncer in transaction mode between Podium and PostgreSQL: no prepared statement outlives
    # its transaction (PgBouncer may hand the next one another server connection)
    database_pgbouncer: bool = False
    sqlite_busy_timeout_ms: int = 30_000
    # wrong codes, codewords and passwords: after this many within the window, 429 until it ends
    attempt_limit: int = 5
    # one address may be a whole venue behind its Wi-Fi's NAT: it gets more room than a person
    attempt_limit_per_address: int = 50
    attempt_window_seconds: int = 300
    # the addresses (or CIDR networks, comma-separated, "*" for any) whose X-Forwarded-For and
    # X-Forwarded-Proto `podium serve` believes: the reverse proxy's, never the whole internet.
    # Empty: no proxy is trusted (anyone on the machine could otherwise claim any address, past
    # an API key's allowed networks and the per-address limits)
    forwarded_allow_ips: str = ""
    # GET /metrics in Prometheus' text format, for requests carrying this token as
    # "Authorization: Bearer <token>"; empty: /metrics is not served (see docs/deployment.md)
    metrics_token: str = Field(default="", repr=False)
    # how often each process checks out attendees still checked in to a session that has
    # ended (at its end time); 0 turns it off (then run `podium credits recompute`)
    session_end_check_seconds: float = 60.0
    # mail: sent through this SMTP server (kit/smtp_url.py); unset, written as .eml files
    # under var/mail/ instead
    smtp_url: str | None = Field(default=None, repr=False)
    mail_from: str = "Podium <podium@localhost>"
    # how often each process looks for queued mail to send; 0 turns its sending off
    mail_check_seconds: float = 2.0
    # a failed try is retried after this many seconds, doubling each time (at most an hour
    # apart), until the mail has been tried mail_max_attempts times
    mail_retry_seconds: float = 30.0
    mail_max_attempts: int = 8

    _configured_base_url: str = PrivateAttr(default="")

    @field_validator("base_url", "served_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _public_address(self) -> Self:
        self._configured_base_url = self.base_url
        self.base_url = self.base_url or self.served_url or DEFAULT_BASE_URL
        return self

    @property
    def base_url_configured(self) -> bool:
        """PODIUM_BASE_URL gives the public address (rather than the served one)."""
        return bool(self._configured_base_url)

    def serving(self, host: str, port: int) -> Settings:
        """These settings as a ``podium serve --host host --port port`` process has them: the
        public address is the served one unless PODIUM_BASE_URL gives it."""
        served = served_address(host, port)
        return self.model_copy(
            update={
                "served_url": served,
                "base_url": self._configured_base_url or served,
            }
        )

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_smtp_url(value)
        return value.strip()

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str) -> str:
        _name, address = parseaddr(value)
        if "@" not in address or any(c in value for c in "\r\n"):
            raise ValueError(
                "PODIUM_MAIL_FROM must be one address, e.g. Podium <podium@example.org>"
            )
        return value.strip()

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(
            ("sqlite://", "postgresql://", "postgres://", "sqlite+", "postgresql+")
        ):
            raise ValueError(
                "PODIUM_DATABASE_URL must start with sqlite:/// or postgresql://, "
                f"got {value.split(':', 1)[0]!r}"
            )
        return value

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` when Podium is served over https."""
        return self.base_url.startswith("https://")

    @property
    def state_directory(self) -> Path:
        """Where Podium keeps files of its own: next to the SQLite database, else ``var/``."""
        path = self.sqlite_path
        return path.parent if path is not None else Path("var")

    @property
    def mail_directory(self) -> Path:
        """Where mail is written as .eml files when no SMTP server is configured."""
        return self.state_directory / "mail"

    @property
    def sqlite_path(self) -> Path | None:
        """The database file when the database is SQLite, else None."""
        if not self.database_url.startswith("sqlite"):
            return None
        return Path(self.database_url.split(":///", 1)[1])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
