"""Per-organisation, per-process caches of reference data every request reads.

`OrgCache(load, fingerprint)` keeps `load(org_id)` for each organisation in this process. A
change made here (a model save or delete, see `invalidate_on`) drops the copy at once; a
change made by another process is noticed by `fingerprint(org_id)`, a one-query summary
(counts and latest `updated_at`) compared at most every `SHOUHOU_ORG_CACHE_CHECK_SECONDS`
(default 5) seconds. It lives in the database, so it works whatever the cache backend is
(locmem is per process). The workdays calendar cache works the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_all: list[OrgCache[Any]] = []


@dataclass
class _Entry(Generic[T]):
    version: object
    checked: float
    value: T


class OrgCache(Generic[T]):
    def __init__(self, name: str, load: Callable[[int], T], fingerprint: Callable[[int], object]):
        self.name = name
        self._load = load
        self._fingerprint = fingerprint
        self._entries: dict[int, _Entry[T]] = {}
        self._lock = threading.Lock()
        _all.append(self)

    def get(self, organisation: Any) -> T:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        now = time.monotonic()
        entry = self._entries.get(org_id)
        every = getattr(settings, "SHOUHOU_ORG_CACHE_CHECK_SECONDS", 5.0)
        if entry is not None and now - entry.checked < every:
            return entry.value
        version = self._fingerprint(org_id)
        if entry is not None and entry.version == version:
            entry.checked = now
            return entry.value
        value = self._load(org_id)
        # The fingerprint after loading: a load that wrote defaults must not reload next time.
        version = self._fingerprint(org_id)
        with self._lock:
            self._entries[org_id] = _Entry(version, now, value)
        return value

    def expire(self, organisation: Any) -> None:
        """Make the next read compare the fingerprint (what another process's change does
        after `SHOUHOU_ORG_CACHE_CHECK_SECONDS`); for tests."""
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        entry = self._entries.get(org_id)
        if entry is not None:
            entry.checked = float("-inf")

    def invalidate(self, organisation: Any = None) -> None:
        with self._lock:
            if organisation is None:
                self._entries.clear()
            else:
                org_id = organisation if isinstance(organisation, int) else organisation.pk
                self._entries.pop(org_id, None)

    def invalidate_on(self, *models) -> None:
        """Drop an organisation's copy when a row of one of `models` is saved or deleted."""

        def handler(sender, instance, **kwargs):
            org_id = getattr(instance, "organisation_id", None)
            self.invalidate(org_id) if org_id is not None else self.invalidate()

        self._handler = handler  # signals keep weak references
        for model in models:
            uid = f"orgcache-{self.name}-{model._meta.label_lower}"
            post_save.connect(handler, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(handler, sender=model, dispatch_uid=uid + "-delete", weak=False)


def invalidate_all(organisation=None) -> None:
    """Forget every cached copy (of one organisation): a new organisation may reuse the id of
    one rolled back (tests on SQLite)."""
    for cache in _all:
        cache.invalidate(organisation)


def _new_organisation(sender, instance, created, raw=False, **kwargs):
    if created:
        invalidate_all(instance.pk)


def connect() -> None:
    # A lazy sender ("app_label.Model"): core imports no app.
    post_save.connect(
        _new_organisation, sender="org.Organisation", dispatch_uid="orgcache-new-organisation"
    )
