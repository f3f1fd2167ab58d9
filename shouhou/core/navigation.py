"""What the page frame shows, filled in by the apps: menu entries, dashboard cards, frame context.

Core knows no app. Each app registers its own pieces from `AppConfig.ready()` (through a
`navigation.py` of its own):

    register_menu(MenuEntry(_("Work orders"), "workorders:list", OFFICE_ROLES, order=60))
    register_dashboard(selectors.dashboard_cards, order=40)
    register_frame(lambda *, user: {...})   # extra context for every page (core/base.html)

A menu entry shows when its URL exists and the user has one of its roles (`roles=None`: any
logged-in member). Roles are checked with the role test the org app installs in
`shouhou.core.access`, so core does not import org. Entries and cards are sorted by `order`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from shouhou.core.access import has_role

ALL = None  # any logged-in member of an organisation


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    roles: frozenset[str] | None
    order: int

    def __init__(self, label, url_name: str, roles: Iterable[str] | None, order: int):
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "url_name", url_name)
        object.__setattr__(self, "roles", None if roles is None else frozenset(roles))
        object.__setattr__(self, "order", order)


CardProvider = Callable[..., list[dict]]  # fn(*, user) -> [{"label", "value", "url", "alert"}]
FrameProvider = Callable[..., dict]  # fn(*, user) -> extra context of every page

_menu: dict[str, MenuEntry] = {}
_dashboard: dict[str, tuple[int, CardProvider]] = {}
_frame: dict[str, FrameProvider] = {}


def _key(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_menu(*entries: MenuEntry) -> None:
    """Add menu entries (once per URL name: registering again replaces the entry)."""
    for entry in entries:
        _menu[entry.url_name] = entry


def register_dashboard(provider: CardProvider, *, order: int) -> None:
    _dashboard[_key(provider)] = (order, provider)


def register_frame(provider: FrameProvider) -> None:
    _frame[_key(provider)] = provider


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu.values(), key=lambda e: (e.order, e.url_name))


def menu_for(user) -> list[dict]:
    items = []
    for entry in menu_entries():
        if entry.roles is not ALL and not has_role(user, *entry.roles):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "name": entry.url_name})
    return items


def dashboard_providers() -> list[CardProvider]:
    return [fn for _order, fn in sorted(_dashboard.values(), key=lambda p: p[0])]


def dashboard_cards(user) -> list[dict]:
    cards: list[dict] = []
    for provider in dashboard_providers():
        cards.extend(provider(user=user))
    return cards


def frame_context(user) -> dict:
    context: dict = {}
    for provider in _frame.values():
        context.update(provider(user=user))
    return context
