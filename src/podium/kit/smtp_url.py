"""``PODIUM_SMTP_URL``: where to send mail, as one URL.

- ``smtp://host`` (port 25) or ``smtp://host:587`` — plain SMTP;
  ``smtp://host:587?starttls=true`` upgrades the connection with STARTTLS before anything else
  is said (and fails rather than go on in the clear when the server cannot);
- ``smtps://host`` (port 465) — TLS from the first byte (implicit TLS);
- ``user:password@`` before the host logs in (percent-encode ``@``, ``:`` and ``/`` in them).

The server's certificate is checked against the system's trusted authorities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


@dataclass(frozen=True)
class SmtpUrl:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The server as it may be printed (no password)."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        who = f"{self.username}@" if self.username else ""
        tls = "?starttls=true" if self.starttls else ""
        return f"{scheme}://{who}{self.host}:{self.port}{tls}"


def parse_smtp_url(url: str) -> SmtpUrl:
    """The parts of ``url``; ValueError with a sentence that says what is wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            "PODIUM_SMTP_URL must start with smtp:// or smtps://, "
            f"e.g. smtp://user:password@mail.example.org:587?starttls=true; got {scheme!r}"
        )
    if not parts.hostname:
        raise ValueError("PODIUM_SMTP_URL has no host, e.g. smtp://mail.example.org:587")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        raise ValueError(
            "PODIUM_SMTP_URL has a port that is not a number from 1 to 65535"
        ) from None
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"starttls"})
    if unknown:
        raise ValueError(f"PODIUM_SMTP_URL has an unknown option {unknown[0]!r}; only starttls")
    starttls_text = (query.get("starttls") or ["false"])[-1].lower()
    if starttls_text not in _TRUE | _FALSE:
        raise ValueError("PODIUM_SMTP_URL: starttls must be true or false")
    starttls = starttls_text in _TRUE
    if starttls and scheme == "smtps":
        raise ValueError(
            "PODIUM_SMTP_URL: smtps:// is TLS already; starttls=true is for smtp:// only"
        )
    return SmtpUrl(
        host=parts.hostname,
        port=port,
        implicit_tls=scheme == "smtps",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )
