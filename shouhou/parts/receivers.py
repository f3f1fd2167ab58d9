"""How parts reacts to the work orders (connected when `PartsConfig.ready` imports this).

- `workorders.completed`: the old parts of what was drawn for the order are due within the
  organisation's number of working days (the overdue list reads the stored date).
- `workorders.signed`: what was fitted and whose old part is back is written off (销帐).
- `workorders.completing` (guard): a fee that differs from the accepted quote is refused.
"""

from __future__ import annotations

from django.dispatch import receiver

from shouhou.workorders.signals import (
    workorder_completed,
    workorder_completing,
    workorder_signed,
)

from . import services


@receiver(workorder_completing, dispatch_uid="parts.fee_matches_quote")
def fee_matches_quote(sender, *, order, fee, parts, steps_done, by, **kwargs) -> None:
    services.check_fee_against_quote(order=order, fee=fee)


@receiver(workorder_completed, dispatch_uid="parts.old_parts_due")
def old_parts_due(sender, *, order, completed_at, by, **kwargs) -> None:
    services.lines_set_old_part_due(order=order, completed_at=completed_at)


@receiver(workorder_signed, dispatch_uid="parts.write_off_fitted_parts")
def write_off_fitted_parts(sender, *, order, report, by, **kwargs) -> None:
    services.write_off_for_signed_report(order=order, report=report, by=by)
