"""What higher apps add to the organisation pages; org knows none of them (docs/architecture.md).

* `register_section(page, fn, order=)`: `fn(*, user, rows) -> {row id: Section}` adds a section
  to the pages of `page` ("store", "department", "merchant", "dealer"): the roster's service
  areas of a store, the dealers app's work of a dealer. It is called once per page with every
  row shown (the list: one page of rows; the detail: one row), so its cost is a fixed few
  queries whatever the number of rows. A row it has nothing for is left out.
* `register_dealer_of(fn)`: `fn(user) -> dealer id | None`, the dealer a dealer's login belongs
  to (the dealers app keeps that link). With none registered a dealer's login sees no dealer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SectionItem:
    label: Any  # a str or a lazy translation
    detail: Any = ""
    url: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    items: list[SectionItem] = field(default_factory=list)
    url: str = ""  # the page behind the section (e.g. the roster's areas of the store)
    url_label: Any = ""

    @property
    def summary(self) -> str:
        """One line for the list page."""
        return "、".join(str(i.label) for i in self.items)


SectionProvider = Callable[..., dict[int, Section]]
DealerOf = Callable[[Any], int | None]
PAGES = ("store", "department", "merchant", "dealer")

_sections: dict[tuple[str, str], tuple[int, SectionProvider]] = {}
_dealer_of: list[DealerOf] = []


def _key(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def register_section(page: str, provider: SectionProvider, *, order: int) -> None:
    if page not in PAGES:
        raise ValueError(f"no such organisation page: {page}")
    _sections[(page, _key(provider))] = (order, provider)


def sections(page: str, *, user, rows) -> dict[int, list[Section]]:
    """{row id: [sections in order]} for the rows shown on a `page` list or detail."""
    rows = list(rows)
    out: dict[int, list[Section]] = {row.pk: [] for row in rows}
    if not rows:
        return out
    found = [(o, fn) for (p, _k), (o, fn) in _sections.items() if p == page]
    for _order, provider in sorted(found, key=lambda p: p[0]):
        for row_id, section in provider(user=user, rows=rows).items():
            if row_id in out:
                out[row_id].append(section)
    return out


def register_dealer_of(fn: DealerOf) -> None:
    _dealer_of[:] = [fn]


def dealer_of(user) -> int | None:
    return _dealer_of[0](user) if _dealer_of else None
