"""A dialect's interactive documentation (Swagger UI), served with no other host involved: the
assets are vendored under web/static/vendor/ and the page starts them from a script file, so it
works offline and under a Content-Security-Policy of ``script-src 'self'``."""

from __future__ import annotations

from html import escape

from fastapi import Request
from fastapi.responses import HTMLResponse

from podium.web.urls import static_url

SWAGGER_UI = "vendor/swagger-ui-5.35.0"


def docs_page(request: Request, *, title: str, openapi_path: str) -> HTMLResponse:
    """The page at the dialect's ``/docs``; ``openapi_path`` is the document's path within the
    dialect (``/openapi.json``)."""
    openapi_url = request.scope.get("root_path", "") + openapi_path
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)}</title>
  <link rel="icon" type="image/png" href="{static_url(SWAGGER_UI + "/favicon-32x32.png")}">
  <link rel="stylesheet" href="{static_url(SWAGGER_UI + "/swagger-ui.css")}">
  <script src="{static_url(SWAGGER_UI + "/swagger-ui-bundle.js")}" defer></script>
  <script src="{static_url("js/api-docs.js")}" defer></script>
</head>
<body>
  <div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
</body>
</html>
"""
    return HTMLResponse(html)
