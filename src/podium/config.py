"""Settings, read from ``PODIUM_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/podium.sqlite3"


class Settings(BaseSettings):
    """Everything Podium reads from its environment; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="PODIUM_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    base_url: str = "http://127.0.0.1:8000"
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

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

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
    def sqlite_path(self) -> Path | None:
        """The database file when the database is SQLite, else None."""
        if not self.database_url.startswith("sqlite"):
            return None
        return Path(self.database_url.split(":///", 1)[1])


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
