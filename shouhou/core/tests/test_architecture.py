"""The shape of the code, checked: apps import only the apps below them, and never hide an import
of a sibling inside a function (publish a domain event instead; docs/architecture.md)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the shouhou package

# Each app may import the apps of a lower layer only (core is below everything).
LAYERS = {
    "core": 0,
    "org": 1,
    "workdays": 2,
    "customers": 3,
    "catalog": 3,
    "staff": 3,
    "sales": 4,
    "promises": 5,
    "workorders": 5,
    "delivery": 5,
    "complaints": 6,
    "callbacks": 7,
    "performance": 8,
    "notify": 4,
    "portal": 8,
    "frontdesk": 7,
    "dealers": 7,
    "parts": 6,
    "roster": 6,
    "lostfound": 3,
    "maintenance": 8,
}
# Where an import inside a function is fine: code that runs outside requests and wires apps.
LATE_IMPORTS_ALLOWED = re.compile(
    r"(/management/|/demo\.py$|/receivers\.py$|/jobs\.py$|/apps\.py$)"
)
# Demo data and management commands may reach across apps on purpose.
ANY_DIRECTION = re.compile(r"(/management/|/demo\.py$)")


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or len(rel.parts) < 2:
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree):
    """(app imported, line, inside a function) for each `from shouhou.<app>... import`.

    Imports under `if TYPE_CHECKING:` are annotations only (never run), so they do not count."""
    inner, typing_only = set(), set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inner.update(id(n) for n in ast.walk(fn))
        if isinstance(fn, ast.If) and getattr(fn.test, "id", "") == "TYPE_CHECKING":
            typing_only.update(id(n) for n in ast.walk(fn))
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] == "shouhou" and len(parts) > 1:
                yield parts[1], node.lineno, id(node) in inner


def test_every_app_has_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_no_import_of_a_sibling_app_hides_inside_a_function():
    found = []
    for rel, tree in _sources():
        app = rel.parts[0]
        if LATE_IMPORTS_ALLOWED.search(f"/{rel}"):
            continue
        for target, line, inside in _imports(tree):
            if inside and target in LAYERS and target not in (app, "core"):
                found.append(f"{rel}:{line} imports shouhou.{target}")
    assert found == []


def test_apps_import_only_the_apps_below_them():
    found = []
    for rel, tree in _sources():
        app = rel.parts[0]
        if ANY_DIRECTION.search(f"/{rel}"):
            continue
        for target, line, _inside in _imports(tree):
            if target in LAYERS and target != app and LAYERS[target] >= LAYERS[app]:
                found.append(f"{rel}:{line} ({app}) imports shouhou.{target}")
    assert found == []


def test_no_app_reaches_a_sibling_by_a_module_name_in_a_string():
    """`import_module(f"shouhou.{app}...")` is an import the two tests above cannot see: only
    the project's loaders (the API router, the demo seeder) may do it; an app that wants what a
    higher app offers takes a registration (`customers.selectors.register_history_source`)."""
    loaders = {"api_urls.py", "org/management/commands/seed_demo.py"}
    found = [
        f"{rel}:{node.lineno}"
        for rel, tree in _sources()
        if str(rel) not in loaders
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "import_module"
    ]
    top = ROOT / "api_urls.py"
    assert "import_module" in top.read_text(encoding="utf-8")  # the check sees the loaders
    assert found == []
