"""Pages: order list and detail, hotline intake, the technician's phone page, the public request
form with its signed progress link, and the daily reports (with Excel)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.core.links import load_customer_link, sign_customer_link
from shouhou.core.middleware import organisation_scope
from shouhou.customers.selectors import fault_categories, service_case_records
from shouhou.org import roles as r
from shouhou.org.models import Organisation, Store
from shouhou.staff.models import ServiceStaff

from . import config, selectors, services, states
from .checklist import SPECIAL_CASES, STEPS
from .forms import IntakeForm, PublicRequestForm
from .models import Kind, PublicRequest, ReportPart, ServiceReport, Source, WorkOrder
from .reports import COLUMNS, TIER_COLUMNS, report_rows, report_xlsx, sections_for

PROGRESS_SALT = "shouhou.workorders.progress"


def progress_token(order: WorkOrder) -> str:
    return sign_customer_link({"o": order.pk, "g": order.organisation_id}, salt=PROGRESS_SALT)


def request_token(req: PublicRequest) -> str:
    return sign_customer_link({"r": req.pk, "g": req.organisation_id}, salt=PROGRESS_SALT)


def _office(user):
    return user.is_superuser or r.has_role(user, *r.OFFICE_ROLES)


# Office pages (the list itself: views_list.py) -------------------------------------------------
def _technicians(order):
    qs = ServiceStaff.objects.filter(
        organisation_id=order.organisation_id, status=ServiceStaff.Status.ACTIVE
    )
    return qs.order_by("name")


def _can_add_photo(order, report) -> bool:
    return order.status in services.PHOTO_STATES and not (report and report.is_signed)


@login_required
def order_detail(request, pk):
    order = selectors.workorder_get(user=request.user, pk=pk)
    report = ServiceReport.objects.filter(order=order).prefetch_related("parts", "photos").first()
    return render(
        request,
        "workorders/detail.html",
        {
            "order": order,
            "report": report,
            "can_add_photo": _can_add_photo(order, report),
            "actions": states.actions_from(order.status),
            "technicians": _technicians(order) if _office(request.user) else [],
            "policies": order.policy.__class__.objects.filter(
                organisation_id=order.organisation_id, is_active=True
            )
            if order.policy_id
            else [],
            "calls": order.calls.all(),
            "attempts": order.contact_attempts.all(),
            "missed": order.missed_services.all(),
            "loans": selectors.loans_for_order(order),
            "loan_due": selectors.loan_unit_due(order),
            "written": selectors.written_contact_for(order),
            "can_lend": order.status in states.ASSIGNED_STATES and order.completed_at is None,
            "progress_url": request.build_absolute_uri(
                reverse("workorders:progress", args=[progress_token(order)])
            ),
            "is_office": _office(request.user),
            **_service_case(order),
        },
    )


def _service_case(order) -> dict:
    """The order's service case and its records in time order (one query; none without a
    case)."""
    if not order.service_case_id:
        return {}
    return {
        "service_case": order.service_case,
        "case_records": service_case_records(order.service_case_id),
    }


@login_required
def intake(request):
    user = request.user
    r.require_role(user, *services.INTAKE_ROLES)
    initial = {}
    from_request = None
    if request.GET.get("from_request"):
        from_request = (
            selectors.public_requests_pending(user=user)
            .filter(pk=request.GET["from_request"])
            .first()
        )
        if from_request:
            initial = {
                "source": Source.HOTLINE,
                "kind": from_request.kind,
                "mobile": from_request.mobile,
                "name": from_request.name,
                "district": from_request.district,
                "address_detail": from_request.address_detail,
                "description": from_request.description,
            }
    form = IntakeForm(request.POST or None, organisation=user.organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def action():
            result = services.workorder_intake(
                by=user,
                source=d["source"],
                kind=d["kind"],
                description=d["description"],
                customer_data={
                    "name": d["name"],
                    "mobile": d["mobile"],
                    "district": d["district"],
                    "address_detail": d["address_detail"],
                },
                store=getattr(user, "store", None),
                product=d["product"],
                fault=d.get("fault"),
                is_emergency=d["is_emergency"],
                distance_km=d["distance_km"],
                route=d.get("route", ""),
            )
            req_id = request.POST.get("from_request")
            if req_id:
                PublicRequest.objects.filter(
                    pk=req_id, organisation_id=user.organisation_id, status="pending"
                ).update(
                    status=PublicRequest.Status.ACCEPTED,
                    order=result.order,
                    handled_by=user,
                    handled_at=timezone.now(),
                )
            return (200 if result.joined else 201), result.order

        def answer(order, status):
            return {"id": order.pk, "joined": status == 200}

        body = submit_idempotent(
            request, form, scope="page:workorders:intake", action=action, render=answer
        )
        if body is not None:
            if body["joined"]:
                messages.info(request, _("The customer already has this problem open: joined."))
            else:
                messages.success(request, _("Work order created."))
            return redirect("workorders:detail", pk=body["id"])
    elif request.method == "GET":
        import uuid

        form.initial["idempotency_key"] = uuid.uuid4().hex
        fault_categories(organisation=user.organisation)  # the defaults, before the choices
    return render(
        request,
        "workorders/intake.html",
        {"form": form, "from_request": from_request},
        status=400 if request.method == "POST" else 200,
    )


def _int_or_0(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _parse_local(value: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(fields={"appointment_at": [_("Give a date and time.")]}) from exc
    return timezone.make_aware(naive) if timezone.is_naive(naive) else naive


@login_required
@require_POST
def order_action(request, pk, name):
    """One step from a button on the detail page or the technician's page."""
    user = request.user
    order = selectors.workorder_get(user=user, pk=pk)
    post = request.POST
    note = post.get("note", "")
    nxt = post.get("next") or reverse("workorders:detail", args=[order.pk])
    try:
        if name in ("dispatch", "reassign"):
            tech = ServiceStaff.objects.filter(
                pk=post.get("technician") or 0, organisation_id=order.organisation_id
            ).first()
            if tech is None:
                raise ValidationFailed(fields={"technician": [_("Choose a technician.")]})
            fn = services.workorder_dispatch if name == "dispatch" else services.workorder_reassign
            fn(by=user, order=order, technician=tech)
        elif name == "contact":
            services.workorder_contact(by=user, order=order, note=note)
        elif name == "unreachable":
            services.workorder_unreachable(by=user, order=order, note=note)
        elif name == "report_unreachable":
            services.workorder_report_unreachable(
                by=user, order=order, reason=post.get("reason", "")
            )
        elif name == "appoint":
            services.workorder_appoint(
                by=user, order=order, appointment_at=_parse_local(post.get("appointment_at"))
            )
        elif name == "postpone":
            services.workorder_postpone(by=user, order=order, note=note)
        elif name == "arrive":
            services.workorder_arrive(by=user, order=order)
        elif name == "wait_parts":
            services.workorder_wait_parts(by=user, order=order, note=note)
        elif name == "not_home":
            services.workorder_not_home(by=user, order=order, note=note)
        elif name == "complete":
            parts = []
            for pname, qty, reason in zip(
                post.getlist("part_name"),
                post.getlist("part_quantity"),
                post.getlist("part_reason"),
                strict=False,
            ):
                if pname.strip():
                    parts.append({"name": pname, "quantity": qty or 0, "reason": reason})
            services.workorder_complete(
                by=user,
                order=order,
                findings=post.get("findings", ""),
                work_done=post.get("work_done", ""),
                parts=parts,
                fee=post.get("fee") or "0",
                fee_approval=post.get("fee_approval", ""),
                steps_done=post.getlist("steps_done"),
            )
        elif name == "sign":
            services.workorder_sign(
                by=user,
                order=order,
                signer_name=post.get("signer_name", ""),
                signature=post.get("signature", ""),
            )
        elif name == "close":
            services.workorder_close(by=user, order=order, note=note)
        elif name == "cancel":
            services.workorder_cancel(by=user, order=order, reason=post.get("reason", ""))
        elif name == "reissue":
            services.workorder_reissue(by=user, order=order, note=note)
        elif name == "lend_loan":
            services.loan_unit_lend(
                by=user,
                order=order,
                unit=post.get("unit", ""),
                deposit=post.get("deposit") or "0",
                deposit_receipt_no=post.get("deposit_receipt_no", ""),
                note=note,
            )
        elif name == "return_loan":
            loan = selectors.loan_get(user=user, pk=_int_or_0(post.get("loan")))
            if loan.order_id != order.pk:
                raise Http404()
            services.loan_unit_return(
                by=user, loan=loan, deposit_refunded=bool(post.get("deposit_refunded")), note=note
            )
        elif name in ("write_contact", "feed_back"):
            contact = selectors.written_contact_for(order)
            if contact is None:
                raise Http404()
            if name == "write_contact":
                services.written_contact_record(
                    by=user,
                    contact=contact,
                    text=post.get("text", ""),
                    result=post.get("result", ""),
                    channel=post.get("channel", ""),
                )
            else:
                services.written_contact_feed_back(
                    by=user, contact=contact, feedback=post.get("feedback", "")
                )
        elif name == "change_policy":
            policy = order.policy.__class__.objects.filter(
                pk=post.get("policy") or 0, organisation_id=order.organisation_id
            ).first()
            if policy is None:
                raise ValidationFailed(fields={"policy": [_("Choose a policy.")]})
            services.workorder_change_policy(
                by=user, order=order, policy=policy, reason=post.get("reason", "")
            )
        else:
            raise Http404()
    except DomainError as exc:
        msgs = [str(exc.message)] + [m for ms in exc.fields.values() for m in ms]
        messages.error(request, " ".join(dict.fromkeys(msgs)))
    else:
        messages.success(request, _("Saved."))
    if not nxt.startswith("/"):
        nxt = reverse("workorders:detail", args=[order.pk])
    return redirect(nxt)


@login_required
def loans(request):
    """Loan units (备用机): orders that owe one, units out, overdue, returned."""
    if not _office(request.user):
        raise PermissionDeniedError()
    which = request.GET.get("which", "out")
    if which not in selectors.LOAN_FILTERS:
        which = "out"
    rows = list(selectors.loan_list(user=request.user, which=which)[:500])
    return render(
        request,
        "workorders/loans.html",
        {"which": which, "rows": rows, "filters": selectors.LOAN_FILTERS},
    )


# The technician's phone page -------------------------------------------------------------------
@login_required
def my_jobs(request):
    jobs = selectors.my_jobs(user=request.user, include_done_today=True)
    return render(request, "workorders/my_jobs.html", {"jobs": jobs})


@login_required
def job(request, pk):
    order = selectors.workorder_get(user=request.user, pk=pk)
    report = ServiceReport.objects.filter(order=order).prefetch_related("parts", "photos").first()
    return render(
        request,
        "workorders/job.html",
        {
            "order": order,
            "report": report,
            "can_add_photo": _can_add_photo(order, report),
            "actions": states.actions_from(order.status),
            "steps": STEPS,
            "special_cases": SPECIAL_CASES,
        },
    )


def _messages_for(request, exc: DomainError) -> None:
    msgs = [str(exc.message)] + [m for ms in exc.fields.values() for m in ms]
    messages.error(request, " ".join(dict.fromkeys(msgs)))


def _next(request, default: str) -> str:
    nxt = request.POST.get("next") or default
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


@login_required
@require_POST
def photo_add(request, pk):
    """A photo of the work from the technician's page (or the desk)."""
    order = selectors.workorder_get(user=request.user, pk=pk)
    nxt = _next(request, reverse("workorders:job", args=[order.pk]))
    try:
        services.service_report_add_photo(
            by=request.user,
            order=order,
            image=request.FILES.get("image"),
            caption=request.POST.get("caption", ""),
        )
    except DomainError as exc:
        _messages_for(request, exc)
    else:
        messages.success(request, _("Photo added."))
    return redirect(nxt)


@login_required
def photo(request, pk):
    """The photo itself, only for those who may see the order (never a public media URL)."""
    obj = selectors.report_photo_get(user=request.user, pk=pk)
    ext = obj.image.name.rsplit(".", 1)[-1].lower()
    types = dict(services.PHOTO_FORMATS.values())
    try:
        fh = obj.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404() from exc
    resp = FileResponse(fh, content_type=types.get(ext, "application/octet-stream"))
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


# Old parts (旧件) -------------------------------------------------------------------------------
@login_required
def old_parts(request):
    """Old parts to be brought back, per order; the warehouse keeper marks them received."""
    user = request.user
    if not (
        user.is_superuser
        or r.has_role(user, r.WAREHOUSE_KEEPER, r.MERCHANT_ADMIN, r.TECHNICIAN, r.DELIVERY_CREW)
        or _office(user)
    ):
        raise PermissionDeniedError()
    state = request.GET.get("state", "outstanding")
    if state not in selectors.OLD_PART_STATES:
        state = "outstanding"
    try:
        tech_id = int(request.GET.get("technician") or 0) or None
    except ValueError:
        tech_id = None
    qs = selectors.old_parts_list(
        user=user, state=state, technician_id=tech_id, q=request.GET.get("q")
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for part in page:
        part.days_out = (today - timezone.localtime(part.report.order.completed_at).date()).days

    return render(
        request,
        "workorders/old_parts.html",
        {
            "page": page,
            "state": state,
            "technician_id": tech_id,
            "technicians": ServiceStaff.objects.filter(
                organisation_id=user.organisation_id
            ).order_by("name")
            if (user.is_superuser or _office(user) or r.has_role(user, r.WAREHOUSE_KEEPER))
            else [],
            "can_receive": r.has_role(user, *services.OLD_PART_ROLES),
            "conditions": ReportPart.OldCondition.choices,
        },
    )


@login_required
@require_POST
def old_part_receive(request, pk):
    part = selectors.old_part_get(user=request.user, pk=pk)
    try:
        services.report_part_receive_old(
            by=request.user,
            part=part,
            quantity=request.POST.get("quantity") or None,
            condition=request.POST.get("condition", ""),
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _messages_for(request, exc)
    else:
        messages.success(
            request,
            _("Old part received: %(part)s (%(order)s).")
            % {"part": part.name, "order": part.report.order.number},
        )
    return redirect(_next(request, reverse("workorders:old_parts")))


# Customers' own requests ------------------------------------------------------------------------
@login_required
@require_POST
def public_request_reject(request, pk):
    req = selectors.public_request_get(user=request.user, pk=pk)
    try:
        services.public_request_reject(
            by=request.user, request=req, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        _messages_for(request, exc)
    else:
        messages.success(request, _("The request was rejected."))
    return redirect(_next(request, reverse("workorders:list")))


# Reports ----------------------------------------------------------------------------------------
def _report_day(request) -> dt.date | None:
    value = request.GET.get("day")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
def reports(request):
    if not _office(request.user):
        raise PermissionDeniedError()
    day = _report_day(request)
    rows = report_rows(user=request.user, day=day)
    sections = [
        (key, title, rows[key], rows["counts"][key])
        for key, title in sections_for(request.user.organisation)
    ]
    return render(
        request,
        "workorders/reports.html",
        {
            "sections": sections,
            "columns": COLUMNS,
            "day": rows["day"],
            "tiers": rows["tiers"],
            "tier_columns": TIER_COLUMNS,
        },
    )


@login_required
def reports_xlsx(request):
    if not _office(request.user):
        raise PermissionDeniedError()
    day = _report_day(request) or timezone.localdate()
    full = request.GET.get("phones") == "full" and r.has_role(
        request.user, r.CS_MANAGER, r.CS_SUPERVISOR, r.GENERAL_MANAGER, r.VP_OPERATIONS
    )
    data = report_xlsx(user=request.user, day=day, full_phone=full)
    resp = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="workorders-{day.isoformat()}.xlsx"'
    return resp


# Public pages (no login) -----------------------------------------------------------------------
def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def public_request(request, org_code, store_code):
    """The customer's own request, reached by the QR code on a store's poster or receipt."""

    org = Organisation.objects.filter(code=org_code).first()
    # The poster's organisation is the scope of everything this page reads and writes.
    with organisation_scope(org):
        store = Store.objects.filter(code=store_code, is_active=True).first() if org else None
        if store is None:
            raise Http404()
        form = PublicRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            settings = config.settings_for(org)
            key = f"wo-public:{org.pk}:{_client_ip(request)}"
            count = cache.get_or_set(key, 0, 3600)
            if count >= settings.public_requests_per_hour:
                form.add_error(None, _("Too many requests from here; please call the hotline."))
                return render(
                    request,
                    "workorders/public_request.html",
                    {"form": form, "store": store},
                    status=429,
                )
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, 3600)
            if form.cleaned_data.get("website"):
                raise Http404()
            try:
                token = _public_submit(org, store, form.cleaned_data, _client_ip(request))
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("workorders:progress", token=token)
        return render(
            request,
            "workorders/public_request.html",
            {"form": form, "store": store},
            status=400 if request.method == "POST" else 200,
        )


def _public_submit(org, store, d, ip) -> str:
    from shouhou.core.phones import normalise_phone

    try:
        mobile = normalise_phone(d["mobile"], mobile_only=True)
    except ValueError as exc:
        raise ValidationFailed(fields={"mobile": [str(exc)]}) from exc
    req = PublicRequest.objects.create(
        organisation=org,
        store=store,
        name=d["name"],
        mobile=mobile,
        district=d["district"],
        address_detail=d["address_detail"],
        kind=d["kind"],
        description=d["description"],
        ip=ip if ip != "unknown" else None,
    )
    try:
        result = services.workorder_intake(
            by=None,
            organisation=org,
            store=store,
            source=Source.SELF_SERVICE,
            kind=d["kind"],
            description=d["description"],
            customer_data={"mobile": mobile},
        )
    except ValidationFailed as exc:
        if exc.code != "customer_unknown":
            raise
        return request_token(req)  # a new customer: the service desk registers them
    PublicRequest.objects.filter(pk=req.pk).update(
        status=PublicRequest.Status.ACCEPTED, order=result.order, handled_at=timezone.now()
    )
    return progress_token(result.order)


def progress(request, token):
    """What the customer sees through the signed link: no login, no other order."""
    from django.conf import settings as dj

    try:
        data = load_customer_link(token, salt=PROGRESS_SALT, max_age=dt.timedelta(days=3650))
    except signing.BadSignature as exc:
        raise Http404() from exc
    # The signed token names the organisation: its scope guards every read and the signature.
    with organisation_scope(data.get("g") if isinstance(data, dict) else None):
        order = req = None
        if "o" in data:
            order = WorkOrder.objects.filter(pk=data["o"]).first()
        elif "r" in data:
            req = PublicRequest.objects.filter(pk=data["r"]).first()
            if req is not None and req.order_id:
                order = req.order
        if order is None and req is None:
            raise Http404()
        org = (order or req).organisation
        days = config.settings_for(org).progress_link_days
        try:
            load_customer_link(token, salt=PROGRESS_SALT, max_age=dt.timedelta(days=days))
        except signing.SignatureExpired as exc:
            raise Http404() from exc
        report = ServiceReport.objects.filter(order=order).first() if order else None
        error = None
        if request.method == "POST" and order is not None:
            try:
                services.workorder_sign(
                    by=None,
                    order=order,
                    signer_name=request.POST.get("signer_name", ""),
                    via=ServiceReport.SignedVia.LINK,
                )
            except DomainError as exc:
                error = str(exc.message)
            else:
                return redirect("workorders:progress", token=token)
        history = order.status_changes.order_by("at") if order is not None else []
        return render(
            request,
            "workorders/progress.html",
            {
                "order": order,
                "req": req,
                "report": report,
                "history": history,
                "error": error,
                "site_name": dj.SHOUHOU_SITE_NAME,
                "labels": states.STATUS_LABELS,
                "kinds": dict(Kind.choices),
            },
            status=400 if error else 200,
        )
