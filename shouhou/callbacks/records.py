"""Callback records (回访记录表, seed 004 / 003 / 001) and the questionnaire.

A record says who called whom and when, what was asked and answered, the satisfaction (1–5) and
what the customer said; its outcomes act at once, in the same transaction:

* no-show (the technician did not come): a missed service with the deduction and the order
  re-issued today marked 重发 (`workorder_reissue`, the work-order rules of seed 001);
* second visit (the problem is not solved): an open order is marked as needing another visit,
  a finished one gets a new repair order from the callback (`workorder_second_visit`);
* complaint: a complaint case registered and linked to the order (`case_register`);
* archive updates (birthday, preferences) written back to the customer
  (`customer_complete_archive`).

The task is closed with the record (`callback_task_mark_done`). The customer's own feedback
(feedback.py) writes its record through the same `_record_write`.

Reads for pages and the API (`record_list`, `record_get`, `questions_for`) are at the end.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings as dj_settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.catalog import inputs
from shouhou.complaints.services import case_register
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    DuplicateError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.customers.models import Customer
from shouhou.customers.services import customer_complete_archive
from shouhou.delivery.models import Delivery
from shouhou.org import roles as r
from shouhou.workorders import states
from shouhou.workorders.models import Kind, Source, WorkOrder
from shouhou.workorders.services import workorder_intake, workorder_reissue, workorder_second_visit

from . import services
from .models import CallbackAnswer, CallbackRecord, CallbackTask, Question

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

# The default questionnaire (seed 003 第五步 回访, seed 004 回访记录表, seed 001): code, text,
# answer type, task kinds (empty: every kind except greetings), required, order.
DEFAULT_QUESTIONS = [
    (SATISFACTION, gettext_lazy("Overall rating of this service (1–5)"), A.SCORE, [], True, 10),
    (
        ON_TIME,
        gettext_lazy("Did the technician come at the agreed time?"),
        A.YES_NO,
        [K.AFTER_APPOINTMENT, K.AFTER_SERVICE],
        False,
        20,
    ),
    (
        PROBLEM_SOLVED,
        gettext_lazy("Is the problem solved?"),
        A.YES_NO,
        [K.AFTER_APPOINTMENT, K.AFTER_SERVICE],
        False,
        30,
    ),
    (
        "delivery_rating",
        gettext_lazy("Rating of the delivery (on time, careful, tidy) (1–5)"),
        A.SCORE,
        [K.AFTER_DELIVERY],
        False,
        20,
    ),
    (
        "goods_ok",
        gettext_lazy("Did the goods arrive complete and undamaged?"),
        A.YES_NO,
        [K.AFTER_DELIVERY],
        False,
        30,
    ),
    (
        "suggestions",
        gettext_lazy("Any suggestions for our products and service?"),
        A.TEXT,
        [],
        False,
        90,
    ),
    (
        "greeting_news",
        gettext_lazy("Anything the customer mentioned (needs, family events)?"),
        A.TEXT,
        [K.HOLIDAY_GREETING, K.BIRTHDAY_GREETING],
        False,
        10,
    ),
]


# --- the questionnaire ---------------------------------------------------------------------------
def ensure_questionnaire(organisation) -> None:
    """Write the default questions for an organisation that has none (idempotent).

    The texts are stored in the site's language (Chinese), like the other apps' default rows;
    the organisation edits them afterwards (page `callbacks:questions`, or the admin).
    """
    org_id = getattr(organisation, "pk", organisation)
    if Question.objects.filter(organisation_id=org_id).exists():
        return
    with translation.override(dj_settings.LANGUAGE_CODE):
        rows = [
            Question(
                organisation_id=org_id,
                code=code,
                text=str(text),
                answer_type=answer_type,
                kinds=[str(k) for k in kinds],
                required=required,
                order=order,
            )
            for code, text, answer_type, kinds, required, order in DEFAULT_QUESTIONS
        ]
    try:
        with transaction.atomic():
            Question.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - another request wrote them first
        pass


def asks_on(question: Question, kind: str | None) -> bool:
    """Whether `question` is asked on a task of `kind` (None: an ad-hoc callback)."""
    kinds = question.kinds or []
    if kinds:
        return kind in kinds
    return kind not in GREETING_KINDS


def questions_for(organisation, kind: str | None) -> list[Question]:
    """The active questions asked on a task of `kind`, in order (defaults written on first use)."""
    ensure_questionnaire(organisation)
    org_id = getattr(organisation, "pk", organisation)
    return [
        q
        for q in Question.objects.filter(organisation_id=org_id, is_active=True)
        if asks_on(q, kind)
    ]


def question_save(
    *,
    by,
    question=None,
    code: str = "",
    text: str = "",
    answer_type: str = A.TEXT,
    kinds=None,
    required=False,
    order=100,
    is_active=True,
) -> Question:
    """Add a question to the organisation's questionnaire, or change one (`question`).

    A question is never deleted from here (answers keep their own copy of the text anyway):
    `is_active=False` stops asking it."""
    r.require_role(by, *QUESTION_ROLES)
    org_id = _org_id(by)
    ensure_questionnaire(org_id)
    errors: dict = {}
    existing = None
    if question is not None:
        pk = question.pk if isinstance(question, Question) else inputs.as_id(question)
        existing = Question.objects.filter(organisation_id=org_id, pk=pk).first()
        if existing is None:
            raise NotFoundError()
    code = inputs.text(code, "code", errors, max_length=40, required=existing is None)
    if existing is None and code:
        from django.core.validators import validate_slug

        try:
            validate_slug(code)
        except Exception:  # noqa: BLE001 - Django's ValidationError; reported on the field
            inputs.add(errors, "code", _("Use letters, digits, hyphens and underscores only."))
        else:
            if Question.objects.filter(organisation_id=org_id, code=code).exists():
                inputs.add(errors, "code", _("Another question already has this code."))
    text = inputs.text(text, "text", errors, max_length=200, required=True)
    if answer_type not in A.values:
        inputs.add(errors, "answer_type", _("Choose the kind of answer."))
    kinds = [str(k) for k in (kinds or [])]
    unknown = [k for k in kinds if k not in K.values]
    if unknown:
        inputs.add(errors, "kinds", _("Unknown kind of callback."))
    required = inputs.boolean(required, "required", errors)
    is_active = inputs.boolean(is_active, "is_active", errors, default=True)
    order = inputs.whole_number(order, "order", errors, minimum=0, maximum=32000, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    values = {
        "text": text,
        "answer_type": answer_type,
        "kinds": kinds,
        "required": required,
        "order": 100 if order is None else order,
        "is_active": is_active,
    }
    with transaction.atomic():
        if existing is None:
            q = Question.objects.create(organisation_id=org_id, code=code, **values)
            audit_record(actor=by, action="shouhou.callback_question.created", obj=q)
            return q
        q = Question.objects.select_for_update().get(pk=existing.pk)
        before = snapshot(q)
        for name, value in values.items():
            setattr(q, name, value)
        q.save()
        audit_record(
            actor=by,
            action="shouhou.callback_question.updated",
            obj=q,
            before=before,
            after=snapshot(q),
        )
        return q


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
        if task is not None:
            task = _lock_task(org_id, task)
            services._require_worker(by, task)
            customer, work_order, delivery = task.customer, task.work_order, task.delivery
            kind = task.kind
        else:
            customer, work_order, delivery = _resolve_adhoc(
                org_id, customer=customer, work_order=work_order, delivery=delivery, errors=errors
            )
            if errors:
                raise ValidationFailed(fields=errors)
            kind = K.AFTER_SERVICE if work_order else K.AFTER_DELIVERY if delivery else None
        check_recordable(task, work_order, delivery)

        # -- what was said ----------------------------------------------------------------
        if channel not in AGENT_CHANNELS:
            inputs.add(errors, "channel", _("Choose how the customer was reached."))
        if called_at is None:
            called_at = now
        elif not isinstance(called_at, dt.datetime) or timezone.is_naive(called_at):
            inputs.add(errors, "called_at", _("Give a date and time."))
            called_at = now
        elif called_at > now + dt.timedelta(minutes=5):
            inputs.add(errors, "called_at", _("Cannot be in the future."))
        comment = inputs.text(comment, "comment", errors, max_length=MAX_TEXT)
        no_show = inputs.boolean(outcome_no_show, "outcome_no_show", errors)
        second_visit = inputs.boolean(outcome_second_visit, "outcome_second_visit", errors)
        complaint = inputs.boolean(outcome_complaint, "outcome_complaint", errors)
        answers = dict(answers or {})
        if answers and not all(isinstance(k, str) for k in answers):
            inputs.add(errors, "answers", _("Answers are given by question code."))
            answers = {}
        direct = {SATISFACTION: satisfaction, ON_TIME: on_time, PROBLEM_SOLVED: problem_solved}
        for code, value in direct.items():
            if value not in (None, ""):
                answers[code] = value
        questions = questions_for(org_id, kind)
        by_code = {q.code: q for q in questions}
        for code in answers:
            if code not in by_code and code not in SPECIAL_CODES:
                inputs.add(errors, f"answers.{code}", _("This question is not asked here."))
        values: dict = {}
        answer_rows: list[tuple[Question, str, int | None]] = []
        for code in {*by_code, *SPECIAL_CODES}:
            q = by_code.get(code)
            field = _answer_field(code)
            raw = answers.get(code)
            # Nothing was done to rate when the technician did not come.
            required = bool(q and q.required and not no_show)
            answer_type = q.answer_type if q else (A.SCORE if code == SATISFACTION else A.YES_NO)
            if answer_type == A.SCORE:
                value = (
                    satisfaction_value(raw, errors, required=required)
                    if code == SATISFACTION
                    else inputs.whole_number(
                        raw, field, errors, minimum=1, maximum=5, required=required
                    )
                )
                text, score = ("" if value is None else str(value)), value
            elif answer_type == A.YES_NO:
                value = _yes_no(raw, field, errors)
                if value is None and required and field not in errors:
                    inputs.add(errors, field, _("Please answer this question."))
                text, score = ("" if value is None else (_("Yes") if value else _("No"))), None
            else:
                value = inputs.text(raw, field, errors, max_length=MAX_TEXT, required=required)
                text, score = value, None
            values[code] = value
            if q is not None and text != "":
                answer_rows.append((q, text, score))
        answer_rows.sort(key=lambda row: (row[0].order, row[0].pk))
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
    return record


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


def outcome_summary(record: CallbackRecord) -> list[str]:
    """What the record's outcomes did, in words for the agent (and the API)."""
    out = []
    if record.outcome_no_show and record.work_order_id:
        order = record.work_order
        out.append(
            _("Order %(number)s re-issued (重发); missed service recorded for %(tech)s.")
            % {"number": order.number, "tech": getattr(order.technician, "name", "")}
        )
    if record.second_visit_order_id:
        order = record.second_visit_order
        if record.work_order_id == order.pk:
            out.append(
                _("Order %(number)s marked as needing another visit.") % {"number": order.number}
            )
        elif order.created_at and order.created_at >= record.created_at:
            out.append(_("Second-visit order %(number)s created.") % {"number": order.number})
        else:
            out.append(
                _("The customer's open order %(number)s carries the second visit.")
                % {"number": order.number}
            )
    if record.complaint_case_id:
        out.append(_("Complaint %(number)s registered.") % {"number": record.complaint_case.number})
    if record.archive_updates:
        labels = {"birthday": _("birthday"), "preferences": _("preferences")}
        out.append(
            _("Customer archive updated: %(fields)s.")
            % {"fields": "、".join(str(labels.get(k, k)) for k in record.archive_updates)}
        )
    return out


# --- reads ---------------------------------------------------------------------------------------
def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READ_ROLES)


def can_record(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *RECORD_ROLES)


def record_list(
    *,
    user,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    channel: str | None = None,
    satisfaction: int | None = None,
    technician: int | None = None,
    customer: int | None = None,
    work_order: int | None = None,
    task: int | None = None,
    outcome: str | None = None,
    q: str | None = None,
) -> QuerySet:
    """The organisation's callback records, newest first (office roles)."""
    if not can_read(user):
        raise PermissionDeniedError()
    qs = CallbackRecord.objects.filter(organisation_id=user.organisation_id)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(called_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        qs = qs.filter(called_at__lt=end)
    if channel:
        qs = qs.filter(channel=channel)
    if satisfaction:
        qs = qs.filter(satisfaction=satisfaction)
    if technician:
        qs = qs.filter(technician_id=technician)
    if customer:
        qs = qs.filter(customer_id=customer)
    if work_order:
        qs = qs.filter(work_order_id=work_order)
    if task:
        qs = qs.filter(task_id=task)
    if outcome in ("no_show", "second_visit", "complaint"):
        qs = qs.filter(**{f"outcome_{outcome}": True})
    if q:
        q = q.strip()
        qs = qs.filter(
            Q(customer__name__icontains=q)
            | Q(customer__mobile__contains=q)
            | Q(work_order__number__icontains=q)
            | Q(comment__icontains=q)
        )
    return qs.select_related(
        "customer",
        "work_order",
        "delivery__contract",
        "technician",
        "caller",
        "task",
        "second_visit_order",
        "complaint_case",
    ).order_by("-called_at", "-id")


def record_get(*, user, pk) -> CallbackRecord:
    pk = inputs.as_id(pk)
    row = record_list(user=user).filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError()
    return row


def task_for_record(*, user, pk) -> CallbackTask:
    """A task of the caller's organisation to record (any status: the page explains why not)."""
    if not can_record(user):
        raise PermissionDeniedError()
    pk = inputs.as_id(pk)
    task = (
        CallbackTask.objects.filter(organisation_id=user.organisation_id, pk=pk)
        .select_related(
            "customer",
            "work_order__technician",
            "work_order__product",
            "work_order__product_model",
            "delivery__contract",
            "delivery__crew",
            "assigned_to",
        )
        .first()
        if pk
        else None
    )
    if task is None:
        raise NotFoundError()
    return task
