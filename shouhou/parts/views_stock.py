"""Pages of the store keeper's day besides receipts and requisitions: stock counts (盘点: start a
count for a location, enter what is on the shelf on a phone, see the differences, a manager
approves; a printable count sheet) and transfers between stores. The rules are the services'
(`stock_count_create`, `stock_count_decide`, `transfer_create`); these pages only ask and show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from shouhou.core.errors import Conflict, DomainError
from shouhou.core.forms import add_domain_error, submit_idempotent
from shouhou.core.pages import get_or_404
from shouhou.core.pagination import KeysetPagination
from shouhou.org import roles as r

from . import selectors, services
from .forms import COUNT_FIELD, CountForm, NoteForm, TransferForm, new_key, parse_lines
from .models import StockCount
from .views import _office

# The most parts one count sheet lists; a bigger store is counted shelf by shelf (?q=).
SHEET_ROWS = 300

DECIDE_ROLES = {*services.MANAGER_ROLES, r.FINANCE}


def keyset_page(request, qs) -> dict:
    """One cursor page of `qs` for a list page: rows, the next page's link, the first's."""
    paginator = KeysetPagination()
    rows = paginator.paginate_queryset(qs, Request(request))
    return {
        "rows": rows,
        "next_url": paginator.get_next_link(),
        "first_url": paginator.get_first_link() if request.GET.get("cursor") else None,
    }


# Stock counts -------------------------------------------------------------------------------


@login_required
def counts(request):
    _office(request)
    status = request.GET.get("status", "")
    qs = selectors.count_list(user=request.user)
    if status in StockCount.Status.values:
        qs = qs.filter(status=status)
    return render(request, "parts/counts.html", {
        **keyset_page(request, qs), "status": status, "statuses": StockCount.Status.choices,
        "can_count": r.has_role(request.user, *services.STORE_ROLES),
        "locations": selectors.location_list(user=request.user),
    })  # fmt: skip


def _sheet_location(request):
    """The location of `?location=` (404 for one the user may not see), or None."""
    pk = request.GET.get("location") or request.POST.get("location")
    if not pk:
        return None
    loc = selectors.location_list(user=request.user).filter(pk=pk).first() if pk.isdigit() else None
    if loc is None:
        raise Http404
    return loc


def _sheet_rows(request, loc):
    q = (request.GET.get("q") or "").strip()
    rows = list(selectors.count_sheet(user=request.user, location=loc, q=q)[: SHEET_ROWS + 1])
    return rows[:SHEET_ROWS], len(rows) > SHEET_ROWS, q


def _count_lines(form, rows, extra: list[dict]):
    """The service's lines from the boxes (a blank box is not counted) and the extra lines;
    with, for each line, the form field its errors belong to."""
    lines, targets = [], []
    for s in rows:
        value = form.cleaned_data.get(COUNT_FIELD % s.part_id)
        if value is not None:
            lines.append({"part": s.part_id, "counted": value})
            targets.append(COUNT_FIELD % s.part_id)
    for line in extra:
        lines.append(line)
        targets.append("extra")
    return lines, targets


def _place_count_errors(exc: DomainError, targets: list[str]) -> None:
    fields: dict = {}
    for key, msgs in exc.fields.items():
        bits = key.split(".")
        if bits[0] == "lines" and len(bits) > 1 and bits[1].isdigit():
            fields.setdefault(targets[int(bits[1])], []).extend(msgs)
        elif key == "lines":
            fields.setdefault("__all__", []).append(_("Enter at least one counted quantity."))
        else:
            fields.setdefault(key, []).extend(msgs)
    exc.fields = {("extra" if k == "__all__" else k): v for k, v in fields.items()}


@login_required
def count_new(request):
    """Start a count: pick the location, then type what is on the shelf (blind: the books'
    quantities are shown only once the count is in)."""
    _office(request)
    if not r.has_role(request.user, *services.STORE_ROLES):
        raise PermissionDenied
    loc = _sheet_location(request)
    if loc is None:
        return render(request, "parts/count_start.html",
                      {"locations": selectors.location_list(user=request.user)})  # fmt: skip
    rows, more, q = _sheet_rows(request, loc)
    form = CountForm(request.POST or None, rows=rows,
                     initial={**new_key(), "location": loc.pk})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        extra, extra_errors = [], []
        for i, line in enumerate(parse_lines(form.cleaned_data["extra"])):
            part = selectors.part_by_code(user=request.user, code=line["part"])
            if part is None:
                extra_errors.append(_("Line %(n)s: %(m)s") % {"n": i + 1, "m": _("Unknown part.")})
            else:
                extra.append({"part": part.pk, "counted": line["quantity"]})
        lines, targets = _count_lines(form, rows, extra)
        if extra_errors:
            for e in extra_errors:
                form.add_error("extra", e)
        else:

            def act():
                try:
                    return 201, services.stock_count_create(
                        by=request.user, location=loc, lines=lines,
                        note=form.cleaned_data["note"],
                    )  # fmt: skip
                except DomainError as exc:
                    _place_count_errors(exc, targets)
                    raise

            body = submit_idempotent(request, form, scope=f"page:parts:count:{loc.pk}",
                                     action=act, render=lambda obj, s: {"id": obj.pk})  # fmt: skip
            if body is not None:
                messages.success(request, _("Count recorded; it awaits a manager's approval."))
                return redirect("parts:count_detail", pk=body["id"])
    return render(request, "parts/count_new.html",
                  {"form": form, "location": loc, "more": more, "q": q, "limit": SHEET_ROWS},
                  status=400 if form.errors else 200)  # fmt: skip


@login_required
def count_sheet(request):
    """The printable count sheet of a location: part, unit, an empty box (blind count)."""
    _office(request)
    loc = _sheet_location(request)
    if loc is None:
        raise Http404
    rows, more, q = _sheet_rows(request, loc)
    return render(request, "parts/count_sheet.html",
                  {"location": loc, "rows": rows, "more": more, "q": q, "limit": SHEET_ROWS})  # fmt: skip


def _count_page(request, count, *, status=200, form=None, template="parts/count_detail.html"):
    lines = list(count.lines.all())
    differ = [ln for ln in lines if ln.difference]
    return render(request, template, {
        "count": count, "lines": lines, "differ": differ,
        "gain": sum(ln.difference for ln in differ if ln.difference > 0),
        "loss": -sum(ln.difference for ln in differ if ln.difference < 0),
        "can_decide": count.status == StockCount.Status.SUBMITTED
        and count.counted_by_id != request.user.pk
        and r.has_role(request.user, *DECIDE_ROLES),
        "form": form or NoteForm(),
    }, status=status)  # fmt: skip


@login_required
def count_detail(request, pk):
    _office(request)
    return _count_page(request, get_or_404(selectors.count_get, user=request.user, pk=pk))


@login_required
def count_print(request, pk):
    _office(request)
    count = get_or_404(selectors.count_get, user=request.user, pk=pk)
    return _count_page(request, count, template="parts/count_print.html")


@login_required
@require_POST
def count_action(request, pk, name):
    """Approve (the differences are posted as adjustment moves) or reject a count."""
    _office(request)
    count = get_or_404(selectors.count_get, user=request.user, pk=pk)
    if name not in ("approve", "reject"):
        raise Http404
    if not r.has_role(request.user, *DECIDE_ROLES):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.stock_count_decide(by=request.user, count=count, approve=name == "approve")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Count approved; the books now match the shelf.")
                if name == "approve" else _("Count rejected.")
            )  # fmt: skip
            return redirect("parts:count_detail", pk=count.pk)
    count = get_or_404(selectors.count_get, user=request.user, pk=pk)
    return _count_page(request, count, status=400, form=form)


# Transfers ----------------------------------------------------------------------------------


@login_required
def transfers(request):
    _office(request)
    loc = _sheet_location(request)
    return render(request, "parts/transfers.html", {
        **keyset_page(request, selectors.transfer_list(user=request.user, location=loc)),
        "location": loc, "locations": selectors.location_list(user=request.user, stores_only=True),
        "can_transfer": r.has_role(request.user, *services.STORE_ROLES),
    })  # fmt: skip


@login_required
def transfer_new(request):
    """Send parts from one store to another (e.g. to a service station's own ledger)."""
    _office(request)
    if not r.has_role(request.user, *services.STORE_ROLES):
        raise PermissionDenied
    locations = selectors.location_list(user=request.user, stores_only=True)
    initial = {**new_key()}
    if request.GET.get("src", "").isdigit():
        initial["src"] = int(request.GET["src"])
    if request.GET.get("part"):
        initial["part"] = request.GET["part"][:40]
    form = TransferForm(request.POST or None, locations=locations, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        part = selectors.part_by_code(user=request.user, code=d["part"])
        if part is None:
            form.add_error("part", _("Unknown part."))
        else:

            def act():
                try:
                    return 201, services.transfer_create(
                        by=request.user, part=part, src=d["src"], dst=d["dst"],
                        quantity=d["quantity"], note=d["note"],
                    )  # fmt: skip
                except Conflict as exc:
                    if exc.code == "out_of_stock":  # more than on hand: the quantity is wrong
                        exc.fields = {"quantity": [str(exc.message)]}
                    raise

            body = submit_idempotent(request, form, scope="page:parts:transfer", action=act,
                                     render=lambda obj, s: {"id": obj.pk})  # fmt: skip
            if body is not None:
                messages.success(request, _("Transferred."))
                return redirect("parts:transfers")
    return render(request, "parts/transfer_new.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip
