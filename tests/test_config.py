"""Podium's public address (``settings.base_url``): PODIUM_BASE_URL when set, else the address
``podium serve`` serves on, else http://127.0.0.1:8000."""

from __future__ import annotations

import pytest

from podium.config import Settings, served_address


@pytest.fixture(autouse=True)
def _no_address_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PODIUM_BASE_URL", raising=False)
    monkeypatch.delenv("PODIUM_SERVED_URL", raising=False)


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8765, "http://127.0.0.1:8765"),
        ("localhost", 8000, "http://localhost:8000"),
        ("podium.local", 80, "http://podium.local"),
        ("::1", 8765, "http://[::1]:8765"),
        ("[::1]", 8765, "http://[::1]:8765"),
        # every address of the machine: its loopback address stands in
        ("0.0.0.0", 8765, "http://127.0.0.1:8765"),
        ("", 8765, "http://127.0.0.1:8765"),
        ("::", 9000, "http://[::1]:9000"),
    ],
)
def test_served_address_of_a_host_and_port(host: str, port: int, url: str) -> None:
    assert served_address(host, port) == url


def test_base_url_without_anything_known_is_the_default() -> None:
    settings = Settings()

    assert (settings.base_url, settings.base_url_configured) == ("http://127.0.0.1:8000", False)


def test_base_url_follows_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODIUM_SERVED_URL", "http://127.0.0.1:8765")

    settings = Settings()

    assert (settings.base_url, settings.base_url_configured) == ("http://127.0.0.1:8765", False)


def test_base_url_given_wins_over_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODIUM_SERVED_URL", "http://127.0.0.1:8765")
    monkeypatch.setenv("PODIUM_BASE_URL", "https://podium.example.org/")

    settings = Settings()

    assert (settings.base_url, settings.base_url_configured) == (
        "https://podium.example.org",
        True,
    )


def test_base_url_empty_follows_the_served_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODIUM_SERVED_URL", "http://127.0.0.1:8765")
    monkeypatch.setenv("PODIUM_BASE_URL", "")

    assert Settings().base_url == "http://127.0.0.1:8765"


def test_serving_gives_the_settings_of_a_server_process() -> None:
    settings = Settings().serving("0.0.0.0", 9000)

    assert (settings.base_url, settings.served_url, settings.base_url_configured) == (
        "http://127.0.0.1:9000",
        "http://127.0.0.1:9000",
        False,
    )


def test_serving_keeps_a_base_url_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PODIUM_BASE_URL", "https://podium.example.org")

    settings = Settings().serving("127.0.0.1", 9000)

    assert (settings.base_url, settings.served_url) == (
        "https://podium.example.org",
        "http://127.0.0.1:9000",
    )
