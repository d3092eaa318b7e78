"""The layer rules of ARCHITECTURE.md, checked on every module under src/podium.

L0 kit, config, enums, domain_events < L1 models, migrations < L2 domain packages and
reactions < L3 web, cli, worker.
Imports only point down (or sideways within a layer); L0-L2 import no web or CLI framework; a
dialect never imports another dialect; a module outside every layer is an error too, so that a
new package gets a place here when it is created.

Within L3: an edge (web, cli, worker) uses a domain package only through its public modules
(``service``, ``types``, ``errors``), so that a package can rearrange the rest freely; the
realtime sockets and the API dialects never import the pages; and the page families
(attendee, moderator, kiosk, screen) never import each other: what two of them share lives in
``podium.web.pages`` itself.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "podium"

LAYER_NAMES = {
    0: "L0 (kit, config, enums)",
    1: "L1 (models, migrations)",
    2: "L2 (domain)",
    3: "L3 (web, cli, worker)",
}
LAYERS: dict[str, int] = {
    "podium": 0,  # the package's own __init__ (its version)
    "podium.config": 0,
    "podium.enums": 0,
    "podium.domain_events": 0,  # what happened: typed events, plain values (no domain imports)
    "podium.kit": 0,
    "podium.models": 1,
    "podium.migrations": 1,
    **{
        f"podium.{domain}": 2
        for domain in (
            "events",
            "program",
            "people",
            "registration",
            "attendance",
            "credits",
            "live",
            "evaluations",
            "feeds",
            "integrations",
            "mail",
            "verification",
        )
    },
    # the domain's in-transaction reactions, and the one way to open the database with them
    "podium.reactions": 2,
    "podium.web": 3,
    "podium.cli": 3,
    "podium.worker": 3,
}
EDGE_FRAMEWORKS = frozenset(
    {"fastapi", "starlette", "typer", "click", "jinja2", "uvicorn", "httpx"}
)
DIALECTS = "podium.web.api.dialects"
# the domain's packages (directories); a single L2 module such as podium.reactions is its own
# public face
DOMAIN_PACKAGES = frozenset(
    name
    for name, layer in LAYERS.items()
    if layer == 2 and not (SRC / Path(*name.split("."))).with_suffix(".py").is_file()
)
PUBLIC_MODULES = frozenset({"service", "types", "errors"})
PAGES = "podium.web.pages"
PAGE_FAMILIES = frozenset({"attendee", "moderator", "kiosk", "screen"})
NOT_PAGES = ("podium.web.realtime", "podium.web.api")


def layer_of(module: str) -> int | None:
    """The layer of ``module``: that of its longest prefix in LAYERS (None if it has none)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:end]))
        if layer is not None and (end > 1 or module == PACKAGE):
            return layer
    return None


def _dialect_of(module: str) -> str | None:
    if not module.startswith(DIALECTS + "."):
        return None
    return module[len(DIALECTS) + 1 :].split(".", 1)[0]


def _domain_module(target: str) -> tuple[str, str | None] | None:
    """(domain package, its module or None for the package itself) when ``target`` is in one;
    ``podium.live.service.cast_vote`` gives ``("podium.live", "service")``."""
    parts = target.split(".")
    package = ".".join(parts[:2])
    if package not in DOMAIN_PACKAGES:
        return None
    return package, parts[2] if len(parts) > 2 else None


def _page_family(module: str) -> str | None:
    if not module.startswith(PAGES + "."):
        return None
    family = module[len(PAGES) + 1 :].split(".", 1)[0]
    return family if family in PAGE_FAMILIES else None


def _within_edges(module: str, target: str) -> list[str]:
    """The rules of L3 that an import of ``target`` by the edge ``module`` breaks."""
    broken = []
    domain = _domain_module(target)
    if domain is not None and domain[1] not in PUBLIC_MODULES:
        package, inner = domain
        what = f"its {inner} module" if inner else "the package itself"
        broken.append(
            f"an edge uses {package} only through its service, types or errors module, not {what}"
        )
    if module.startswith(NOT_PAGES) and (target == PAGES or target.startswith(PAGES + ".")):
        broken.append("realtime and the API dialects may not import the pages")
    own_family, target_family = _page_family(module), _page_family(target)
    if own_family and target_family and own_family != target_family:
        broken.append(
            f"the {own_family} pages may not import the {target_family} pages; "
            "share through podium.web.pages"
        )
    return broken


def imported_modules(module: str, source: str, *, is_package: bool) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in ``source``, relative ones made absolute.

    ``from a import b`` yields ``a.b``: b may be a submodule, and ``from podium import web``
    imports podium.web. Imports under ``if TYPE_CHECKING:`` count like any other, since they
    couple the modules all the same.
    """
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found += [
                (node.lineno, base if alias.name == "*" else f"{base}.{alias.name}")
                for alias in node.names
            ]
    return found


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.message}"


def _broken_rules(module: str, own_layer: int, target: str) -> list[str]:
    top = target.split(".", 1)[0]
    if top != PACKAGE:
        if top in EDGE_FRAMEWORKS and own_layer < 3:
            return [f"{LAYER_NAMES[own_layer]} is framework-free; only L3 may import {top}"]
        return []
    broken = []
    target_layer = layer_of(target)
    if target_layer is not None and target_layer > own_layer:
        broken.append(f"{LAYER_NAMES[own_layer]} may not import {LAYER_NAMES[target_layer]}")
    own_dialect, target_dialect = _dialect_of(module), _dialect_of(target)
    if own_dialect and target_dialect and own_dialect != target_dialect:
        broken.append(f"the {own_dialect} dialect may not import the {target_dialect} dialect")
    if own_layer == 3:
        broken += _within_edges(module, target)
    return broken


def check_module(module: str, source: str, *, is_package: bool = False) -> list[Violation]:
    """Every layer rule ``module`` breaks, one violation per import and rule."""
    own_layer = layer_of(module)
    if own_layer is None:
        return [Violation(module, 0, "is in no layer; give its package one in LAYERS")]
    return [
        Violation(module, line, f"imports {target}: {rule}")
        for line, target in imported_modules(module, source, is_package=is_package)
        for rule in _broken_rules(module, own_layer, target)
    ]


def _source_modules() -> list[tuple[str, Path, bool]]:
    modules = []
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        modules.append((".".join(parts), path, is_package))
    return modules


def test_every_module_keeps_the_layer_rules() -> None:
    modules = _source_modules()

    violations = [
        str(violation)
        for module, path, is_package in modules
        for violation in check_module(module, path.read_text(), is_package=is_package)
    ]

    assert violations == []


def test_the_walk_sees_every_layer() -> None:
    layers = {layer_of(module) for module, _path, _is_package in _source_modules()}

    assert layers == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "podium.models.fake",
            "from podium.events.service import create_event\n",
            "podium.models.fake:1: imports podium.events.service.create_event: "
            "L1 (models, migrations) may not import L2 (domain)",
        ),
        (
            "podium.kit.fake",
            "import os\n\nfrom ..web import app\n",
            "podium.kit.fake:3: imports podium.web.app: "
            "L0 (kit, config, enums) may not import L3 (web, cli, worker)",
        ),
        (
            "podium.events.fake",
            "from fastapi import APIRouter\n",
            "podium.events.fake:1: imports fastapi.APIRouter: "
            "L2 (domain) is framework-free; only L3 may import fastapi",
        ),
        (
            "podium.program.fake",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import typer\n",
            "podium.program.fake:3: imports typer: "
            "L2 (domain) is framework-free; only L3 may import typer",
        ),
        (
            "podium.web.api.dialects.eventtia.mapping",
            "from podium.web.api.dialects.conferences_io.envelope import ok\n",
            "podium.web.api.dialects.eventtia.mapping:1: imports "
            "podium.web.api.dialects.conferences_io.envelope.ok: "
            "the eventtia dialect may not import the conferences_io dialect",
        ),
        (
            "podium.web.api.dialects.eventtia",
            "from ..conferences_io import envelope\n",
            "podium.web.api.dialects.eventtia:1: imports "
            "podium.web.api.dialects.conferences_io.envelope: "
            "the eventtia dialect may not import the conferences_io dialect",
        ),
        (
            "podium.domain_events",
            "from podium.credits.service import credit_rules\n",
            "podium.domain_events:1: imports podium.credits.service.credit_rules: "
            "L0 (kit, config, enums) may not import L2 (domain)",
        ),
        (
            "podium.gadgets",
            "import os\n",
            "podium.gadgets:0: is in no layer; give its package one in LAYERS",
        ),
        (
            "podium.web.pages.attendee.fake",
            "from podium.attendance.repository import find_checkin\n",
            "podium.web.pages.attendee.fake:1: imports "
            "podium.attendance.repository.find_checkin: an edge uses podium.attendance only "
            "through its service, types or errors module, not its repository module",
        ),
        (
            "podium.cli.fake",
            "from podium.credits import engine\n",
            "podium.cli.fake:1: imports podium.credits.engine: an edge uses podium.credits "
            "only through its service, types or errors module, not its engine module",
        ),
        (
            "podium.worker.fake",
            "import podium.live\n",
            "podium.worker.fake:1: imports podium.live: an edge uses podium.live only "
            "through its service, types or errors module, not the package itself",
        ),
        (
            "podium.web.realtime.fake",
            "from podium.web.pages.attendee import views\n",
            "podium.web.realtime.fake:1: imports podium.web.pages.attendee.views: "
            "realtime and the API dialects may not import the pages",
        ),
        (
            "podium.web.api.dialects.eventtia.fake",
            "from podium.web.pages import templates\n",
            "podium.web.api.dialects.eventtia.fake:1: imports podium.web.pages.templates: "
            "realtime and the API dialects may not import the pages",
        ),
        (
            "podium.web.pages.kiosk.fake",
            "from ..moderator.routes import router\n",
            "podium.web.pages.kiosk.fake:1: imports podium.web.pages.moderator.routes.router: "
            "the kiosk pages may not import the moderator pages; share through podium.web.pages",
        ),
    ],
)
def test_check_module_reports_a_broken_rule(module: str, source: str, expected: str) -> None:
    is_package = module == "podium.web.api.dialects.eventtia"

    violations = check_module(module, source, is_package=is_package)

    assert [str(violation) for violation in violations] == [expected]


@pytest.mark.parametrize(
    ("module", "source"),
    [
        (
            "podium.events.fake",
            "from podium.kit.db import UnitOfWork\nfrom podium.models import Event\n",
        ),
        ("podium.attendance.fake", "from podium.program.service import get_session\n"),
        ("podium.cli.fake", "import typer\nfrom podium.events.service import create_event\n"),
        (
            "podium.web.api.dialects.eventtia.mapping",
            "from . import schemas\nfrom podium.web.deps import get_uow\n",
        ),
        (
            "podium.models.fake",
            "from sqlalchemy import String\nfrom podium.enums import PollType\n",
        ),
        (
            "podium.web.pages.kiosk.fake",
            "from podium.attendance.service import perform_checkin\n"
            "from podium.attendance.errors import NotCheckedIn\n"
            "from podium.web.pages import live_views\n"
            "from podium.web.pages.kiosk import views\n",
        ),
        ("podium.cli.fake", "from podium.credits import service, types\n"),
        ("podium.web.realtime.fake", "from podium.web.auth import identity\n"),
        ("podium.cli.fake", "from podium.reactions import open_database\n"),
        ("podium.attendance.fake", "from podium.domain_events import CheckedIn\n"),
    ],
)
def test_check_module_accepts_imports_that_point_down_or_sideways(module: str, source: str) -> None:
    assert check_module(module, source) == []
