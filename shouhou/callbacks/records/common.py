"""What recording a callback shares with the customer's own feedback: roles, answer parsing, the
locked task, the record written with its answers.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
)
from shouhou.org import roles as r

from .. import services
from ..models import CallbackAnswer, CallbackRecord, CallbackTask, Question

K = CallbackTask.Kind


T = CallbackTask.Status


A = Question.AnswerType


# Who records a callback: the people who work the call lists (agents, the service desk,
# customer-service supervisors). Reading records: the office.
RECORD_ROLES = tuple(services.WORKER_ROLES)


READ_ROLES = tuple(sorted(r.OFFICE_ROLES))


QUESTION_ROLES = (r.CS_SUPERVISOR, r.CS_MANAGER)


SERVICE_KINDS = (K.AFTER_APPOINTMENT, K.AFTER_SERVICE, K.AFTER_DELIVERY)


GREETING_KINDS = (K.HOLIDAY_GREETING, K.BIRTHDAY_GREETING)


# Channels an agent records; the customer's own feedback comes only through the signed link.
AGENT_CHANNELS = (
    CallbackRecord.Channel.PHONE,
    CallbackRecord.Channel.SMS,
    CallbackRecord.Channel.WECHAT,
)


# Question codes that fill the record's own columns (statistics and scores read those).
SATISFACTION = "satisfaction"


ON_TIME = "on_time"


PROBLEM_SOLVED = "problem_solved"


SPECIAL_CODES = (SATISFACTION, ON_TIME, PROBLEM_SOLVED)


MAX_TEXT = 2000


# --- input helpers ------------------------------------------------------------------------------
_YES = ("yes", "y", "true", "1", "on", "是")


_NO = ("no", "n", "false", "0", "off", "否")


def _org_id(by) -> int:
    org_id = getattr(by, "organisation_id", None)
    if not org_id:
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return org_id


def _yes_no(value, field: str, errors: dict) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _YES:
            return True
        if v in _NO:
            return False
    inputs.add(errors, field, _("Answer yes or no."))
    return None


def satisfaction_value(value, errors: dict, *, required: bool, field: str = "satisfaction"):
    """A whole number 1–5 (the record's satisfaction); anything else is reported on `field`."""
    return inputs.whole_number(
        value,
        field,
        errors,
        minimum=1,
        maximum=5,
        required=required,
        message=_("Choose a satisfaction from 1 to 5."),
    )


def _answer_field(code: str) -> str:
    return code if code in SPECIAL_CODES else f"answers.{code}"


# --- context of a callback ----------------------------------------------------------------------
def _lock_task(org_id: int, task) -> CallbackTask:
    pk = task.pk if isinstance(task, CallbackTask) else inputs.as_id(task)
    row = (
        CallbackTask.objects.select_for_update(of=("self",))
        .select_related("customer", "work_order", "delivery__contract")
        .filter(organisation_id=org_id, pk=pk)
        .first()
        if pk
        else None
    )
    if row is None:
        raise NotFoundError(_("No such callback task."))
    return row


def check_recordable(task: CallbackTask | None, work_order, delivery, *, self_feedback=False):
    """Refuse a callback that must not be written: already recorded (409), on a cancelled order
    or delivery (409), on a task that is no longer open (409)."""
    existing = (
        CallbackRecord.objects.filter(task_id=task.pk).values_list("channel", flat=True).first()
        if task is not None
        else None
    )
    if existing is not None:
        if not self_feedback:
            message = _("This callback is already recorded.")
        elif existing == CallbackRecord.Channel.SELF_FEEDBACK:
            message = _("You have already sent your rating; thank you.")
        else:
            message = _("We have already called you about this service; thank you.")
        raise DuplicateError(message, code="already_recorded")
    if work_order is not None and work_order.status == "cancelled":
        raise InvalidTransition(
            _("Work order %(number)s was cancelled: no callback is recorded on a cancelled order.")
            % {"number": work_order.number},
            code="order_cancelled",
        )
    if delivery is not None and delivery.status == "cancelled":
        raise InvalidTransition(
            _("This delivery was cancelled: no callback is recorded on it."),
            code="delivery_cancelled",
        )
    if task is not None and task.status != T.OPEN:
        raise InvalidTransition(
            _("This link is no longer in use; thank you.")
            if self_feedback
            else _("This callback task is already %(status)s.")
            % {"status": task.get_status_display()},
            code="task_closed",
        )


def _copied_fields(customer, work_order, delivery) -> dict:
    """Technician, store and model as they were on the order (or delivery) at the callback."""
    if work_order is not None:
        return {
            "technician_id": work_order.technician_id,
            "store_id": work_order.store_id or customer.store_id,
            "product_model_id": work_order.product_model_id,
        }
    if delivery is not None:
        return {
            "technician_id": delivery.crew_id,  # the crew leader is a service staff member
            "store_id": delivery.contract.store_id if delivery.contract_id else customer.store_id,
            "product_model_id": None,
        }
    return {"technician_id": None, "store_id": customer.store_id, "product_model_id": None}


def _record_write(
    *,
    organisation_id: int,
    task: CallbackTask | None,
    customer,
    work_order,
    delivery,
    channel: str,
    called_at: dt.datetime,
    caller,
    satisfaction: int | None,
    technician_came: bool | None,
    on_time: bool | None,
    problem_solved: bool | None,
    comment: str,
    answer_rows: list[tuple[Question, str, int | None]],
    outcome_no_show: bool = False,
    outcome_second_visit: bool = False,
    outcome_complaint: bool = False,
) -> CallbackRecord:
    """Write the record, its answers (with the question's text as asked) and close the task.

    Shared by the agent's record and the customer's own feedback; the caller has checked the
    input and the permission. Inside the caller's transaction."""
    try:
        with transaction.atomic():
            record = CallbackRecord.objects.create(
                organisation_id=organisation_id,
                task=task,
                customer=customer,
                work_order=work_order,
                delivery=delivery,
                channel=channel,
                called_at=called_at,
                caller=caller,
                satisfaction=satisfaction,
                technician_came=technician_came,
                on_time=on_time,
                problem_solved=problem_solved,
                comment=comment,
                outcome_no_show=outcome_no_show,
                outcome_second_visit=outcome_second_visit,
                outcome_complaint=outcome_complaint,
                **_copied_fields(customer, work_order, delivery),
            )
    except IntegrityError as exc:  # the same task recorded by a concurrent request
        raise DuplicateError(
            _("This callback is already recorded."), code="already_recorded"
        ) from exc
    CallbackAnswer.objects.bulk_create(
        [
            CallbackAnswer(
                organisation_id=organisation_id,
                record=record,
                question=q,
                question_text=q.text,
                answer=answer,
                score=score,
            )
            for q, answer, score in answer_rows
        ]
    )
    if task is not None:
        services.callback_task_mark_done(task, record, caller)
    return record
