"""Service tasks: the brand forwards a customer's request to a dealer, who logs, arranges and
closes it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    InvalidTransition,
    ValidationFailed,
)
from shouhou.core.phones import check_phone
from shouhou.org import roles as r
from shouhou.workdays.services import add_working_hours

from .. import access as A
from ..models import (
    ServiceTask,
)
from .common import _own, _text, settings_for

if TYPE_CHECKING:
    from shouhou.org.models import Dealer, User

    from ..models import WarrantyCard


def _task_fields(
    by: User,
    *,
    channel: str,
    customer_name: str,
    customer_phone: str,
    problem: str,
    card: WarrantyCard | None,
    dealer: Dealer,
) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    if channel not in ServiceTask.Channel.values:
        errors["channel"] = [_("Choose call, letter or visit.")]
    customer_name = _text(customer_name, "customer_name", errors, _("Give the customer's name."))
    problem = _text(problem, "problem", errors, _("Describe the problem."))
    try:
        customer_phone = check_phone("customer_phone", customer_phone)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if card is not None and (
        card.organisation_id != by.organisation_id or card.dealer_id != dealer.pk
    ):
        errors["card"] = [_("This card is not one of this dealer's.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return customer_name, customer_phone, problem


def _task_create(
    by: User,
    *,
    source: str,
    dealer: Dealer,
    channel: str,
    customer_name: str,
    customer_phone: str,
    problem: str,
    card: WarrantyCard | None,
    now: dt.datetime | None,
) -> ServiceTask:
    customer_name, customer_phone, problem = _task_fields(
        by,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        dealer=dealer,
    )
    org_id = r.require_organisation(by)
    now = now or timezone.now()
    conf = settings_for(org_id)
    with transaction.atomic():
        task = ServiceTask.objects.create(
            organisation_id=org_id,
            dealer=dealer,
            source=source,
            channel=channel,
            card=card,
            customer_name=customer_name,
            customer_phone=customer_phone,
            problem=problem,
            received_at=now,
            arrange_due_at=add_working_hours(now, float(conf.arrange_within_hours), org_id),
            # Only what the office forwarded is checked by the office (四.2).
            check_due_at=add_working_hours(now, float(conf.check_within_hours), org_id)
            if source == ServiceTask.Source.FORWARDED
            else None,
            created_by=by,
        )
        audit_record(
            actor=by, action=f"shouhou.dealer_task.{source}", obj=task, after=snapshot(task)
        )
    return task


def task_forward(
    *,
    by: User,
    dealer: Dealer | int,
    channel: str,
    customer_name: str,
    customer_phone: str,
    problem: str,
    card: WarrantyCard | None = None,
    now: dt.datetime | None = None,
) -> ServiceTask:
    """The sales office forwards a request to a dealer: to be arranged within
    `arrange_within_hours` working hours (范文2 二.6, 四.2)."""
    dealer = A.dealer_get(by, dealer)
    A.require(by, A.OFFICE)
    return _task_create(
        by,
        source=ServiceTask.Source.FORWARDED,
        dealer=dealer,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        now=now,
    )


def task_log(
    *,
    by: User,
    dealer: Dealer | int,
    channel: str,
    customer_name: str,
    customer_phone: str,
    problem: str,
    card: WarrantyCard | None = None,
    now: dt.datetime | None = None,
) -> ServiceTask:
    """A call, letter or visit the dealer received itself (its own intake log)."""
    dealer = A.dealer_get(by, dealer)
    A.require_dealer_or(by, dealer, A.OFFICE)
    return _task_create(
        by,
        source=ServiceTask.Source.OWN,
        dealer=dealer,
        channel=channel,
        customer_name=customer_name,
        customer_phone=customer_phone,
        problem=problem,
        card=card,
        now=now,
    )


def task_arrange(
    *,
    by: User,
    task: ServiceTask | int,
    arrangement: str,
    customer_told: bool,
    now: dt.datetime | None = None,
) -> ServiceTask:
    """The dealer arranged the service and told the customer."""
    errors: dict[str, list[str]] = {}
    arrangement = _text(arrangement, "arrangement", errors, _("Say what was arranged."))
    if not customer_told:
        errors["customer_told"] = [_("The customer must be told of the arrangement.")]
    if errors:
        raise ValidationFailed(fields=errors)
    now = now or timezone.now()
    with transaction.atomic():
        task = _own(ServiceTask, by, task)
        A.require_dealer_or(by, task.dealer, A.OFFICE)
        if task.arranged_at is not None:
            raise InvalidTransition(_("This task is arranged already."))
        before = snapshot(task)
        task.arranged_at = now
        task.customer_told_at = now
        task.arrangement = arrangement
        task.save(update_fields=["arranged_at", "customer_told_at", "arrangement", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.dealer_task.arranged",
            obj=task,
            before=before,
            after=snapshot(task),
            note="" if task.arranged_in_time else _("arranged late"),
        )
    return task


def task_close(*, by: User, task: ServiceTask | int, outcome: str) -> ServiceTask:
    errors: dict[str, list[str]] = {}
    outcome = _text(outcome, "outcome", errors, _("Write down the outcome."))
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        task = _own(ServiceTask, by, task)
        A.require_dealer_or(by, task.dealer, A.OFFICE)
        if task.arranged_at is None:
            raise InvalidTransition(_("Arrange the service first."))
        if task.outcome:
            raise InvalidTransition(_("The outcome is recorded already."))
        before = snapshot(task)
        task.outcome = outcome
        task.save(update_fields=["outcome", "updated_at"])
        audit_record(
            actor=by,
            action="shouhou.dealer_task.closed",
            obj=task,
            before=before,
            after=snapshot(task),
        )
    return task
