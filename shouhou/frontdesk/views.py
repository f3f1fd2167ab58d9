"""Front desk pages: the calls and letters log, the caller lookup, the handover book, goods
reservations, goods taken back, the summaries (page and Excel) and the language report."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import pages
from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.exports import xlsx_response
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.customers.selectors import customer_find_by_phone
from shouhou.org import roles as r

from . import reports, selectors, services
from .forms import (
    AnswerForm,
    CancelForm,
    ContactForm,
    DeskReturnForm,
    EmptyForm,
    FollowUpForm,
    HandoverForm,
    LookupForm,
    ManagerNoteForm,
    MeetingForm,
    NotesForm,
    ReservationForm,
    SendBackForm,
    ToOrderForm,
)
from .models import (
    Channel,
    ContactKind,
    ContactStatus,
    HandoverStatus,
    ReservationStatus,
    ReturnStatus,
)

_reader = pages.reader(selectors.can_read)


def _desk(user) -> bool:
    return r.has_role(user, *services.DESK_ROLES)


def _warn(request, result) -> None:
    if result and result.get("forbidden"):
        messages.warning(
            request,
            _(
                "Saved, but it says %(bad)s — phrases customers do not want to hear. Say instead: %(good)s"
            )
            % {
                "bad": "、".join(f"“{p}”" for p in result["forbidden"]),
                "good": "、".join(f"“{p}”" for p in result["preferred"]),
            },
        )


def _paged(request, qs):
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _customer_by_mobile(user, mobile, field="customer_mobile"):
    try:
        customer = customer_find_by_phone(user=user, phone=mobile)
    except ValidationFailed as exc:
        raise ValidationFailed(fields={field: exc.fields.get("phone", [])}) from exc
    if customer is None:
        raise ValidationFailed(fields={field: [_("No customer with this mobile.")]})
    return customer


# Contacts ------------------------------------------------------------------------------------


@login_required
def contact_list(request):
    _reader(request)
    status = request.GET.get("status") or None
    kind = request.GET.get("kind") or None
    channel = request.GET.get("channel") or None
    q = (request.GET.get("q") or "").strip()
    qs = selectors.contact_list(
        user=request.user,
        status=status if status in ContactStatus.values else None,
        kind=kind if kind in ContactKind.values else None,
        channel=channel if channel in Channel.values else None,
        q=q,
    )
    page, query = _paged(request, qs)
    return render(
        request,
        "frontdesk/contact_list.html",
        {
            "page": page,
            "query": query,
            "q": q,
            "status": status,
            "kind": kind,
            "channel": channel,
            "statuses": ContactStatus.choices,
            "kinds": ContactKind.choices,
            "channels": Channel.choices,
            "can_create": _desk(request.user),
            "now": timezone.now(),
        },
    )


@login_required
def contact_create(request):
    _reader(request)
    if not _desk(request.user):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    phone = (request.POST.get("phone") if data else request.GET.get("phone")) or ""
    matters = list(selectors.open_matters(user=request.user, phone=phone.strip()))
    if data is not None:
        form = ContactForm(data, matters=matters)
        if form.is_valid():
            d = form.cleaned_data

            def act():
                joins = None
                if d.get("joins"):
                    joins = selectors.contact_list(user=request.user).filter(pk=d["joins"]).first()
                    if joins is None:
                        raise ValidationFailed(fields={"joins": [_("Not found.")]})
                contact = services.contact_log(
                    by=request.user,
                    channel=d["channel"],
                    kind=d["kind"],
                    subject=d["subject"],
                    phone=d["phone"],
                    caller_name=d["caller_name"],
                    answer=d["answer"],
                    joins=joins,
                    convert=d["convert"],
                    work_kind=d["work_kind"],
                    district=d["district"],
                    address_detail=d["address_detail"],
                )
                return 201, {
                    "id": contact.pk,
                    "language": getattr(contact, "language_result", None),
                }

            body = submit_idempotent(request, form, scope="frontdesk:contact", action=act)
            if body is not None:
                _warn(request, body.get("language"))
                return redirect("frontdesk:contact_detail", pk=body["id"])
        return render(
            request, "frontdesk/contact_create.html", {"form": form, "matters": matters}, status=400
        )
    form = ContactForm(
        matters=matters,
        initial={
            "phone": phone,
            "channel": request.GET.get("channel", Channel.HOTLINE),
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    return render(request, "frontdesk/contact_create.html", {"form": form, "matters": matters})


def _contact(request, pk):
    return pages.get_or_404(selectors.contact_get, user=request.user, pk=pk)


def _contact_detail(request, contact, *, status=200, **forms):
    desk = _desk(request.user)
    open_ = contact.status != ContactStatus.ANSWERED
    linked = bool(contact.work_order_id or contact.case_id)
    ctx = {
        "contact": contact,
        "repeats": contact.repeats.select_related("taken_by").order_by("received_at"),
        "desk": desk,
        "answer_form": forms.get("answer_form") or (AnswerForm() if desk and open_ else None),
        "follow_up_form": forms.get("follow_up_form")
        or (FollowUpForm() if desk and contact.status == ContactStatus.OPEN else None),
        "to_order_form": forms.get("to_order_form")
        or (
            ToOrderForm()
            if desk and not linked and contact.kind == ContactKind.SERVICE_REQUEST
            else None
        ),
        "to_complaint_form": forms.get("to_complaint_form")
        or (EmptyForm() if desk and not linked and contact.kind == ContactKind.COMPLAINT else None),
    }
    return render(request, "frontdesk/contact_detail.html", ctx, status=status)


@login_required
def contact_detail(request, pk):
    _reader(request)
    return _contact_detail(request, _contact(request, pk))


CONTACT_ACTIONS = {
    "answer": (
        "answer_form",
        AnswerForm,
        lambda by, c, d: services.contact_answer(by=by, contact=c, **d),
    ),
    "follow-up": (
        "follow_up_form",
        FollowUpForm,
        lambda by, c, d: services.contact_follow_up(by=by, contact=c, note=d["note"]),
    ),
    "to-work-order": (
        "to_order_form",
        ToOrderForm,
        lambda by, c, d: services.contact_to_work_order(by=by, contact=c, **d),
    ),
    "to-complaint": (
        "to_complaint_form",
        EmptyForm,
        lambda by, c, d: services.contact_to_complaint(by=by, contact=c),
    ),
}


def _act(request, obj, *, form_name, form, call, detail, success):
    if form.is_valid():
        try:
            result = call(request.user, obj, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            _warn(request, getattr(result, "language_result", None))
            return redirect(success, pk=obj.pk)
    return detail(request, obj, status=400, **{form_name: form})


@login_required
@require_POST
def contact_action(request, pk, name):
    _reader(request)
    contact = _contact(request, pk)
    if name not in CONTACT_ACTIONS:
        raise Http404
    form_name, form_cls, call = CONTACT_ACTIONS[name]
    return _act(
        request,
        contact,
        form_name=form_name,
        form=form_cls(request.POST),
        call=call,
        detail=_contact_detail,
        success="frontdesk:contact_detail",
    )


@login_required
def lookup(request):
    """The caller lookup (the page a CTI pop-up opens: /frontdesk/lookup/?phone=…)."""
    _reader(request)
    form = LookupForm(request.GET or None)
    data = None
    status = 200
    if form.is_valid():
        try:
            data = selectors.caller_lookup(user=request.user, phone=form.cleaned_data["phone"])
        except DomainError as exc:
            add_domain_error(form, exc)
            status = 400
    return render(
        request,
        "frontdesk/lookup.html",
        {"form": form, "data": data, "desk": _desk(request.user)},
        status=status,
    )


# Handover book -------------------------------------------------------------------------------


def _stores(user):
    return selectors.store_choices(user=user)


@login_required
def handover_list(request):
    _reader(request)
    form = None
    status = 200
    if _desk(request.user):
        if request.method == "POST":
            form = HandoverForm(request.POST, stores=_stores(request.user))
            if form.is_valid():
                d = form.cleaned_data
                try:
                    page = services.handover_open(
                        by=request.user,
                        store=d["store"],
                        day=d["day"],
                        shift=d["shift"],
                        desk=d["desk"],
                    )
                    return redirect("frontdesk:handover_detail", pk=page.pk)
                except DomainError as exc:
                    add_domain_error(form, exc)
            status = 400
        else:
            now = timezone.localtime()
            form = HandoverForm(
                stores=_stores(request.user),
                initial={
                    "store": getattr(request.user, "store_id", None),
                    "day": now.date(),
                    "shift": "early" if now.hour < 13 else "late",
                },
            )
    page, query = _paged(request, selectors.handover_list(user=request.user))
    return render(
        request,
        "frontdesk/handover_list.html",
        {"page": page, "query": query, "form": form},
        status=status,
    )


def _handover(request, pk):
    return pages.get_or_404(selectors.handover_get, user=request.user, pk=pk)


def _handover_detail(request, page, *, status=200, **forms):
    user = request.user
    desk = _desk(user)
    is_open = page.status == HandoverStatus.OPEN
    ctx = {
        "handover": page,
        "notes_form": forms.get("notes_form")
        or (
            NotesForm(initial={"notes": page.notes})
            if is_open and page.outgoing_id == user.pk
            else None
        ),
        "meeting_form": forms.get("meeting_form")
        or (MeetingForm(initial={"morning_meeting": page.morning_meeting}) if desk else None),
        "manager_form": forms.get("manager_form")
        or (
            ManagerNoteForm(initial={"manager_note": page.manager_note})
            if r.has_role(user, *services.MANAGER_ROLES)
            else None
        ),
        "hand_over_form": forms.get("hand_over_form")
        or (EmptyForm() if is_open and page.outgoing_id == user.pk else None),
        "sign_form": forms.get("sign_form")
        or (
            EmptyForm()
            if desk and page.status == HandoverStatus.HANDED_OVER and page.outgoing_id != user.pk
            else None
        ),
    }
    return render(request, "frontdesk/handover_detail.html", ctx, status=status)


@login_required
def handover_detail(request, pk):
    _reader(request)
    return _handover_detail(request, _handover(request, pk))


HANDOVER_ACTIONS = {
    "notes": (
        "notes_form",
        NotesForm,
        lambda by, h, d: services.handover_write(by=by, handover=h, notes=d["notes"]),
    ),
    "meeting": (
        "meeting_form",
        MeetingForm,
        lambda by, h, d: services.handover_write(
            by=by, handover=h, morning_meeting=d["morning_meeting"]
        ),
    ),
    "manager": (
        "manager_form",
        ManagerNoteForm,
        lambda by, h, d: services.handover_write(by=by, handover=h, manager_note=d["manager_note"]),
    ),
    "hand-over": (
        "hand_over_form",
        EmptyForm,
        lambda by, h, d: services.handover_hand_over(by=by, handover=h),
    ),
    "sign": ("sign_form", EmptyForm, lambda by, h, d: services.handover_sign(by=by, handover=h)),
}


@login_required
@require_POST
def handover_action(request, pk, name):
    _reader(request)
    page = _handover(request, pk)
    if name not in HANDOVER_ACTIONS:
        raise Http404
    form_name, form_cls, call = HANDOVER_ACTIONS[name]
    return _act(
        request,
        page,
        form_name=form_name,
        form=form_cls(request.POST),
        call=call,
        detail=_handover_detail,
        success="frontdesk:handover_detail",
    )


# Reservations --------------------------------------------------------------------------------


@login_required
def reservation_list(request):
    _reader(request)
    status = request.GET.get("status") or None
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.reservation_list(
        user=request.user,
        status=status if status in ReservationStatus.values else None,
        overdue=overdue,
    )
    page, query = _paged(request, qs)
    return render(
        request,
        "frontdesk/reservation_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "overdue": overdue,
            "statuses": ReservationStatus.choices,
            "can_create": _desk(request.user),
        },
    )


@login_required
def reservation_create(request):
    _reader(request)
    if not _desk(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ReservationForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data

            def act():
                res = services.reservation_create(
                    by=request.user,
                    customer=_customer_by_mobile(request.user, d["customer_mobile"]),
                    description=d["description"],
                    quantity=d["quantity"],
                    deposit=d["deposit"],
                    receipt_number=d["receipt_number"],
                    promised_on=d["promised_on"],
                )
                return 201, {"id": res.pk}

            body = submit_idempotent(request, form, scope="frontdesk:reservation", action=act)
            if body is not None:
                return redirect("frontdesk:reservation_detail", pk=body["id"])
        return render(request, "frontdesk/form.html", _form_ctx(form, "reservation"), status=400)
    form = ReservationForm(
        initial={
            "idempotency_key": uuid.uuid4().hex,
            "customer_mobile": request.GET.get("phone", ""),
        }
    )
    return render(request, "frontdesk/form.html", _form_ctx(form, "reservation"))


def _form_ctx(form, what):
    if what == "reservation":
        return {
            "form": form,
            "title": _("New goods reservation"),
            "back": "frontdesk:reservations",
            "back_label": _("Goods reservations"),
            "button": _("Save"),
        }
    return {
        "form": form,
        "title": _("Register goods taken back"),
        "back": "frontdesk:returns",
        "back_label": _("Goods taken back"),
        "button": _("Register"),
    }


def _reservation(request, pk):
    return pages.get_or_404(selectors.reservation_get, user=request.user, pk=pk)


def _reservation_detail(request, res, *, status=200, **forms):
    desk = _desk(request.user)
    st = res.status
    S = ReservationStatus
    ctx = {
        "res": res,
        "arrive_form": EmptyForm() if desk and st == S.ORDERED else None,
        "tell_form": EmptyForm() if desk and st == S.ARRIVED else None,
        "collect_form": EmptyForm() if desk and st in (S.ARRIVED, S.TOLD) else None,
        "cancel_form": forms.get("cancel_form")
        or (CancelForm() if desk and st in (S.ORDERED, S.ARRIVED, S.TOLD) else None),
        "error_form": forms.get("arrive_form")
        or forms.get("tell_form")
        or forms.get("collect_form"),
    }
    return render(request, "frontdesk/reservation_detail.html", ctx, status=status)


@login_required
def reservation_detail(request, pk):
    _reader(request)
    return _reservation_detail(request, _reservation(request, pk))


RESERVATION_ACTIONS = {
    "arrive": (
        "arrive_form",
        EmptyForm,
        lambda by, x, d: services.reservation_arrive(by=by, reservation=x),
    ),
    "tell": (
        "tell_form",
        EmptyForm,
        lambda by, x, d: services.reservation_tell(by=by, reservation=x),
    ),
    "collect": (
        "collect_form",
        EmptyForm,
        lambda by, x, d: services.reservation_collect(by=by, reservation=x),
    ),
    "cancel": (
        "cancel_form",
        CancelForm,
        lambda by, x, d: services.reservation_cancel(by=by, reservation=x, **d),
    ),
}


@login_required
@require_POST
def reservation_action(request, pk, name):
    _reader(request)
    res = _reservation(request, pk)
    if name not in RESERVATION_ACTIONS:
        raise Http404
    form_name, form_cls, call = RESERVATION_ACTIONS[name]
    return _act(
        request,
        res,
        form_name=form_name,
        form=form_cls(request.POST),
        call=call,
        detail=_reservation_detail,
        success="frontdesk:reservation_detail",
    )


# Goods taken back ----------------------------------------------------------------------------


@login_required
def return_list(request):
    _reader(request)
    status = request.GET.get("status") or None
    qs = selectors.desk_return_list(
        user=request.user, status=status if status in ReturnStatus.values else None
    )
    page, query = _paged(request, qs)
    return render(
        request,
        "frontdesk/return_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": ReturnStatus.choices,
            "can_create": _desk(request.user),
        },
    )


@login_required
def return_create(request):
    _reader(request)
    if not _desk(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = DeskReturnForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data

            def act():
                case = None
                if d["case_number"].strip():
                    case = selectors.case_by_number(
                        user=request.user, number=d["case_number"].strip()
                    )
                    if case is None:
                        raise ValidationFailed(
                            fields={"case_number": [_("No case with this number.")]}
                        )
                row = services.desk_return_register(
                    by=request.user,
                    kind=d["kind"],
                    customer=_customer_by_mobile(request.user, d["customer_mobile"]),
                    item=d["item"],
                    reason=d["reason"],
                    condition=d["condition"],
                    stored_at=d["stored_at"],
                    case=case,
                )
                return 201, {"id": row.pk}

            body = submit_idempotent(request, form, scope="frontdesk:return", action=act)
            if body is not None:
                return redirect("frontdesk:return_detail", pk=body["id"])
        return render(request, "frontdesk/form.html", _form_ctx(form, "return"), status=400)
    form = DeskReturnForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(request, "frontdesk/form.html", _form_ctx(form, "return"))


def _return(request, pk):
    return pages.get_or_404(selectors.desk_return_get, user=request.user, pk=pk)


def _return_detail(request, row, *, status=200, **forms):
    desk = _desk(request.user)
    ctx = {
        "row": row,
        "send_back_form": forms.get("send_back_form")
        or (SendBackForm() if desk and row.status == ReturnStatus.HELD else None),
    }
    return render(request, "frontdesk/return_detail.html", ctx, status=status)


@login_required
def return_detail(request, pk):
    _reader(request)
    return _return_detail(request, _return(request, pk))


@login_required
@require_POST
def return_send_back(request, pk):
    _reader(request)
    row = _return(request, pk)
    return _act(
        request,
        row,
        form_name="send_back_form",
        form=SendBackForm(request.POST),
        call=lambda by, x, d: services.desk_return_send_back(by=by, item=x, **d),
        detail=_return_detail,
        success="frontdesk:return_detail",
    )


# Summaries and language report ---------------------------------------------------------------


def _day(raw, default):
    try:
        return dt.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


def _summaries(request):
    today = timezone.localdate()
    day = _day(request.GET.get("day"), today)
    week = selectors.week_start(_day(request.GET.get("week"), today))
    org = request.user.organisation
    daily = selectors.daily_summary(organisation=org, day=day)
    weekly = selectors.weekly_complaint_summary(organisation=org, start=week)
    return day, week, daily, weekly


@login_required
def summary(request):
    _reader(request)
    day, week, daily, weekly = _summaries(request)
    return render(
        request,
        "frontdesk/summary.html",
        {
            "day": day,
            "week": week,
            "daily": daily,
            "weekly": weekly,
            "daily_sections": reports.plain(reports.daily_sections(daily)),
            "weekly_sections": reports.plain(reports.weekly_sections(weekly)),
        },
    )


@login_required
def summary_export(request):
    _reader(request)
    day, week, daily, weekly = _summaries(request)
    if request.GET.get("kind") == "weekly":
        return xlsx_response(
            reports.workbook(reports.weekly_sections(weekly)), f"complaints-week-{week:%Y%m%d}.xlsx"
        )
    return xlsx_response(reports.workbook(reports.daily_sections(daily)), f"desk-{day:%Y%m%d}.xlsx")


@login_required
def language_report(request):
    _reader(request)
    raw = request.GET.get("month") or ""
    try:
        month = dt.datetime.strptime(raw, "%Y-%m").date() if raw else timezone.localdate()
    except ValueError:
        month = timezone.localdate()
    month = month.replace(day=1)
    return render(
        request,
        "frontdesk/language.html",
        {
            "month": month,
            "rows": selectors.language_report(user=request.user, month=month),
            "phrases": services.phrases_for(request.user.organisation),
        },
    )
