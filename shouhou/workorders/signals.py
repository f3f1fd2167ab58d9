"""What happens to a work order, for the apps above (callbacks, complaints, performance...).

Subscribers live in the subscribing app's `receivers.py`; docs/architecture.md lists them.
"""

from shouhou.core.events import DomainEvent

workorder_transitioned = DomainEvent(
    "workorders.transitioned",
    payload=("order", "action", "from_status", "to_status", "by"),
    on_commit=True,
    doc="Any state change of an order (dispatched, arrived on site (visited), completed, signed, "
    "closed, re-issued, cancelled...): `action` is the key of `workorders.states.TRANSITIONS`.",
)

workorder_appointment_voided = DomainEvent(
    "workorders.appointment_voided",
    payload=("order", "note", "by"),
    on_commit=False,
    doc="The agreed appointment no longer stands (changed, customer not at home, order "
    "re-issued): the call planned after it must not be made.",
)

workorder_completed = DomainEvent(
    "workorders.completed",
    payload=("order", "completed_at", "by"),
    on_commit=False,
    doc="The technician reported the service done (the service report is written).",
)

workorder_cancelled = DomainEvent(
    "workorders.cancelled",
    payload=("order", "note", "by"),
    on_commit=False,
    doc="The order was cancelled; `note` says why.",
)
