"""What happens to a delivery, for the apps above (callbacks...).

Subscribers live in the subscribing app's `receivers.py`; docs/architecture.md lists them.
"""

from shouhou.core.events import DomainEvent

delivery_signed = DomainEvent(
    "delivery.signed",
    payload=("delivery", "delivered_on", "by"),
    on_commit=False,
    doc="The customer signed for the goods: the delivery is done and the contract delivered.",
)

delivery_cancelled = DomainEvent(
    "delivery.cancelled",
    payload=("delivery", "reason", "by"),
    on_commit=False,
    doc="The delivery was cancelled; `reason` says why.",
)

delivery_scheduled = DomainEvent(
    "delivery.scheduled",
    payload=("delivery", "by"),
    on_commit=False,
    doc="A delivery date was agreed with the customer (the delivery row is new).",
)
