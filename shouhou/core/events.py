"""Domain events: how a lower app tells higher apps what happened without importing them.

An app declares its events in its own `signals.py` as `DomainEvent`s (Django signals that know
their payload and when they are sent) and publishes them from the service that made the change:

    workorder_completed = DomainEvent(
        "workorders.completed", payload=("order", "completed_at", "by"), on_commit=False,
        doc="A technician reported the service done.",
    )
    ...
    signals.workorder_completed.publish(sender=WorkOrder, order=order, completed_at=now, by=by)

Interested apps subscribe in their `receivers.py`, connected in `AppConfig.ready()` (as pretix's
plugins do with `pretix.base.signals`):

    @receiver(workorder_completed, dispatch_uid="callbacks.after_service_task")
    def after_service_task(sender, *, order, completed_at, by, **kwargs): ...

When is an event sent?

* `on_commit=False` (inside the transaction): the subscriber writes rows that must stand or fall
  with the change (completing a service creates its after-service callback task; cancelling an
  order cancels its open callbacks). A subscriber's error rolls the change back, as it did when
  the publisher called the other app directly.
* `on_commit=True` (after the commit): the subscriber reacts to a change that is final
  (notifications, caches, anything that talks to the outside world); its error is logged and
  does not undo the change. With no subscribers nothing is queued.

`ALL_EVENTS` lists every declared event (docs/architecture.md is the map).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger("shouhou.events")

ALL_EVENTS: dict[str, DomainEvent] = {}


class DomainEvent(Signal):
    """A Django signal with a name, a fixed payload and a delivery moment."""

    def __init__(self, name: str, *, payload: Iterable[str], on_commit: bool, doc: str = ""):
        super().__init__()
        if name in ALL_EVENTS:
            raise ValueError(f"event {name!r} is declared twice")
        self.name = name
        self.payload = tuple(payload)
        self.on_commit = on_commit
        self.doc = doc
        ALL_EVENTS[name] = self

    def __repr__(self) -> str:
        when = "on commit" if self.on_commit else "in the transaction"
        return f"<DomainEvent {self.name} ({', '.join(self.payload)}) {when}>"

    def publish(self, sender, **payload) -> None:
        """Send the event with exactly its declared payload, now or once the transaction commits."""
        if set(payload) != set(self.payload):
            raise TypeError(
                f"{self.name} takes {sorted(self.payload)}, was given {sorted(payload)}"
            )
        if not self.has_listeners(sender):
            return
        if not self.on_commit:
            # Errors propagate: the subscriber's writes belong to the publisher's transaction.
            self.send(sender=sender, **payload)
            return

        def deliver():
            for receiver, result in self.send_robust(sender=sender, **payload):
                if isinstance(result, Exception):
                    log.error(
                        "subscriber %r of %s failed",
                        receiver,
                        self.name,
                        exc_info=(type(result), result, result.__traceback__),
                    )

        transaction.on_commit(deliver)
