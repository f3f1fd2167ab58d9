"""Split a long `services.py` into a package of use-case modules (issue 14).

    python scripts/split_module.py shouhou/parts/services.py plan.json

`plan.json` maps a submodule name to the public names it owns, e.g.
`{"stock": ["part_create", "receipt_*"], "requisitions": ["requisition_*"]}` (fnmatch patterns).
What no pattern claims goes to `common.py`: constants, settings, and private helpers used by
more than one module; a private helper used by one module only moves with it. Every module
gets the original imports (ruff drops the unused ones afterwards) plus imports of the names it
uses from its siblings; `__init__.py` keeps the docstring and re-exports every top-level name,
so `from shouhou.<app> import services` callers do not change. It refuses a plan whose modules
would import each other in a cycle.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import subprocess
import sys
from pathlib import Path


def _names_defined(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        names = []
        for t in node.targets:
            elts = t.elts if isinstance(t, ast.Tuple) else [t]
            names += [e.id for e in elts if isinstance(e, ast.Name)]
        return names
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _names_used(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _deeper(src: str, node: ast.stmt) -> str:
    """An import statement's text, one package level deeper for relative imports."""
    text = ast.get_source_segment(src, node) or ""
    if isinstance(node, ast.ImportFrom) and node.level:
        text = text.replace("from " + "." * node.level, "from " + "." * (node.level + 1), 1)
    return text


def _is_import_block(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    # `if TYPE_CHECKING:` blocks of imports
    return isinstance(node, ast.If) and all(
        isinstance(b, (ast.Import, ast.ImportFrom)) for b in node.body
    )


def split(path: Path, plan: dict[str, list[str]]) -> None:
    src = path.read_text()
    tree = ast.parse(src)
    body = list(tree.body)
    doc = ""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        doc = ast.get_source_segment(src, body[0]) or ""
        body = body[1:]
    future = [n for n in body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    imports = [n for n in body if _is_import_block(n) and n not in future]
    defs = [n for n in body if n not in imports and n not in future]

    def segment(node: ast.stmt) -> str:
        # keep the comments directly above a definition
        lines = src.splitlines()
        start = node.lineno - 1
        if hasattr(node, "decorator_list") and node.decorator_list:
            start = node.decorator_list[0].lineno - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        return "\n".join(lines[start : node.end_lineno])

    owner: dict[int, str] = {}
    name_of: dict[str, int] = {}
    for i, node in enumerate(defs):
        for name in _names_defined(node):
            name_of[name] = i
            for mod, patterns in plan.items():
                if any(fnmatch.fnmatch(name, p) for p in patterns):
                    owner[i] = mod
    uses = {i: _names_used(node) for i, node in enumerate(defs)}
    # private helpers (and unclaimed names) follow their only user; shared ones go to common
    changed = True
    while changed:
        changed = False
        for i, node in enumerate(defs):
            if i in owner:
                continue
            names = set(_names_defined(node))
            users = {owner.get(j, "?") for j, u in uses.items() if j != i and names & u}
            if not names:
                continue
            if len(users) == 1 and "?" not in users:
                owner[i] = users.pop()
                changed = True
    for i in range(len(defs)):
        owner.setdefault(i, "common")

    modules = ["common", *plan]
    deps: dict[str, dict[str, set[str]]] = {m: {} for m in modules}
    for i in range(len(defs)):
        mine = owner[i]
        for name in uses[i]:
            j = name_of.get(name)
            if j is not None and owner[j] != mine:
                deps[mine].setdefault(owner[j], set()).add(name)
    # cycle check
    seen: set[str] = set()

    def visit(m: str, stack: tuple[str, ...]) -> None:
        if m in stack:
            raise SystemExit(f"cycle: {' -> '.join((*stack, m))}")
        if m in seen:
            return
        for d in deps[m]:
            visit(d, (*stack, m))
        seen.add(m)

    for m in modules:
        visit(m, ())

    pkg = path.with_suffix("")
    pkg.mkdir()
    import_text = "\n".join(_deeper(src, n) for n in imports)
    exported: dict[str, list[str]] = {}
    for m in modules:
        parts = [f'"""{path.stem} of {pkg.parent.name}: {m}."""'.replace('"""services of', '"""')]
        parts.append("from __future__ import annotations\n")
        parts.append(import_text)
        for d, names in sorted(deps[m].items()):
            parts.append(f"from .{d} import {', '.join(sorted(names))}")
        parts.append("")
        for i, node in enumerate(defs):
            if owner[i] == m:
                parts.append(segment(node) + "\n")
                exported.setdefault(m, []).extend(_names_defined(node))
        (pkg / f"{m}.py").write_text("\n\n".join(parts).rstrip() + "\n")
    init = (
        [doc, "from __future__ import annotations\n"]
        if doc
        else ["from __future__ import annotations\n"]
    )
    all_names: list[str] = []
    for m in modules:
        names = exported.get(m, [])
        if names:
            init.append(
                f"from .{m} import (\n" + "".join(f"    {n} as {n},\n" for n in names) + ")"
            )
            all_names += names
    (pkg / "__init__.py").write_text("\n\n".join(init) + "\n")
    path.unlink()
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run([*ruff, "check", "--fix", "-q", "--select", "F401,I", str(pkg)], check=False)  # noqa: S603
    subprocess.run([*ruff, "format", "-q", str(pkg)], check=False)  # noqa: S603
    for m in modules:
        print(m, len((pkg / f"{m}.py").read_text().splitlines()), sorted(deps[m]))


if __name__ == "__main__":
    split(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()))
