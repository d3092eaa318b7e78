"""QR codes as inline SVG for the pages (the screen's join address): reportlab's encoder (which
makes the certificates' QR codes too) gives the modules; the SVG is one path, with presentation
attributes only, so the pages' Content-Security-Policy (no inline style) lets it through."""

from __future__ import annotations

import itertools

from markupsafe import Markup, escape
from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

# the quiet zone around the code, in modules, that scanners need (ISO/IEC 18004 asks for 4)
QUIET_ZONE = 4


def qr_svg(text: str, *, label: str) -> Markup:
    """``text`` as a QR code (error correction M), dark modules on a white square with its
    quiet zone; ``label`` is what a screen reader says of it. Scales to its box (CSS)."""
    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    modules: list[list[bool | None]] = code.modules  # rows of modules, True where dark
    side = len(modules) + 2 * QUIET_ZONE
    runs = []
    for row, cells in enumerate(modules):
        column = 0
        for dark, group in itertools.groupby(bool(cell) for cell in cells):
            width = len(list(group))
            if dark:
                runs.append(f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h{width}v1h-{width}z")
            column += width
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#ffffff"/>'
        f'<path fill="#000000" d="{"".join(runs)}"/></svg>'
    )
