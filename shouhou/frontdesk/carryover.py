"""What the handover book carries over from one shift to the next, as a small registry.

`register_carry_over(fn)`: `fn(*, organisation, store, now) -> {"key", "label", "items"}` where
each item is `{"text": str, "url": str}`. The front desk registers its own sections (contacts
not answered, follow-ups due, reservations to confirm, complaints and returns in progress);
another app (lost property) adds its section from its `apps.py` the same way.
"""

from __future__ import annotations

from collections.abc import Callable

CarryOverFn = Callable[..., dict]
_SECTIONS: list[CarryOverFn] = []


def register_carry_over(fn: CarryOverFn) -> CarryOverFn:
    """Add a section to every handover from now on (once per function)."""
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)
    return fn


def carry_over_sections() -> list[CarryOverFn]:
    return list(_SECTIONS)


def collect(*, organisation, store, now) -> list[dict]:
    """Every registered section, in registration order, for this store at `now`."""
    out = []
    for fn in _SECTIONS:
        section = fn(organisation=organisation, store=store, now=now)
        out.append(
            {
                "key": str(section["key"]),
                "label": str(section["label"]),
                "items": [
                    {"text": str(i.get("text", "")), "url": str(i.get("url", ""))}
                    for i in section.get("items", [])
                ],
            }
        )
    return out
