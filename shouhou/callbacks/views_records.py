"""Pages of callback records: record a callback on a task (or, without a task, on a work order),
one record, the records list for supervisors (filters, Excel) and the questionnaire.

Recording is one POST with a hidden idempotency key (a double click records once); a refused
record shows the form again with the message next to the field and what was typed.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from shouhou.core import exports
from shouhou.core.errors import DomainError, NotFoundError, PermissionDeniedError
from shouhou.core.forms import add_domain_error
from shouhou.core.idempotency import run_idempotent
from shouhou.org import roles as r
from shouhou.staff.models import ServiceStaff
from shouhou.workorders.models import ServiceReport, WorkOrder

from . import records
from .forms_records import QuestionForm, RecordFilterForm, RecordForm
from .models import CallbackRecord, CallbackTask, Question


def _require_reader(user) -> None:
    if not records.can_read(user):
        raise PermissionDeniedError()


def _require_recorder(user) -> None:
    if not records.can_record(user):
        raise PermissionDeniedError()


# --- recording -----------------------------------------------------------------------------------
def _context_of(customer, work_order, delivery) -> dict:
    """What the agent needs in front of them: the order or delivery, earlier callbacks."""

    report = ServiceReport.objects.filter(order_id=work_order.pk).first() if work_order else None
    earlier = (
        CallbackRecord.objects.filter(customer_id=customer.pk)
        .select_related("caller", "work_order")
        .order_by("-called_at")[:5]
    )
    return {
        "customer": customer,
        "order": work_order,
        "report": report,
        "delivery": delivery,
        "earlier": earlier,
    }


def _apply_error(form: RecordForm, exc: DomainError) -> None:
    """Put the service's messages next to the fields they are about."""
    fields: dict = {}
    for key, msgs in exc.fields.items():
        target = form.field_for_error(key)
        fields.setdefault(target or "__all__", []).extend(msgs)
    exc.fields = {k: v for k, v in fields.items() if k != "__all__"}
    add_domain_error(form, exc)
    for m in fields.get("__all__", []):
        form.add_error(None, m)


def _record_page(request, *, task: CallbackTask | None, customer, work_order, delivery, kind):
    user = request.user
    questions = records.questions_for(user.organisation_id, kind)
    form_kw = {"questions": questions, "work_order": work_order, "delivery": delivery}
    scope = (
        f"page:callbacks:record:{task.pk}" if task else f"page:callbacks:record:wo:{work_order.pk}"
    )
    status = 200
    if request.method == "POST":
        # Through the idempotency key first: a double click gets the first answer (a redirect),
        # not "already recorded".
        form = RecordForm(request.POST, **form_kw)
        if form.is_valid():
            d = form.cleaned_data

            def act():
                record = records.callback_record_create(
                    by=user,
                    task=task,
                    customer=None if task else customer,
                    work_order=None if task else work_order,
                    channel=d.get("channel") or CallbackRecord.Channel.PHONE,
                    answers=form.answers(),
                    satisfaction=d.get("satisfaction"),
                    comment=d.get("comment", ""),
                    outcome_no_show=d.get("outcome_no_show", False),
                    outcome_second_visit=d.get("outcome_second_visit", False),
                    second_visit_note=d.get("second_visit_note", ""),
                    outcome_complaint=d.get("outcome_complaint", False),
                    complaint_text=d.get("complaint_text", ""),
                    archive={"birthday": d.get("birthday"), "preferences": d.get("preferences")},
                )
                return 201, {"id": record.pk, "outcomes": records.outcome_summary(record)}

            try:
                _s, body, _r = run_idempotent(
                    user=user, scope=scope, key=d.get("idempotency_key"), action=act
                )
            except DomainError as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("Callback with %(name)s recorded.") % {"name": customer.name}
                )
                for line in body.get("outcomes", []):
                    messages.success(request, line)
                if task is None:
                    return redirect("callbacks:record_detail", pk=body["id"])
                return redirect("callbacks:my_list")
        else:
            status = 400
    else:
        form = RecordForm(
            **form_kw,
            initial={
                "idempotency_key": uuid.uuid4().hex,
                "channel": CallbackRecord.Channel.PHONE,
                "birthday": customer.birthday.isoformat() if customer.birthday else "",
                "preferences": customer.preferences,
            },
        )
    blocked = None
    try:
        records.check_recordable(task, work_order, delivery)
    except DomainError as exc:
        blocked = exc  # the page says why instead of the form (a POST got the error above)
    existing = CallbackRecord.objects.filter(task_id=task.pk).first() if task is not None else None
    return render(
        request,
        "callbacks/record_form.html",
        {
            **_context_of(customer, work_order, delivery),
            "task": task,
            "form": form,
            "blocked": blocked,
            "existing": existing,
            "attempts": list(task.attempt_rows.select_related("by")) if task else [],
        },
        status=status,
    )


@login_required
def record_create(request, pk):
    """Record the callback of a task (the agent's list links here)."""
    task = records.task_for_record(user=request.user, pk=pk)
    return _record_page(
        request,
        task=task,
        customer=task.customer,
        work_order=task.work_order,
        delivery=task.delivery,
        kind=task.kind,
    )


@login_required
def record_for_order(request, pk):
    """A callback without a task, on one work order (e.g. a supervisor calling the customer)."""

    _require_recorder(request.user)
    order = (
        WorkOrder.objects.filter(organisation_id=request.user.organisation_id, pk=pk)
        .select_related("customer", "technician", "product", "product_model")
        .first()
    )
    if order is None:
        raise NotFoundError()
    return _record_page(
        request,
        task=None,
        customer=order.customer,
        work_order=order,
        delivery=None,
        kind=CallbackTask.Kind.AFTER_SERVICE,
    )


@login_required
def record_detail(request, pk):
    record = records.record_get(user=request.user, pk=pk)
    return render(
        request,
        "callbacks/record_detail.html",
        {
            "record": record,
            "answers": record.answers.all(),
            "outcomes": records.outcome_summary(record),
        },
    )


# --- the records list ----------------------------------------------------------------------------
def _technicians(user):
    ids = (
        CallbackRecord.objects.filter(organisation_id=user.organisation_id)
        .exclude(technician=None)
        .values("technician_id")
        .distinct()
    )
    return ServiceStaff.objects.filter(pk__in=ids).order_by("name")


def _filtered(request):
    form = RecordFilterForm(request.GET or None, technicians=_technicians(request.user))
    params = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = records.record_list(
        user=request.user,
        date_from=params.get("date_from"),
        date_to=params.get("date_to"),
        channel=params.get("channel") or None,
        satisfaction=params.get("satisfaction"),
        technician=params.get("technician"),
        outcome=params.get("outcome") or None,
        q=params.get("q") or None,
    )
    return form, qs


@login_required
def record_list(request):
    _require_reader(request.user)
    form, qs = _filtered(request)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "callbacks/records.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage_questions": r.has_role(request.user, *records.QUESTION_ROLES),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


XLSX_COLUMNS = [
    _l("Time"),
    _l("Customer"),
    _l("Channel"),
    _l("Caller"),
    _l("Work order"),
    _l("Contract"),
    _l("Technician"),
    _l("Satisfaction"),
    _l("On time"),
    _l("Problem solved"),
    _l("Outcomes"),
    _l("What the customer said"),
]


@login_required
def record_list_xlsx(request):
    _require_reader(request.user)
    _form, qs = _filtered(request)
    wb = exports.new_workbook(_("Callback records"))
    ws = wb.active
    exports.write_row(ws, XLSX_COLUMNS, bold=True)

    def yes_no(v):
        return "" if v is None else str(_("Yes") if v else _("No"))

    for rec in qs[:10000]:
        exports.write_row(
            ws,
            [
                timezone.localtime(rec.called_at).strftime("%Y-%m-%d %H:%M"),
                rec.customer.name,
                str(rec.get_channel_display()),
                str(rec.caller or ""),
                rec.work_order.number if rec.work_order_id else "",
                rec.delivery.contract.number if rec.delivery_id else "",
                rec.technician.name if rec.technician_id else "",
                rec.satisfaction or "",
                yes_no(rec.on_time),
                yes_no(rec.problem_solved),
                "；".join(records.outcome_summary(rec)),
                rec.comment,
            ],
        )
    widths = (17, 10, 12, 10, 16, 16, 10, 8, 8, 8, 50, 50)
    for col, width in zip("ABCDEFGHIJKL", widths, strict=True):
        ws.column_dimensions[col].width = width
    return exports.xlsx_response(
        exports.workbook_bytes(wb),
        f"callback-records-{timezone.localdate().isoformat()}.xlsx",
    )


# --- the questionnaire ---------------------------------------------------------------------------
def _require_question_manager(user) -> None:
    if not (getattr(user, "organisation_id", None) and r.has_role(user, *records.QUESTION_ROLES)):
        raise PermissionDeniedError()


def _question_values(form: QuestionForm) -> dict:
    d = form.cleaned_data
    return {
        "text": d.get("text", ""),
        "answer_type": d.get("answer_type"),
        "kinds": d.get("kinds") or [],
        "required": d.get("required", False),
        "order": d.get("order"),
        "is_active": d.get("is_active", False),
    }


@login_required
def question_list(request):
    """The organisation's questionnaire; add a question (supervisors and the CS manager)."""
    _require_question_manager(request.user)
    org_id = request.user.organisation_id
    records.ensure_questionnaire(org_id)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                q = records.question_save(
                    by=request.user,
                    code=form.cleaned_data.get("code", ""),
                    **_question_values(form),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Question “%(text)s” added.") % {"text": q.text})
                return redirect("callbacks:questions")
        else:
            status = 400
    else:
        form = QuestionForm(initial={"order": 100, "is_active": True})
    kinds = dict(CallbackTask.Kind.choices)
    questions = list(Question.objects.filter(organisation_id=org_id))
    for q in questions:
        q.kind_labels = [kinds.get(k, k) for k in (q.kinds or [])]
    return render(
        request,
        "callbacks/record_questions.html",
        {"questions": questions, "form": form},
        status=status,
    )


@login_required
def question_edit(request, pk):
    _require_question_manager(request.user)
    q = Question.objects.filter(organisation_id=request.user.organisation_id, pk=pk).first()
    if q is None:
        raise NotFoundError()
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST, editing=True, initial={"code": q.code})
        if form.is_valid():
            try:
                records.question_save(by=request.user, question=q, **_question_values(form))
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Question saved."))
                return redirect("callbacks:questions")
        else:
            status = 400
    else:
        form = QuestionForm(
            editing=True,
            initial={
                "code": q.code,
                "text": q.text,
                "answer_type": q.answer_type,
                "kinds": q.kinds,
                "required": q.required,
                "order": q.order,
                "is_active": q.is_active,
            },
        )
    return render(
        request, "callbacks/record_question_form.html", {"q": q, "form": form}, status=status
    )
