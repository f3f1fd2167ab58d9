"""What happens at the front desk, for the apps above (notifications...).

Subscribers live in the subscribing app's `receivers.py`; docs/architecture.md lists them.
"""

from shouhou.core.events import DomainEvent

reservation_arrived = DomainEvent(
    "frontdesk.reservation_arrived",
    payload=("reservation", "by"),
    on_commit=True,
    doc="Reserved goods arrived at the desk: the customer is to be told (notification channel).",
)
