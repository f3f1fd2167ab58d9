"""An agent records a callback; its outcomes act at once in the same transaction (no-show, second
visit, complaint, archive updates).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.catalog import inputs
from shouhou.complaints.services import case_register
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    ValidationFailed,
)
from shouhou.core.textcheck import check_text
from shouhou.customers.models import Customer
from shouhou.customers.services import customer_complete_archive
from shouhou.delivery.models import Delivery
from shouhou.org import roles as r
from shouhou.workorders import states
from shouhou.workorders.models import Kind, Source, WorkOrder
from shouhou.workorders.services import workorder_intake, workorder_reissue, workorder_second_visit

from .. import services
from ..models import CallbackRecord, Question
from .common import (
    AGENT_CHANNELS,
    MAX_TEXT,
    ON_TIME,
    PROBLEM_SOLVED,
    RECORD_ROLES,
    SATISFACTION,
    SPECIAL_CODES,
    A,
    K,
    _answer_field,
    _lock_task,
    _org_id,
    _record_write,
    _yes_no,
    check_recordable,
    satisfaction_value,
)
from .questionnaire import questions_for


def _resolve_adhoc(org_id: int, *, customer, work_order, delivery, errors: dict):
    """The customer, order and delivery of a callback without a task (ids or instances, read
    again from the database)."""

    customer, work_order, delivery = (getattr(x, "pk", x) for x in (customer, work_order, delivery))
    work_order = inputs.ref(
        WorkOrder, work_order, "work_order", errors, organisation_id=org_id,
        queryset=WorkOrder.objects.all(),
    )  # fmt: skip
    delivery = inputs.ref(
        Delivery, delivery, "delivery", errors, organisation_id=org_id,
        queryset=Delivery.objects.all(),
    )  # fmt: skip
    customer = inputs.ref(
        Customer, customer, "customer", errors, organisation_id=org_id,
        queryset=Customer.objects.all(),
    )  # fmt: skip
    for obj in (work_order, delivery):
        if obj is None:
            continue
        if customer is None:
            customer = obj.customer
        elif obj.customer_id != customer.pk:
            inputs.add(errors, "customer", _("This is another customer's order or delivery."))
    if customer is None and not errors:
        inputs.add(errors, "customer", _("Choose the customer, the work order or the delivery."))
    return customer, work_order, delivery


# --- the record ---------------------------------------------------------------------------------
def callback_record_create(
    *,
    by,
    task=None,
    customer=None,
    work_order=None,
    delivery=None,
    channel: str = CallbackRecord.Channel.PHONE,
    called_at: dt.datetime | None = None,
    answers: dict | None = None,
    satisfaction=None,
    technician_came=None,
    on_time=None,
    problem_solved=None,
    comment: str = "",
    outcome_no_show=False,
    outcome_second_visit=False,
    second_visit_note: str = "",
    outcome_complaint=False,
    complaint_text: str = "",
    archive: dict | None = None,
    now: dt.datetime | None = None,
) -> CallbackRecord:
    """Record a callback and carry out what it found, in one transaction.

    `task`: the callback task (instance or id; another organisation's is not found); without a
    task, a callback on a work order, a delivery or just a customer. `answers`: question code ->
    answer (score 1–5, yes/no, text); `satisfaction`, `on_time` and `problem_solved` may be given
    directly or as the answers of the questions with those codes. `archive`: {"birthday",
    "preferences"} written back to the customer when they changed.

    Errors: fields 400 (satisfaction, answers.<code>, complaint_text, birthday, …), a task or
    order not recordable 409 (already recorded, cancelled, closed), another organisation 404,
    a role that does not work callbacks 403.
    """
    now = now or timezone.now()
    r.require_role(by, *RECORD_ROLES)
    org_id = _org_id(by)
    errors: dict = {}
    with transaction.atomic():
        task, customer, work_order, delivery, kind = _subject(
            by, org_id, task, customer, work_order, delivery, errors
        )
        check_recordable(task, work_order, delivery)

        # -- what was said ----------------------------------------------------------------
        called_at = _called_at(channel, called_at, now, errors)
        comment = inputs.text(comment, "comment", errors, max_length=MAX_TEXT)
        no_show = inputs.boolean(outcome_no_show, "outcome_no_show", errors)
        second_visit = inputs.boolean(outcome_second_visit, "outcome_second_visit", errors)
        complaint = inputs.boolean(outcome_complaint, "outcome_complaint", errors)
        direct = {SATISFACTION: satisfaction, ON_TIME: on_time, PROBLEM_SOLVED: problem_solved}
        values, answer_rows = _answers(org_id, kind, answers, direct, no_show, errors)
        satisfaction = values.get(SATISFACTION)
        on_time, problem_solved = values.get(ON_TIME), values.get(PROBLEM_SOLVED)
        came = _yes_no(technician_came, "technician_came", errors)

        # -- the outcomes that act: checked before anything is written -----------------------
        if no_show:
            _check_no_show(work_order, came, on_time, errors)
            came, on_time = False, False
        elif came is None and on_time is not None and work_order is not None:
            came = True  # answered "on time" or "late": the technician came
        if second_visit and work_order is None and delivery is None:
            inputs.add(
                errors,
                "outcome_second_visit",
                _("A second visit needs a work order or a delivery to follow up."),
            )
        second_visit_note = inputs.text(
            second_visit_note, "second_visit_note", errors, max_length=MAX_TEXT
        )
        complaint_text = inputs.text(
            complaint_text,
            "complaint_text",
            errors,
            max_length=MAX_TEXT,
            required=complaint,
        )
        archive_changes = _archive_changes(customer, archive, errors)
        if errors:
            raise ValidationFailed(fields=errors)

        # -- write ---------------------------------------------------------------------------
        record = _record_write(
            organisation_id=org_id,
            task=task,
            customer=customer,
            work_order=work_order,
            delivery=delivery,
            channel=channel,
            called_at=called_at,
            caller=by,
            satisfaction=satisfaction,
            technician_came=came,
            on_time=on_time,
            problem_solved=problem_solved,
            comment=comment,
            answer_rows=answer_rows,
            outcome_no_show=no_show,
            outcome_second_visit=second_visit,
            outcome_complaint=complaint,
        )
        if no_show:
            _reissue(by, record, work_order, comment=comment, now=now)
        if second_visit:
            record.second_visit_order = _second_visit(
                by, record, work_order, delivery, note=second_visit_note or comment, now=now
            )
        if complaint:
            record.complaint_case = _complaint(by, record, work_order, delivery, complaint_text)
        if archive_changes:
            record.archive_updates = _write_archive(by, customer, archive_changes)
        record.save(update_fields=["second_visit_order", "complaint_case", "archive_updates"])
        audit_record(
            actor=by, action="shouhou.callback_record.created", obj=record, after=snapshot(record)
        )
        # The agent's words are checked against the language guidance (a warning only).
        check_text(by=by, where="callback_record", obj=record, text=comment, now=now)
    return record


def _subject(by, org_id: int, task, customer, work_order, delivery, errors: dict):
    """What the callback is about: the locked task the agent may work (its customer, order or
    delivery), or without a task the order, delivery or customer named."""
    if task is not None:
        task = _lock_task(org_id, task)
        services.require_worker(by, task)
        return task, task.customer, task.work_order, task.delivery, task.kind
    customer, work_order, delivery = _resolve_adhoc(
        org_id, customer=customer, work_order=work_order, delivery=delivery, errors=errors
    )
    if errors:
        raise ValidationFailed(fields=errors)
    kind = K.AFTER_SERVICE if work_order else K.AFTER_DELIVERY if delivery else None
    return None, customer, work_order, delivery, kind


def _called_at(channel: str, called_at, now: dt.datetime, errors: dict) -> dt.datetime:
    """How and when the customer was reached: now when not given, never in the future."""
    if channel not in AGENT_CHANNELS:
        inputs.add(errors, "channel", _("Choose how the customer was reached."))
    if called_at is None:
        return now
    if not isinstance(called_at, dt.datetime) or timezone.is_naive(called_at):
        inputs.add(errors, "called_at", _("Give a date and time."))
        return now
    if called_at > now + dt.timedelta(minutes=5):
        inputs.add(errors, "called_at", _("Cannot be in the future."))
    return called_at


def _answers(org_id: int, kind, answers: dict | None, direct: dict, no_show: bool, errors: dict):
    """The questionnaire's answers by question code (satisfaction, on time and solved may come
    directly): each checked by its type, required ones demanded unless the technician did not
    come (nothing was done to rate). Returns the values by code and the answer rows to store,
    in the questionnaire's order."""
    answers = dict(answers or {})
    if answers and not all(isinstance(k, str) for k in answers):
        inputs.add(errors, "answers", _("Answers are given by question code."))
        answers = {}
    for code, value in direct.items():
        if value not in (None, ""):
            answers[code] = value
    by_code = {q.code: q for q in questions_for(org_id, kind)}
    for code in answers:
        if code not in by_code and code not in SPECIAL_CODES:
            inputs.add(errors, f"answers.{code}", _("This question is not asked here."))
    values: dict = {}
    answer_rows: list[tuple[Question, str, int | None]] = []
    for code in {*by_code, *SPECIAL_CODES}:
        q = by_code.get(code)
        value, text, score = _answer(code, q, answers.get(code), no_show, errors)
        values[code] = value
        if q is not None and text != "":
            answer_rows.append((q, text, score))
    answer_rows.sort(key=lambda row: (row[0].order, row[0].pk))
    return values, answer_rows


def _answer(code: str, q: Question | None, raw, no_show: bool, errors: dict):
    """One answer checked by its question's type: (value, text stored, score)."""
    field = _answer_field(code)
    required = bool(q and q.required and not no_show)
    answer_type = q.answer_type if q else (A.SCORE if code == SATISFACTION else A.YES_NO)
    if answer_type == A.SCORE:
        value = (
            satisfaction_value(raw, errors, required=required)
            if code == SATISFACTION
            else inputs.whole_number(raw, field, errors, minimum=1, maximum=5, required=required)
        )
        return value, ("" if value is None else str(value)), value
    if answer_type == A.YES_NO:
        value = _yes_no(raw, field, errors)
        if value is None and required and field not in errors:
            inputs.add(errors, field, _("Please answer this question."))
        return value, ("" if value is None else (_("Yes") if value else _("No"))), None
    value = inputs.text(raw, field, errors, max_length=MAX_TEXT, required=required)
    return value, value, None


def _check_no_show(work_order, came, on_time, errors: dict) -> None:
    field = "outcome_no_show"
    if work_order is None:
        inputs.add(errors, field, _("A no-show can only be recorded on a work order."))
    elif work_order.technician_id is None:
        inputs.add(errors, field, _("This order was never dispatched to a technician."))
    elif not states.allowed("reissue", work_order.status):
        inputs.add(
            errors,
            field,
            _("The order is “%(status)s”: it cannot be re-issued as a no-show.")
            % {"status": states.STATUS_LABELS.get(work_order.status, work_order.status)},
        )
    if came is True:
        inputs.add(errors, "technician_came", _("A no-show means the technician did not come."))
    if on_time is True:
        inputs.add(errors, ON_TIME, _("A technician who did not come was not on time."))


def _reissue(by, record, work_order, *, comment: str, now) -> None:
    """Missed service with the deduction; the order goes out again today marked 重发."""

    note = _("Callback: the technician did not come as agreed.")
    workorder_reissue(by=by, order=work_order, note=f"{note} {comment}".strip()[:MAX_TEXT], now=now)


def _second_visit(by, record, work_order, delivery, *, note: str, now):

    note = note or _("The callback found the problem is not solved.")
    if work_order is not None:
        return workorder_second_visit(by=by, order=work_order, description=note, now=now).order
    # After a delivery: a repair order for the customer on the contract.
    contract = delivery.contract
    result = workorder_intake(
        by=by,
        organisation=contract.organisation,
        source=Source.CALLBACK,
        kind=Kind.REPAIR,
        description=f"{contract.number}: {note}",
        customer=delivery.customer,
        store=contract.store,
        contract=contract,
        now=now,
    )
    if result.joined:
        # An open order for this contract already exists: the customer's problem is now on it.
        audit_record(
            actor=by,
            action="shouhou.callback_record.second_visit_joined",
            obj=record,
            note=result.order.number,
        )
    return result.order


def _complaint(by, record, work_order, delivery, text: str):
    try:
        return case_register(
            by=by,
            kind="complaint",
            customer=record.customer,
            description=text,
            store=record.store,
            contract=(work_order.contract if work_order else None)
            or (delivery.contract if delivery else None),
            product=work_order.product if work_order else None,
            work_order=work_order,
        )
    except ValidationFailed as exc:
        exc.fields = {
            ("complaint_text" if k == "description" else k): v for k, v in exc.fields.items()
        }
        raise


def _archive_changes(customer, archive: dict | None, errors: dict) -> dict:
    """What the callback learnt that differs from the archive: {"birthday", "preferences"}."""
    if not archive:
        return {}
    if not isinstance(archive, dict):
        inputs.add(errors, "archive", _("Give the birthday and preferences."))
        return {}
    out: dict = {}
    birthday = inputs.date(archive.get("birthday"), "birthday", errors)
    if birthday is not None:
        if birthday > timezone.localdate():
            inputs.add(errors, "birthday", _("The birthday cannot be in the future."))
        elif birthday != customer.birthday:
            out["birthday"] = birthday
    preferences = archive.get("preferences")
    if preferences not in (None, ""):
        preferences = inputs.text(preferences, "preferences", errors, max_length=MAX_TEXT)
        if preferences and preferences != (customer.preferences or "").strip():
            out["preferences"] = preferences
    return out


def _write_archive(by, customer, changes: dict) -> dict:
    before = {"birthday": customer.birthday, "preferences": customer.preferences}
    customer_complete_archive(by=by, customer=customer, **changes)
    return {
        name: {
            "from": before[name].isoformat()
            if isinstance(before[name], dt.date)
            else before[name] or "",
            "to": value.isoformat() if isinstance(value, dt.date) else value,
        }
        for name, value in changes.items()
    }
