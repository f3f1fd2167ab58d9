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

# Guards: sent inside the transaction *before* the change, so that a higher app can refuse it by
# raising a domain error (`ValidationFailed`, `Conflict`...), which reaches the caller unchanged
# and rolls everything back. The order is locked; nothing has been written yet.

workorder_dispatching = DomainEvent(
    "workorders.dispatching",
    payload=("order", "technician", "at", "by"),
    on_commit=False,
    doc="An order is about to be given to `technician` at `at` (dispatch, reassign, second "
    "dispatch); subscribers refuse what they know is wrong (off duty, on leave, double-booked).",
)

workorder_completing = DomainEvent(
    "workorders.completing",
    payload=("order", "fee", "parts", "steps_done", "by"),
    on_commit=False,
    doc="The technician is about to report the work done with this fee, these parts and these "
    "service steps; subscribers refuse a fee that differs from the accepted quote, etc.",
)

workorder_signing = DomainEvent(
    "workorders.signing",
    payload=("order", "report", "by"),
    on_commit=False,
    doc="The customer is about to sign the service report; subscribers refuse while required "
    "service steps are not ticked, etc.",
)

workorder_signed = DomainEvent(
    "workorders.signed",
    payload=("order", "report", "by"),
    on_commit=False,
    doc="The customer signed the service report (it is frozen from now on).",
)

workorder_closing = DomainEvent(
    "workorders.closing",
    payload=("order", "by"),
    on_commit=False,
    doc="The order is about to be closed; subscribers refuse while something is still out "
    "(a loan unit not returned, parts not accounted for).",
)

workorder_received = DomainEvent(
    "workorders.received",
    payload=("order", "by"),
    # In the transaction: its subscribers queue the customer's message (an outbox row the job
    # sends later), which stands or falls with the order and costs no second commit; they log
    # and swallow their own domain errors, so a message never undoes the intake.
    on_commit=False,
    doc="A new order was taken (hotline, public form, self-service page, technician): not sent "
    "when a request joins an open order.",
)

workorder_appointing = DomainEvent(
    "workorders.appointing",
    payload=("order", "appointment_at", "by"),
    on_commit=False,
    doc="An appointment at `appointment_at` is about to be recorded (the order is locked, "
    "nothing written yet); subscribers refuse it (technician on leave, double-booked) or keep "
    "their own record of the window in the same transaction.",
)

workorder_limits_missed = DomainEvent(
    "workorders.limits_missed",
    payload=("organisation_id", "rule", "order_ids", "at"),
    on_commit=True,
    doc="The sweep found orders of one organisation past a response-tier limit (`rule`: "
    '"arrange_overdue" not arranged in time, "written_overdue" no written contact in time, '
    "seed 002): sent once per order and rule (the sweep's marker), for the escalation to the "
    "people who can act.",
)
