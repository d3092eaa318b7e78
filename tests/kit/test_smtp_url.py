"""``PODIUM_SMTP_URL``: plain, STARTTLS and implicit TLS, credentials, and clear refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from podium.config import Settings
from podium.kit.smtp_url import SmtpUrl, parse_smtp_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", SmtpUrl("mail.example.org", 25, False, False)),
        (
            "smtp://podium:p%40ss@mail.example.org:587?starttls=true",
            SmtpUrl("mail.example.org", 587, False, True, "podium", "p@ss"),
        ),
        ("smtps://mail.example.org", SmtpUrl("mail.example.org", 465, True, False)),
        ("SMTP://127.0.0.1:2525?starttls=false", SmtpUrl("127.0.0.1", 2525, False, False)),
    ],
)
def test_smtp_url_parts(url: str, expected: SmtpUrl) -> None:
    assert parse_smtp_url(url) == expected


def test_smtp_url_label_leaves_the_password_out() -> None:
    url = parse_smtp_url("smtp://podium:secret@mail.example.org:587?starttls=true")

    assert url.label == "smtp://podium@mail.example.org:587?starttls=true"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://mail.example.org",
            "PODIUM_SMTP_URL must start with smtp:// or smtps://, "
            "e.g. smtp://user:password@mail.example.org:587?starttls=true; got 'http'",
        ),
        ("smtp://", "PODIUM_SMTP_URL has no host, e.g. smtp://mail.example.org:587"),
        (
            "smtp://mail.example.org:99999",
            "PODIUM_SMTP_URL has a port that is not a number from 1 to 65535",
        ),
        (
            "smtp://mail.example.org?tls=yes",
            "PODIUM_SMTP_URL has an unknown option 'tls'; only starttls",
        ),
        (
            "smtp://mail.example.org?starttls=maybe",
            "PODIUM_SMTP_URL: starttls must be true or false",
        ),
        (
            "smtps://mail.example.org?starttls=true",
            "PODIUM_SMTP_URL: smtps:// is TLS already; starttls=true is for smtp:// only",
        ),
    ],
)
def test_smtp_url_that_cannot_be_used_says_why(url: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_smtp_url(url)

    assert str(refused.value) == message


def test_settings_refuse_a_bad_smtp_url_and_a_bad_sender() -> None:
    with pytest.raises(ValidationError) as bad_url:
        Settings(smtp_url="smtp://")
    with pytest.raises(ValidationError) as bad_sender:
        Settings(mail_from="Podium")

    assert bad_url.value.errors()[0]["loc"] == ("smtp_url",)
    assert bad_sender.value.errors()[0]["msg"] == (
        "Value error, PODIUM_MAIL_FROM must be one address, e.g. Podium <podium@example.org>"
    )
    assert Settings(smtp_url=" ").smtp_url is None
