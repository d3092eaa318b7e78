"""Every path under a mounted application's prefix reaches that application, newlines
included: each answers in its own way (a page, the dialect's envelope), never the root's
bare 404."""

from __future__ import annotations

import httpx


async def test_a_page_address_with_a_newline_gets_the_pages_404(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/e/expo%0A/s/abcd")

    assert (response.status_code, response.headers["content-type"]) == (
        404,
        "text/html; charset=utf-8",
    )
    assert "There is no event with the URI" in response.text


async def test_a_certificate_address_with_a_newline_gets_the_pages_404(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/certificates/PDM%0A")

    assert (response.status_code, response.headers["content-type"]) == (
        404,
        "text/html; charset=utf-8",
    )


async def test_an_api_address_with_a_newline_gets_the_dialects_envelope(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/api/v2/sessions/%0A")

    assert response.json()["status"] == "error"
