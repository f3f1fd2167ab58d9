"""The tenancy rule, checked on the source: request paths use the scoped manager only.

Request paths (views, API, forms, and the services and selectors they call) read and write through
`Model.objects`, the django-scopes manager: the request middleware opens the user's organisation
scope, so a forgotten organisation filter is an error, not a leak. The unscoped `all_objects` and
`scopes_disabled()` belong to code that is not a request:

- `jobs.py` (set-based across organisations on purpose, or one organisation's scope at a time),
  `demo.py`, `admin.py` (site operators read every organisation), management commands and
  migrations;
- the short list below, each entry a function with the reason it may bypass the scope.

A new `.all_objects` or `scopes_disabled()` anywhere else fails this test: use `.objects`, or, for
code that knows its organisation without a logged-in user (a public link's signed token), open
`shouhou.core.middleware.organisation_scope(org)`.

Views keep no ORM calls of their own (they call selectors and services): the number of manager
calls in each views module may only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the shouhou package

# Files whose whole content is outside the request path.
ALLOWED_FILES = {"jobs.py", "demo.py", "admin.py"}
ALLOWED_DIRS = {"tests", "migrations", "management"}

# (module path relative to shouhou/, enclosing function or Class.method) -> why it may bypass.
ALLOW_LIST = {
    ("callbacks/metrics/coverage.py", "_records_of"): (
        "a correlated subquery that compares `organisation_id + 0` on purpose (so the planner "
        "takes the link index); the scope's plain comparison would bring back the quadratic plan"
    ),
    ("promises/models.py", "PromiseRule.save"): (
        "the model reads its own row's version by primary key; admin saves other organisations' "
        "rules"
    ),
    ("core/middleware.py", "scope_for_user"): (
        "a superuser without an organisation (the site operator) sees every organisation"
    ),
    ("core/jobrunner.py", "run_job"): "the job runner: jobs are not requests",
    ("complaints/receivers.py", "escalate_limits_missed"): (
        "a receiver of the work-order sweep's event, sent from a job outside any request scope; "
        "it reads only the orders the event names, of the organisation it names"
    ),
}

BYPASSES = ("all_objects", "scopes_disabled")


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if ALLOWED_DIRS & set(rel.parts[:-1]) or rel.name in ALLOWED_FILES:
            continue
        yield rel.as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


class _Finder(ast.NodeVisitor):
    """Every bypass (`x.all_objects`, `scopes_disabled(...)`) with its enclosing function."""

    def __init__(self):
        self.stack: list[str] = []
        self.found: list[tuple[str, int, str]] = []  # (function, line, what)

    def _scoped(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _where(self) -> str:
        return ".".join(self.stack) or "<module>"

    def visit_Attribute(self, node):
        if node.attr == "all_objects" and not isinstance(node.ctx, ast.Store):
            self.found.append((self._where(), node.lineno, ".all_objects"))
        self.generic_visit(node)

    def visit_Call(self, node):
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", None)
        if name == "scopes_disabled":
            self.found.append((self._where(), node.lineno, "scopes_disabled()"))
        self.generic_visit(node)


def _bypasses():
    for rel, tree in _modules():
        finder = _Finder()
        finder.visit(tree)
        for where, line, what in finder.found:
            yield rel, where, line, what


def test_request_paths_never_bypass_the_organisation_scope():
    offenders = [
        f"shouhou/{rel}:{line} {what} in {where}"
        for rel, where, line, what in _bypasses()
        if (rel, where) not in ALLOW_LIST
    ]
    assert offenders == [], (
        "Request paths use the scoped `.objects` manager (the middleware opens the user's "
        "organisation scope); see this test's docstring for where a bypass is allowed:\n"
        + "\n".join(offenders)
    )


def test_every_allow_list_entry_is_still_needed():
    used = {(rel, where) for rel, where, _line, _what in _bypasses()}
    assert sorted(set(ALLOW_LIST) - used) == []


def test_the_check_finds_a_bypass_it_is_shown():
    tree = ast.parse(
        "def customer_list(*, user):\n"
        "    with scopes_disabled():\n"
        "        return Customer.all_objects.filter(organisation=user.organisation)\n"
        "class M:\n"
        "    all_objects = models.Manager()\n"
    )
    finder = _Finder()
    finder.visit(tree)
    assert finder.found == [
        ("customer_list", 2, "scopes_disabled()"),
        ("customer_list", 3, ".all_objects"),
    ]


# --- Views and API modules keep no ORM calls of their own ------------------------------------

# Manager calls (`X.objects...` / `X.all_objects...`) per page/API module today (an API's
# `queryset = X.objects.none()` for the schema counts too). These numbers may only go down: move
# the query into a selector (reads) or a service (writes) instead, then lower the number here.
VIEW_ORM_BASELINE = {
    "callbacks/api.py": 1,
    "callbacks/api_records.py": 3,
    "callbacks/views.py": 1,
    "callbacks/views_feedback.py": 1,
    "callbacks/views_metrics.py": 1,
    "callbacks/views_records.py": 8,
    "catalog/api.py": 5,
    "complaints/api.py": 2,
    "complaints/views.py": 1,
    "core/api_views.py": 1,
    "customers/api.py": 3,
    "delivery/api.py": 3,
    "delivery/views.py": 3,
    "org/api.py": 2,
    "performance/api.py": 1,
    "promises/api.py": 4,
    "promises/views.py": 1,
    "sales/api.py": 2,
    "staff/api.py": 10,
    "workorders/api.py": 3,
    "workorders/api_old_parts.py": 1,
    "workorders/api_requests.py": 1,
    "workorders/api_tiers.py": 2,  # the viewsets' `queryset = ….objects.none()` for the schema
    "workorders/views.py": 15,
}


def _is_view_module(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in ("views.py", "api.py") or name.startswith(("views_", "api_"))


def _manager_calls(tree) -> int:
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("objects", "all_objects")
        and not isinstance(node.ctx, ast.Store)
    )


def test_views_and_apis_make_no_more_orm_calls_than_the_baseline():
    counts = {rel: _manager_calls(tree) for rel, tree in _modules() if _is_view_module(rel)}
    grown = {
        rel: (n, VIEW_ORM_BASELINE.get(rel, 0))
        for rel, n in counts.items()
        if n > VIEW_ORM_BASELINE.get(rel, 0)
    }
    assert grown == {}, (
        f"views and APIs call selectors and services, not the ORM (module: (now, allowed)): {grown}"
    )
