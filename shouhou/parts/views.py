"""Pages: stock by location (low-stock warnings), receipts (printable, 一式二份), requisitions and
their approval queue (printable), the technician's "parts with me", the old-part register and
appraisal queue, overdue old parts, the monthly disposal batch, and Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from shouhou.core import exports
from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.core.pages import get_or_404, reader
from shouhou.org import roles as r

from . import bands, selectors, services
from .forms import (
    AppraiseForm,
    BatchForm,
    BatchSubmitForm,
    NoteForm,
    OldPartForm,
    ReceiptForm,
    RequisitionForm,
    ReturnForm,
    parse_lines,
)
from .models import OldPart, Requisition

check = reader(selectors.can_read)


def _office(request) -> None:
    check(request)
    if not r.has_role(request.user, *r.OFFICE_ROLES, r.WAREHOUSE_KEEPER):
        raise PermissionDenied


def _remap(raw: dict) -> dict:
    """Field keys such as `lines.2.quantity` belong to the lines box (line 3)."""
    fields: dict = {}
    for k, msgs in raw.items():
        if k.startswith("lines."):
            _l, i, _f = (k.split(".") + ["", ""])[:3]
            fields.setdefault("lines", []).extend(
                [_("Line %(n)s: %(m)s") % {"n": int(i) + 1, "m": m} for m in msgs]
            )
        else:
            fields.setdefault(k, []).extend(msgs)
    return fields


def _lines_error(form, exc: DomainError) -> None:
    exc.fields = _remap(exc.fields)
    add_domain_error(form, exc)


# Stock --------------------------------------------------------------------------------------


def _location(request, locations):
    pk = request.GET.get("location")
    if pk:
        loc = locations.filter(pk=pk).first() if pk.isdigit() else None
        if loc is None:
            raise Http404
        return loc
    return locations.first()


@login_required
def stock(request):
    _office(request)
    locations = selectors.location_list(user=request.user)
    loc = _location(request, locations)
    low_only = request.GET.get("low") == "1"
    rows = (
        list(selectors.stock_at(user=request.user, location=loc, low_only=low_only)[:500])
        if loc
        else []
    )
    return render(request, "parts/stock.html", {
        "locations": locations, "location": loc, "rows": rows, "low_only": low_only,
        "low_count": sum(1 for s in rows if s.low),
        "can_receive": r.has_role(request.user, *services.STORE_ROLES),
    })  # fmt: skip


STOCK_COLUMNS = [_l("Part code"), _l("Part"), _l("Specification"), _l("Unit"), _l("On hand"),
                 _l("Moving average cost"), _l("Value"), _l("Reorder level"), _l("Low stock")]  # fmt: skip


@login_required
def stock_xlsx(request):
    _office(request)
    loc = _location(request, selectors.location_list(user=request.user))
    if loc is None:
        raise Http404
    wb = exports.new_workbook(str(loc))
    ws = wb.active
    exports.write_row(ws, [str(c) for c in STOCK_COLUMNS], bold=True)
    for s in selectors.stock_at(user=request.user, location=loc).iterator():
        level = s.reorder_level if s.reorder_level is not None else s.part.reorder_level
        exports.write_row(ws, [
            s.part.code, s.part.name, s.part.specification, s.part.unit, s.quantity,
            s.average_cost, exports.money((s.average_cost * s.quantity).quantize(services.CENT)),
            level, _("yes") if s.low else "",
        ])  # fmt: skip
    name = f"stock-{loc.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return exports.xlsx_response(exports.workbook_bytes(wb), name)


MOVE_COLUMNS = [_l("Time"), _l("Kind"), _l("Part code"), _l("Part"), _l("From"), _l("To"),
                _l("Quantity"), _l("Unit cost"), _l("Value"), _l("By"), _l("Document"),
                _l("Note")]  # fmt: skip


@login_required
def moves_xlsx(request):
    _office(request)
    loc = None
    if request.GET.get("location"):
        loc = _location(request, selectors.location_list(user=request.user))
    wb = exports.new_workbook(_("Stock moves"))
    ws = wb.active
    exports.write_row(ws, [str(c) for c in MOVE_COLUMNS], bold=True)
    for m in selectors.move_list(user=request.user, location=loc)[:50000].iterator():
        exports.write_row(ws, [
            timezone.localtime(m.at).strftime("%Y-%m-%d %H:%M"), str(m.get_kind_display()),
            m.part.code, m.part.name, str(m.from_location or ""), str(m.to_location or ""),
            m.quantity, m.unit_cost, exports.money(m.value), str(m.by),
            f"{m.document} #{m.document_id}", m.note,
        ])  # fmt: skip
    return exports.xlsx_response(exports.workbook_bytes(wb), "moves.xlsx")


# Receipts -----------------------------------------------------------------------------------


@login_required
def receipts(request):
    _office(request)
    return render(request, "parts/receipts.html",
                  {"rows": selectors.receipt_list(user=request.user)[:200],
                   "can_receive": r.has_role(request.user, *services.STORE_ROLES)})  # fmt: skip


@login_required
def receipt_new(request):
    _office(request)
    if not r.has_role(request.user, *services.STORE_ROLES):
        raise PermissionDenied
    locations = selectors.location_list(user=request.user, stores_only=True)
    form = ReceiptForm(request.POST or None, locations=locations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            receipt = services.receipt_create(
                by=request.user, location=d["location"], supplier=d["supplier"],
                lines=parse_lines(d["lines"], price=True), delivery_note=d["delivery_note"],
                expense_ref=d["expense_ref"],
            )  # fmt: skip
        except DomainError as exc:
            _lines_error(form, exc)
        else:
            messages.success(request, _("Received and booked into stock."))
            return redirect("parts:receipt_print", pk=receipt.pk)
    return render(request, "parts/receipt_new.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def receipt_print(request, pk):
    _office(request)
    receipt = get_or_404(selectors.receipt_get, user=request.user, pk=pk)
    copies = [_("Store copy"), _("Deliverer's copy")]
    return render(request, "parts/receipt_print.html", {"receipt": receipt, "copies": copies})


# Requisitions -------------------------------------------------------------------------------


@login_required
def requisitions(request):
    check(request)
    status = request.GET.get("status", "")
    rows = selectors.requisition_list(user=request.user, status=status)[:200]
    return render(request, "parts/requisitions.html", {
        "rows": rows, "status": status, "statuses": Requisition.Status.choices,
        "title": _("Parts requisitions"),
    })  # fmt: skip


@login_required
def approvals(request):
    check(request)
    return render(request, "parts/requisitions.html", {
        "rows": selectors.approval_queue(user=request.user)[:200],
        "title": _("Requisitions awaiting my approval"), "queue": True,
    })  # fmt: skip


@login_required
def requisition_new(request, pk):
    """A requisition on work order `pk`."""
    check(request)
    order = get_or_404(selectors.work_order_get, user=request.user, pk=pk)
    locations = selectors.location_list(user=request.user, stores_only=True)
    form = RequisitionForm(request.POST or None, locations=locations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def act():
            try:
                return 201, services.requisition_create(
                    by=request.user, work_order=order, location=d["location"],
                    lines=parse_lines(d["lines"]), proposal=d["proposal"],
                )  # fmt: skip
            except DomainError as exc:
                exc.fields = _remap(exc.fields)
                raise

        body = submit_idempotent(request, form, scope=f"page:parts:req:{order.pk}",
                                 action=act, render=lambda obj, s: {"id": obj.pk})  # fmt: skip
        if body is not None:
            return redirect("parts:requisition_detail", pk=body["id"])
    return render(request, "parts/requisition_new.html", {"form": form, "order": order},
                  status=400 if form.errors else 200)  # fmt: skip


def _req_detail(request, req, *, status=200, **forms):
    ctx = {
        "req": req,
        "lines": list(req.lines.select_related("part")),
        "can_approve": req.status == "submitted"
        and req.technician_id != request.user.pk
        and bands.may_approve(
            set(r.user_roles(request.user)), req.approver_role, superuser=request.user.is_superuser
        ),
        "can_store": r.has_role(request.user, *services.STORE_ROLES),
        "approver": r.ROLES.get(req.approver_role, req.approver_role),
        "note_form": forms.get("note_form") or NoteForm(),
        "return_form": forms.get("return_form"),
        "error_action": forms.get("error_action", ""),
    }
    return render(request, "parts/requisition_detail.html", ctx, status=status)


@login_required
def requisition_detail(request, pk):
    check(request)
    return _req_detail(request, get_or_404(selectors.requisition_get, user=request.user, pk=pk))


@login_required
def requisition_print(request, pk):
    check(request)
    req = get_or_404(selectors.requisition_get, user=request.user, pk=pk)
    return render(request, "parts/requisition_print.html",
                  {"req": req, "lines": list(req.lines.select_related("part"))})  # fmt: skip


@login_required
@require_POST
def requisition_action(request, pk, name):
    check(request)
    req = get_or_404(selectors.requisition_get, user=request.user, pk=pk)
    u = request.user
    if name == "return":
        form = ReturnForm(request.POST)
        if form.is_valid():
            line = req.lines.filter(pk=form.cleaned_data["line"]).first()
            if line is None:
                raise Http404
            try:
                services.requisition_line_return(by=u, line=line,
                                                 quantity=form.cleaned_data["quantity"],
                                                 note=form.cleaned_data["note"])  # fmt: skip
                return redirect("parts:requisition_detail", pk=req.pk)
            except DomainError as exc:
                add_domain_error(form, exc)
        return _req_detail(request, req, status=400, return_form=form, error_action=name)
    calls = {
        "approve": lambda note: services.requisition_approve(by=u, requisition=req, note=note),
        "reject": lambda note: services.requisition_reject(by=u, requisition=req, note=note),
        "issue": lambda note: services.requisition_issue(by=u, requisition=req),
        "cancel": lambda note: services.requisition_cancel(by=u, requisition=req, note=note),
    }
    if name not in calls:
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            calls[name](form.cleaned_data["note"])
            return redirect("parts:requisition_detail", pk=req.pk)
        except NotFoundError as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_error(form, exc)
    return _req_detail(request, req, status=400 if form.errors else 200, note_form=form,
                       error_action=name)  # fmt: skip


@login_required
def with_me(request):
    check(request)
    stock, lines = selectors.with_technician(user=request.user)
    return render(request, "parts/with_me.html", {
        "stock": stock, "lines": lines,
        "overdue": selectors.overdue_old_parts(user=request.user).filter(
            requisition__technician=request.user),
    })  # fmt: skip


# Old parts ----------------------------------------------------------------------------------


@login_required
def old_parts(request):
    _office(request)
    status = request.GET.get("status", "")
    return render(request, "parts/old_parts.html", {
        "rows": selectors.old_part_list(user=request.user, status=status)[:200],
        "status": status, "statuses": OldPart.Status.choices,
        "awaiting": selectors.awaiting_old_part(user=request.user)[:100],
        "can_store": r.has_role(request.user, *services.STORE_ROLES),
        "can_appraise": r.has_role(request.user, *services.APPRAISE_ROLES),
        "appraise_form": AppraiseForm(),
    })  # fmt: skip


@login_required
def old_part_new(request, pk):
    """Register the old part of requisition line `pk`."""
    _office(request)
    line = get_or_404(selectors.line_get, user=request.user, pk=pk)
    report_parts = list(selectors.report_parts_awaiting(user=request.user, line=line))
    form = OldPartForm(request.POST or None, request.FILES or None, initial={"line": line.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        rp = request.POST.get("report_part") or None
        try:
            services.old_part_register(by=request.user, line=line, quantity=d["quantity"],
                                       serial=d["serial"], report_part=rp, photo=d["photo"],
                                       note=d["note"])  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Old part registered."))
            return redirect("parts:old_parts")
    return render(request, "parts/old_part_new.html",
                  {"form": form, "line": line, "report_parts": report_parts},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
@require_POST
def old_part_appraise(request, pk):
    _office(request)
    old = get_or_404(selectors.old_part_get, user=request.user, pk=pk)
    form = AppraiseForm(request.POST)
    if form.is_valid():
        try:
            services.old_part_appraise(by=request.user, old_part=old, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("parts:old_parts")
    return render(request, "parts/old_part_appraise.html", {"form": form, "old": old}, status=400)


@login_required
def overdue(request):
    _office(request)
    return render(request, "parts/overdue.html",
                  {"rows": selectors.overdue_old_parts(user=request.user)[:500]})  # fmt: skip


OLD_COLUMNS = [_l("Returned at"), _l("Work order"), _l("Part code"), _l("Part"), _l("Quantity"),
               _l("Serial number"), _l("Returned by"), _l("Status"), _l("Appraisal"),
               _l("Disposal batch")]  # fmt: skip


@login_required
def old_parts_xlsx(request):
    _office(request)
    wb = exports.new_workbook(_("Old parts"))
    ws = wb.active
    exports.write_row(ws, [str(c) for c in OLD_COLUMNS], bold=True)
    for o in selectors.old_part_list(user=request.user).select_related("batch")[:50000]:
        exports.write_row(ws, [
            timezone.localtime(o.returned_at).strftime("%Y-%m-%d %H:%M"), str(o.work_order),
            o.part.code, o.part.name, o.quantity, o.serial, str(o.returned_by),
            str(o.get_status_display()), str(o.get_verdict_display() or ""),
            str(o.batch or ""),
        ])  # fmt: skip
    return exports.xlsx_response(exports.workbook_bytes(wb), "old-parts.xlsx")


# Disposal batches ---------------------------------------------------------------------------


@login_required
def batches(request):
    _office(request)
    form = BatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            b = services.disposal_batch_collect(by=request.user, month=form.cleaned_data["month"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("parts:batch_detail", pk=b.pk)
    return render(request, "parts/batches.html",
                  {"rows": selectors.batch_list(user=request.user)[:60], "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def _batch_page(request, batch, *, status=200, form=None):
    return render(request, "parts/batch_detail.html", {
        "batch": batch, "items": batch.items.select_related("part", "work_order"),
        "form": form or BatchSubmitForm(),
        "can_store": r.has_role(request.user, *services.STORE_ROLES),
        "can_approve": r.has_role(request.user, *services.MANAGER_ROLES),
    }, status=status)  # fmt: skip


@login_required
def batch_detail(request, pk):
    _office(request)
    return _batch_page(request, get_or_404(selectors.batch_get, user=request.user, pk=pk))


@login_required
@require_POST
def batch_action(request, pk, name):
    _office(request)
    batch = get_or_404(selectors.batch_get, user=request.user, pk=pk)
    form = BatchSubmitForm(request.POST) if name == "submit" else NoteForm(request.POST)
    if name not in ("submit", "approve"):
        raise Http404
    if form.is_valid():
        try:
            if name == "submit":
                services.disposal_batch_submit(by=request.user, batch=batch,
                                               method=form.cleaned_data["method"])  # fmt: skip
            else:
                services.disposal_batch_approve(by=request.user, batch=batch)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("parts:batch_detail", pk=batch.pk)
    return _batch_page(request, batch, status=400,
                       form=form if name == "submit" else None)  # fmt: skip
