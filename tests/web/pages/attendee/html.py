"""A small HTML reader for the page tests: elements by id, class or tag, and their text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside as a browser joins it (tags add no space), whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element | str) -> None:
            if isinstance(node, str):
                parts.append(node)
            else:
                for child in node.children:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> list[Element]:
        found: list[Element] = []
        for child in self.children:
            if isinstance(child, Element):
                found.append(child)
                found.extend(child.iter())
        return found

    def by_id(self, element_id: str) -> Element:
        (match,) = [e for e in self.iter() if e.attrs.get("id") == element_id]
        return match

    def has_id(self, element_id: str) -> bool:
        return any(e.attrs.get("id") == element_id for e in self.iter())

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.iter() if name in e.attrs.get("class", "").split()]

    def by_tag(self, tag: str) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag]

    def texts(self, *, tag: str | None = None, cls: str | None = None) -> list[str]:
        elements = self.by_tag(tag) if tag else self.by_class(cls or "")
        if tag and cls:
            elements = [e for e in elements if cls in e.attrs.get("class", "").split()]
        return [e.text for e in elements]

    def with_attr(self, name: str, value: str | None = None) -> list[Element]:
        return [
            e for e in self.iter() if name in e.attrs and (value is None or e.attrs[name] == value)
        ]

    def labels(self) -> list[str]:
        return self.texts(tag="label")

    def buttons(self) -> list[str]:
        return self.texts(tag="button")

    def alerts(self) -> list[str]:
        return self.texts(cls="alert")


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag not in ("script", "style"):
            self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
