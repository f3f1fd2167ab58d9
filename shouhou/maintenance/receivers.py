"""How maintenance reacts to work orders (connected in `MaintenanceConfig.ready`).

* `workorders.completed`: the visit of the order is done on the real date; the plan's next
  visit counts from it;
* `workorders.cancelled`: the visit counts as skipped and the plan moves on;
* `workorders.signing` (guard): refuse the signature while required service steps are not
  ticked, or the customer's own check is not recorded;
* `workorders.signed`: the customer's check is frozen with the signature.
"""

from __future__ import annotations

from django.dispatch import receiver

from shouhou.workorders.signals import (
    workorder_cancelled,
    workorder_completed,
    workorder_signed,
    workorder_signing,
)

from . import services


@receiver(workorder_completed, dispatch_uid="maintenance.visit_done")
def visit_done(sender, *, order, completed_at, by, **kwargs) -> None:
    services.visit_done_from_order(order=order, completed_at=completed_at, by=by)


@receiver(workorder_cancelled, dispatch_uid="maintenance.visit_skipped")
def visit_skipped(sender, *, order, note, by, **kwargs) -> None:
    services.visit_skipped_from_order(order=order, note=note, by=by)


@receiver(workorder_signing, dispatch_uid="maintenance.steps_before_signing")
def steps_before_signing(sender, *, order, report, by, **kwargs) -> None:
    services.signing_guard(order=order, report=report)


@receiver(workorder_signed, dispatch_uid="maintenance.freeze_customer_check")
def freeze_customer_check(sender, *, order, report, by, **kwargs) -> None:
    services.customer_check_freeze(order=order, report=report)


def connect() -> None:
    """The `@receiver`s above connect on import; nothing else to wire."""
