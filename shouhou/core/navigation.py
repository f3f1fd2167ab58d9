"""What the page frame shows, filled in by the apps: menu entries, dashboard cards, frame context,
count badges and the global search.

Core knows no app. Each app registers its own pieces from `AppConfig.ready()` (through a
`navigation.py` of its own):

    register_menu(MenuEntry(_("Work orders"), "workorders:list", OFFICE_ROLES, order=60, section="workorders",
                            section="workorders", badge=selectors.my_overdue_count))
    register_dashboard(selectors.dashboard_cards, order=40)
    register_dashboard_panel(dashboard.manager_panels, order=10, roles=r.TREND_ROLES)
    register_frame(lambda *, user: {...})   # extra context for every page (core/base.html)
    register_search(selectors.search_hits, order=10)
    register_section("dealers", pgettext_lazy("menu section", "Dealer service"), order=75)

A dashboard panel (`shouhou.core.panels.Panel`: a chart with its numbers as a table, the list
behind it, comparisons with the previous period) comes from `fn(*, user, now)`, asked only for
users with one of `roles`; it returns a panel, a list of panels or None.

A menu entry shows when its URL exists and the user has one of its roles (`roles=None`: any
logged-in member). Roles are checked with the role test the org app installs in
`shouhou.core.access`, so core does not import org. Entries and cards are sorted by `order`;
the menu is grouped by the entries' sections (core names the usual ones: intake, work orders,
callbacks, ...), a section with one entry for the user shows as a plain link.

Badges (what waits on the user: my overdue orders, approvals for my signature, callbacks due
today) are counted by `badge(*, user) -> int` and fetched after the page has loaded
(`core:nav-badges`), so a page's own query count does not grow with the menu.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

from shouhou.core.access import has_role

ALL = None  # any logged-in member of an organisation

BadgeProvider = Callable[..., int]  # fn(*, user) -> how many wait on the user (0: no badge)


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    order: int


@dataclass(frozen=True)
class MenuEntry:
    label: Any
    url_name: str
    roles: frozenset[str] | None
    order: int
    section: str
    badge: BadgeProvider | None

    def __init__(
        self,
        label,
        url_name: str,
        roles: Iterable[str] | None,
        order: int,
        *,
        section: str = "",
        badge: BadgeProvider | None = None,
    ):
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "url_name", url_name)
        object.__setattr__(self, "roles", None if roles is None else frozenset(roles))
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "section", section)
        object.__setattr__(self, "badge", badge)

    @property
    def badge_id(self) -> str:
        return "badge-" + self.url_name.replace(":", "-").replace("_", "-")


# The sections a service department works in (issue 22.1); an app may add its own.
_sections: dict[str, Section] = {}


def register_section(key: str, label, *, order: int) -> None:
    _sections[key] = Section(key, label, order)


for _key_, _label_, _order_ in (
    ("mine", pgettext_lazy("menu section", "My work"), 10),
    ("intake", pgettext_lazy("menu section", "Intake"), 20),
    ("workorders", pgettext_lazy("menu section", "Work orders"), 30),
    ("callbacks", pgettext_lazy("menu section", "Callbacks"), 40),
    ("complaints", pgettext_lazy("menu section", "Complaints"), 50),
    ("delivery", pgettext_lazy("menu section", "Delivery"), 60),
    ("parts", pgettext_lazy("menu section", "Parts"), 70),
    ("staff", pgettext_lazy("menu section", "Staff"), 80),
    ("reports", pgettext_lazy("menu section", "Reports"), 90),
    ("settings", pgettext_lazy("menu section", "Settings"), 100),
):
    register_section(_key_, _label_, order=_order_)


CardProvider = Callable[..., list[dict]]  # fn(*, user) -> [{"label", "value", "url", "alert"}]
FrameProvider = Callable[..., dict]  # fn(*, user) -> extra context of every page

SearchProvider = Callable[..., list[dict]]  # fn(*, user, q) -> [{"kind", "label", "url", ...}]

_menu: dict[str, MenuEntry] = {}
_dashboard: dict[str, tuple[int, CardProvider]] = {}
_frame: dict[str, FrameProvider] = {}
_search: dict[str, tuple[int, SearchProvider]] = {}
# fn(*, user, now) -> Panel | list[Panel] | None
PanelProvider = Callable[..., Any]
_panels: dict[str, tuple[int, frozenset[str] | None, PanelProvider]] = {}


def _key(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_menu(*entries: MenuEntry) -> None:
    """Add menu entries (once per URL name: registering again replaces the entry)."""
    for entry in entries:
        _menu[entry.url_name] = entry


def register_dashboard(provider: CardProvider, *, order: int) -> None:
    _dashboard[_key(provider)] = (order, provider)


def register_dashboard_panel(
    provider: PanelProvider, *, order: int, roles: Iterable[str] | None = ALL
) -> None:
    """Add dashboard panels: `provider(*, user, now)` is called for users with one of `roles`
    (`None`: any member) and returns a `Panel`, a list of them or None. Its cost must not
    grow with the data: a fixed few queries (GROUP BY day, not a query per day)."""
    _panels[_key(provider)] = (order, None if roles is None else frozenset(roles), provider)


def register_frame(provider: FrameProvider) -> None:
    _frame[_key(provider)] = provider


def register_search(provider: SearchProvider, *, order: int) -> None:
    """`provider(*, user, q)` returns the hits the user may see, each a dict with `kind` (what
    it is: 工单, 顾客), `label`, `url`, optional `detail`, and `exact=True` where the term named
    exactly this record (an order number): a search with one exact hit opens it directly."""
    _search[_key(provider)] = (order, provider)


def search_providers() -> list[SearchProvider]:
    return [fn for _order, fn in sorted(_search.values(), key=lambda p: p[0])]


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu.values(), key=lambda e: (e.order, e.url_name))


def visible_entries(user) -> list[tuple[MenuEntry, str]]:
    """The entries `user` may open, with their URLs, in menu order."""
    items = []
    for entry in menu_entries():
        if entry.roles is not ALL and not has_role(user, *entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append((entry, url))
    return items


def menu_for(user) -> list[dict]:
    return [
        {"label": e.label, "url": url, "name": e.url_name, "section": e.section}
        for e, url in visible_entries(user)
    ]


def menu_sections(user: Any, current: str = "") -> list[dict[str, Any]]:
    """The menu grouped by section, in section order: `[{"key", "label", "items", "current",
    "badge_id"}]`. `current` is the view name of the page: its entry (or, for a page that is
    not in the menu, the first entry of the same app) marks its section current."""
    groups: dict[str, dict[str, Any]] = {}
    namespace = current.split(":", 1)[0] if ":" in current else ""
    for entry, url in visible_entries(user):
        section = _sections.get(entry.section)
        key = section.key if section else ""
        group = groups.setdefault(
            key,
            {
                "key": key,
                "label": section.label if section else "",
                "order": section.order if section else 0,
                "items": [],
                "current": False,
                "badge_id": f"badge-section-{key}" if key else "",
            },
        )
        group["items"].append(
            {
                "label": entry.label,
                "url": url,
                "name": entry.url_name,
                "current": entry.url_name == current,
                "badge_id": entry.badge_id if entry.badge else "",
            }
        )
    sections = sorted(groups.values(), key=lambda g: g["order"])
    marked = next((g for g in sections for i in g["items"] if i["current"]), None)
    if marked is None and namespace:
        marked = next(
            (g for g in sections for i in g["items"] if i["name"].startswith(namespace + ":")),
            None,
        )
    if marked is not None:
        marked["current"] = True
    return sections


def badge_counts(user: Any) -> dict[str, int]:
    """{badge id: count} for every visible entry with a badge, and per section the sum (one
    query or so per badge: a fixed number, whatever the data)."""
    counts: dict[str, int] = {}
    for entry, _url in visible_entries(user):
        if entry.badge is None:
            continue
        n = int(entry.badge(user=user) or 0)
        counts[entry.badge_id] = n
        if entry.section:
            key = f"badge-section-{entry.section}"
            counts[key] = counts.get(key, 0) + n
    return counts


def dashboard_providers() -> list[CardProvider]:
    return [fn for _order, fn in sorted(_dashboard.values(), key=lambda p: p[0])]


def dashboard_cards(user: Any) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    for provider in dashboard_providers():
        cards.extend(provider(user=user))
    return cards


def panel_providers(user: Any) -> list[PanelProvider]:
    """The panel functions that apply to `user`, in order."""
    rows = sorted(_panels.values(), key=lambda p: p[0])
    return [fn for _o, roles, fn in rows if roles is ALL or has_role(user, *roles)]


def dashboard_panels(user: Any, now: Any = None) -> list[Any]:
    from django.utils import timezone

    now = now or timezone.now()
    panels: list[Any] = []
    for provider in panel_providers(user):
        got = provider(user=user, now=now)
        if got is None:
            continue
        panels.extend(got if isinstance(got, list) else [got])
    return panels


def frame_context(user: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for provider in _frame.values():
        context.update(provider(user=user))
    return context
