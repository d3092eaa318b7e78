"""Reading back a QR code the pages draw as inline SVG: its path drawn module by module with
Pillow, then decoded by zxing-cpp (as a phone's camera would)."""

from __future__ import annotations

import re

import zxingcpp
from PIL import Image, ImageDraw

from tests.web.pages.attendee.html import Element

_RUN = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\d+z")
_SCALE = 8


def decoded_qr(svg: Element) -> str:
    """What the QR code ``svg`` (an element from ``html.parse``) says."""
    side = int(svg.attrs["viewbox"].split()[2])
    (path,) = svg.by_tag("path")
    image = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(image)
    for x, y, width in _RUN.findall(path.attrs["d"]):
        left, top = int(x), int(y)
        draw.rectangle((left, top, left + int(width) - 1, top), fill=0)
    large = image.resize((side * _SCALE, side * _SCALE), Image.Resampling.NEAREST)
    (result,) = zxingcpp.read_barcodes(large)
    text: str = result.text
    return text
