"""What happens to a complaint case, for the apps above (dealers: supplier claims).

Subscribers live in the subscribing app's `receivers.py`; docs/architecture.md lists them.
"""

from shouhou.core.events import DomainEvent

responsibility_set = DomainEvent(
    "complaints.responsibility_set",
    payload=("case", "responsibility", "by"),
    on_commit=False,
    doc="Who is responsible for a case was decided (supplier, customer, our workmanship).",
)
