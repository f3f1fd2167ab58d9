"""The one per-organisation cache of reference data every request reads (issue 26): the
working-day calendar, the work-order configuration (policies, permit kinds), message
templates, and every settings row (`OrgSettings.for_org`).

`OrgCache(name, load, fingerprint)` keeps `load(org_id)` for each organisation in this
process (no pickling, no round trip on a hit). It learns of changes three ways:

* a save or delete of one of its models in this process (`invalidate_on(models…)`, signals)
  drops the copy at once, and so does `QuerySet.update()` on such a model (the managers of
  `core.models` call `model_updated`);
* with a shared cache backend (Redis, `CACHES`), that drop also bumps a token in the shared
  cache, which every process compares at most every `SHOUHOU_ORG_CACHE_CHECK_SECONDS`
  (default 5): one cache read, no SQL;
* `fingerprint(org_id)`, a one-query summary (counts and latest `updated_at`), catches what
  no signal announced (another process with local-memory caches, a raw SQL write): compared
  every `SHOUHOU_ORG_CACHE_CHECK_SECONDS` with local memory, and every
  `SHOUHOU_ORG_CACHE_DB_CHECK_SECONDS` (default 60) when the shared token is there.

`store_after_commit=True` keeps a value read inside a transaction only once it commits.
`version_of(value)`, when given, is the fingerprint of a freshly loaded value (a settings row:
its id and `updated_at`), so a load costs no second query. `copy=True` hands each caller a
shallow copy (a settings row the caller may change and save).
"""

from __future__ import annotations

import copy as copy_
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

_all: list[OrgCache[Any]] = []
_by_model: dict[type, list[OrgCache[Any]]] = {}


def _shared_backend() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("LocMemCache", "DummyCache"))


@dataclass
class _Entry(Generic[T]):
    version: object
    token: object
    checked: float
    db_checked: float
    value: T


class OrgCache(Generic[T]):
    def __init__(
        self,
        name: str,
        load: Callable[[int], T],
        fingerprint: Callable[[int], object],
        *,
        version_of: Callable[[T], object] | None = None,
        copy: bool = False,
        store_after_commit: bool = False,
    ):
        self.name = name
        self._load = load
        self._fingerprint = fingerprint
        self._version_of = version_of
        self._copy = copy
        self._store_after_commit = store_after_commit
        self._entries: dict[int, _Entry[T]] = {}
        self._lock = threading.Lock()
        _all.append(self)

    # Shared token (only with a shared cache backend) ------------------------------------
    def _keys(self, org_id: int) -> tuple[str, str]:
        return f"shouhou:orgcache:{self.name}:{org_id}", f"shouhou:orgcache:{self.name}:*"

    def _token(self, org_id: int) -> object:
        if not _shared_backend():
            return None
        one, every = self._keys(org_id)
        got = cache.get_many([one, every])
        return (got.get(one), got.get(every))

    def _bump(self, org_id: int | None) -> None:
        if not _shared_backend():
            return
        one, every = self._keys(org_id or 0)
        cache.set(every if org_id is None else one, uuid.uuid4().hex, None)

    # Reading ------------------------------------------------------------------------------
    def get(self, organisation: Any) -> T:
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        entry = self._entries.get(org_id)
        if entry is not None:
            value = self._fresh(org_id, entry)
            if value is not None:
                return copy_.copy(value) if self._copy else value
        token = self._token(org_id)
        loaded = self._load(org_id)
        # A load that wrote defaults must not reload next time: the version after loading.
        version = (
            self._version_of(loaded) if self._version_of is not None else self._fingerprint(org_id)
        )

        def store() -> None:
            now = time.monotonic()
            with self._lock:
                self._entries[org_id] = _Entry(version, token, now, now, loaded)

        if self._store_after_commit and transaction.get_connection().in_atomic_block:
            # Read inside a transaction: kept only once it commits, so a rollback never
            # leaves a value the database does not hold.
            transaction.on_commit(store)
        else:
            store()
        return copy_.copy(loaded) if self._copy else loaded

    def _fresh(self, org_id: int, entry: _Entry[T]) -> T | None:
        """The cached value if still good (checking what is due), else None."""
        now = time.monotonic()
        every = getattr(settings, "SHOUHOU_ORG_CACHE_CHECK_SECONDS", 5.0)
        if now - entry.checked < every:
            return entry.value
        if entry.token is not None:
            if self._token(org_id) != entry.token:
                return None
            db_every = getattr(settings, "SHOUHOU_ORG_CACHE_DB_CHECK_SECONDS", 60.0)
            if now - entry.db_checked < db_every:
                entry.checked = now
                return entry.value
        if self._fingerprint(org_id) != entry.version:
            return None
        entry.checked = entry.db_checked = now
        return entry.value

    def expire(self, organisation: Any) -> None:
        """Make the next read compare the fingerprint (what another process's change does
        after `SHOUHOU_ORG_CACHE_CHECK_SECONDS`); for tests."""
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        entry = self._entries.get(org_id)
        if entry is not None:
            entry.checked = entry.db_checked = float("-inf")

    # Invalidation -------------------------------------------------------------------------
    def invalidate(self, organisation: Any = None) -> None:
        org_id = None
        with self._lock:
            if organisation is None:
                self._entries.clear()
            else:
                org_id = organisation if isinstance(organisation, int) else organisation.pk
                self._entries.pop(org_id, None)
        self._bump(org_id)

    def changed(self, organisation: Any = None) -> None:
        """A row of this cache's data changed: drop the copy now and, for a cache that stores
        on commit (a reader inside another transaction may have queued the old row), once
        more after the commit. A cache that stores at once keeps what a load inside the
        writer's transaction read: its fingerprint was taken after that load."""
        self.invalidate(organisation)
        if self._store_after_commit:
            transaction.on_commit(lambda: self.invalidate(organisation))

    def invalidate_on(self, *models) -> None:
        """Drop an organisation's copy when a row of one of `models` is saved or deleted
        (or updated through the managers of `core.models`)."""

        def handler(sender, instance, **kwargs):
            self.changed(getattr(instance, "organisation_id", None))

        self._handler = handler  # signals keep weak references
        for model in models:
            uid = f"orgcache-{self.name}-{model._meta.label_lower}"
            post_save.connect(handler, sender=model, dispatch_uid=uid + "-save", weak=False)
            post_delete.connect(handler, sender=model, dispatch_uid=uid + "-delete", weak=False)
            _by_model.setdefault(model, []).append(self)


def model_updated(model: type) -> None:
    """`QuerySet.update()` ran on `model` (no signal): every cache built from it forgets
    every organisation (the update does not say which; such writes to reference data are
    rare)."""
    for cache_ in _by_model.get(model, ()):
        cache_.changed()


def invalidate_all(organisation=None) -> None:
    """Forget every cached copy (of one organisation): a new organisation may reuse the id of
    one rolled back (tests on SQLite)."""
    for cache_ in _all:
        cache_.invalidate(organisation)


def _new_organisation(sender, instance, created, raw=False, **kwargs):
    if created:
        invalidate_all(instance.pk)


def connect() -> None:
    # A lazy sender ("app_label.Model"): core imports no app.
    post_save.connect(
        _new_organisation, sender="org.Organisation", dispatch_uid="orgcache-new-organisation"
    )
