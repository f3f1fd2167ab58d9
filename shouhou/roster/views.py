"""Pages: the dispatch board (drag an order onto a technician's hour), the roster week with
copy-last-week and patterns, leave, an order's appointment window, service areas, store
visits, and the technician's calendar feed."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_scopes import scope

from shouhou.core.errors import DomainError
from shouhou.core.forms import add_domain_error
from shouhou.core.pages import get_or_404, reader
from shouhou.org.models import Store
from shouhou.staff.models import ServiceStaff

from . import calendar_feed, forms, selectors, services
from .models import ServiceArea, Shift

_read = reader(selectors.can_read)


def _day(request, name="day") -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name) or request.POST.get(name) or "")
    except ValueError:
        return timezone.localdate()


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


# The board ------------------------------------------------------------------------------------
def _board_filters(request):
    params = request.GET if request.method == "GET" else request.POST
    store = selectors.org_object(Store, _int(params.get("store")), user=request.user)
    area = (
        selectors.org_object(ServiceArea, _int(params.get("area")), user=request.user)
        if params.get("area")
        else None
    )
    view = "week" if params.get("view") == "week" else "day"
    return store, area, view


def _row_html(b, row, *, view, order_url, labels) -> str:
    """The cells of one technician's row, built in Python: the week board draws thousands of
    blocks, and a template loop per block is what made it slow."""
    t = row.technician
    out = []
    for d in b.days:
        shift = row.shifts.get(d)
        leave = d in row.on_leave
        off = leave or (shift is not None and shift.kind in (Shift.Kind.OFF, Shift.Kind.LEAVE))
        note = ""
        if off:
            note = '<small class="muted">{}</small>'.format(
                escape(labels["leave"] if leave else shift.get_kind_display())
            )
        blocks = row.blocks.get(d, [])
        if view == "day":
            name = escape(t.name)
            slots = "".join(
                f'<div class="slot" data-slot data-technician="{t.pk}" '
                f'data-start="{selectors.local(d, dt.time(h)).isoformat()}" title="{name} {h}:00">'
                "</div>"
                for h in b.hours
            )
            chips = "".join(
                '<a class="block {}{}" style="left:{}%;width:{}%" href="{}" title="{}–{}">{}</a>'.format(
                    blk.status,
                    " late" if blk.late else "",
                    blk.left,
                    blk.width,
                    order_url % blk.order_id,
                    blk.starts_at.strftime("%H:%M"),
                    blk.ends_at.strftime("%H:%M"),
                    escape(blk.number),
                )
                for blk in blocks
            )
            out.append(
                '<td class="lane{}">{}<div class="lane-inner">{}{}</div></td>'.format(
                    " off" if off else "", note, slots, chips
                )
            )
        else:
            chips = "".join(
                '<a class="chip{}" href="{}">{} {}</a>'.format(
                    " late" if blk.late else "",
                    order_url % blk.order_id,
                    blk.starts_at.strftime("%H:%M"),
                    escape(blk.number),
                )
                for blk in blocks
            )
            start = selectors.local(d, dt.time(b.hours[0])).isoformat()
            slot = (
                f'<div class="slot" data-slot data-technician="{t.pk}" data-start="{start}"></div>'
            )
            out.append(
                f'<td class="week-cell{" off" if off else ""}">{note}{chips}{slot}'
                f'<small class="muted">{row.day_load.get(d, 0)}</small></td>'
            )
    over = "over" if row.over_day or row.over_week else "muted"
    booked = escape(labels["booked"] % {"n": row.week_load})
    head = f'<th class="who" scope="row">{escape(t.name)}<br><small class="{over}">{booked}</small></th>'
    # every value above is escaped or numeric
    return mark_safe(f"<tr>{head}{''.join(out)}</tr>")  # noqa: S308


def _board_context(request, *, day, store, area, view, **extra):
    b = selectors.board(user=request.user, day=day, view=view, store=store, area=area)
    order_url = reverse("roster:order", args=[0]).replace("/0/", "/%d/")
    labels = {"leave": _("On leave"), "booked": _("%(n)s booked")}
    slots = [
        {"row": row, "html": _row_html(b, row, view=view, order_url=order_url, labels=labels)}
        for row in b.rows
    ]
    step = dt.timedelta(days=1 if view == "day" else 7)
    return {
        "board": b,
        "slots": slots,
        "day": day,
        "prev": day - step,
        "next": day + step,
        "view": view,
        "store": store,
        "area": area,
        "stores": selectors.active_stores(),
        "areas": selectors.active_areas(),
        "technicians": [s["row"].technician for s in slots],
        **extra,
    }


@login_required
def board(request):
    if not selectors.can_dispatch(request.user):
        raise PermissionDenied
    store, area, view = _board_filters(request)
    ctx = _board_context(request, day=_day(request), store=store, area=area, view=view)
    return render(request, "roster/board.html", ctx)


@login_required
@require_POST
def board_dispatch(request):
    """The drop (htmx) or the plain form: the board comes back with the error or warnings."""
    if not selectors.can_dispatch(request.user):
        raise PermissionDenied
    store, area, view = _board_filters(request)
    day = _day(request)
    error, warnings, status = None, [], 200
    try:
        order = selectors.order_get(user=request.user, pk=_int(request.POST.get("order")))
        tech = selectors.org_object(
            ServiceStaff, _int(request.POST.get("technician")), user=request.user
        )
        if tech is None:
            raise DomainError(_("Choose a technician."), fields={"technician": [_("Required.")]})
        raw = request.POST.get("starts_at", "")
        starts = parse_datetime(raw) if raw else None
        if starts is not None and timezone.is_naive(starts):
            starts = timezone.make_aware(starts)
        booking = services.board_dispatch(
            by=request.user, order=order, technician=tech, starts_at=starts
        )
        warnings = [str(w) for w in booking.warnings]
        messages_ok = _("Order %(number)s dispatched to %(name)s at %(time)s.") % {
            "number": booking.order.number,
            "name": tech.name,
            "time": timezone.localtime(booking.appointment.starts_at).strftime("%m-%d %H:%M"),
        }
    except DomainError as exc:
        error = "; ".join(m for ms in exc.fields.values() for m in ms) or str(exc.message)
        messages_ok, status = None, 400
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, messages_ok)
            for w in warnings:
                messages.warning(request, w)
        q = f"?day={day.isoformat()}&view={view}"
        q += f"&store={store.pk}" if store else ""
        q += f"&area={area.pk}" if area else ""
        return redirect(reverse("roster:board") + q)
    ctx = _board_context(
        request,
        day=day,
        store=store,
        area=area,
        view=view,
        error=error,
        ok=messages_ok,
        warnings=warnings,
    )
    # htmx swaps 2xx only: the refusal is drawn in the board, the status says it was refused.
    resp = render(request, "roster/_board.html", ctx)
    if status != 200:
        resp["X-Roster-Refused"] = "1"
    return resp


@login_required
@require_GET
def board_suggest(request):
    if not selectors.can_dispatch(request.user):
        raise PermissionDenied
    order = get_or_404(selectors.order_get, user=request.user, pk=_int(request.GET.get("order")))
    raw = request.GET.get("starts_at") or ""
    starts = parse_datetime(raw) if raw else None
    if starts is None:
        starts = selectors.local(
            _day(request), dt.time(selectors.settings_for(order.organisation_id).board_first_hour)
        )
    elif timezone.is_naive(starts):
        starts = timezone.make_aware(starts)
    out = selectors.suggest_technicians(order=order, starts_at=starts)
    return render(
        request, "roster/_suggest.html", {"order": order, "suggestions": out, "starts": starts}
    )


# The roster week ------------------------------------------------------------------------------
@login_required
def week(request):
    _read(request)
    monday = selectors.week_start(_day(request))
    days = selectors.week_days(monday)
    planner = selectors.can_plan(request.user)
    if selectors.is_office(request.user):
        staff = list(selectors.technicians())
    else:
        me = selectors.own_staff(request.user)
        staff = [me] if me else []
    shifts = {}
    for s in selectors.shifts_list(user=request.user, first=days[0], last=days[-1]):
        shifts[(s.staff_id, s.date)] = s
    if request.method == "POST":
        if not planner:
            raise PermissionDenied
        what = request.POST.get("action")
        try:
            if what == "copy":
                n = services.shift_copy_last_week(by=request.user, week=monday)
                messages.success(request, _("%(n)s days copied from last week.") % {"n": n})
            elif what == "pattern":
                f = forms.PatternForm(request.POST)
                if not f.is_valid():
                    raise DomainError(_("Check the pattern form."), fields=f.errors)
                person = get_or_404(
                    selectors.staff_get, user=request.user, pk=f.cleaned_data["staff"]
                )
                n = services.shift_pattern_apply(
                    by=request.user,
                    staff=person,
                    first_day=f.cleaned_data["first_day"],
                    days=f.cleaned_data["days"],
                    pattern=f.cleaned_data["pattern"],
                    holidays_off=f.cleaned_data["holidays_off"],
                )
                messages.success(request, _("%(n)s days written.") % {"n": n})
            else:
                person = get_or_404(
                    selectors.staff_get, user=request.user, pk=_int(request.POST.get("staff"))
                )
                entries = []
                for d in days:
                    kind = request.POST.get(f"kind_{d.isoformat()}", "")
                    entries.append({"kind": kind} if kind else None)
                services.shift_week_set(by=request.user, staff=person, week=monday, days=entries)
                messages.success(
                    request, _("The week of %(name)s is saved.") % {"name": person.name}
                )
        except DomainError as exc:
            text = "; ".join(m for ms in exc.fields.values() for m in ms) or str(exc.message)
            messages.error(request, text)
            return redirect(reverse("roster:week") + f"?day={monday.isoformat()}")
        return redirect(reverse("roster:week") + f"?day={monday.isoformat()}")
    rows = [{"staff": s, "days": [(d, shifts.get((s.pk, d))) for d in days]} for s in staff]
    me = selectors.own_staff(request.user)
    feed = (
        request.build_absolute_uri(reverse("roster:ical", args=[calendar_feed.token_for(me)]))
        if me
        else None
    )
    return render(
        request,
        "roster/week.html",
        {
            "monday": monday,
            "days": days,
            "rows": rows,
            "planner": planner,
            "choices": forms.SHIFT_CHOICES,
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "pattern_form": forms.PatternForm(initial={"first_day": monday}),
            "feed": feed,
        },
    )


# Leave ----------------------------------------------------------------------------------------
@login_required
def leave(request):
    _read(request)
    form = forms.LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        staff_id = form.cleaned_data.get("staff")
        person = (
            get_or_404(selectors.staff_get, user=request.user, pk=staff_id)
            if staff_id
            else selectors.own_staff(request.user)
        )
        try:
            if person is None:
                raise DomainError(fields={"first_day": [_("You have no service staff record.")]})
            services.leave_request(
                by=request.user,
                staff=person,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Leave requested."))
            return redirect("roster:leave")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "roster/leave.html",
        {
            "form": form,
            "requests": selectors.leave_list(user=request.user)[:200],
            "can_decide": selectors.can_plan(request.user),
            "staff": list(selectors.technicians()) if selectors.can_plan(request.user) else [],
        },
        status=status,
    )


@login_required
@require_POST
def leave_decide(request, pk, decision):
    _read(request)
    item = get_or_404(selectors.leave_get, user=request.user, pk=pk)
    form = forms.DecideForm(request.POST)
    form.is_valid()
    fn = services.leave_approve if decision == "approve" else services.leave_reject
    try:
        fn(by=request.user, leave=item, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        text = "; ".join(m for ms in exc.fields.values() for m in ms) or str(exc.message)
        messages.error(request, text)
    return redirect("roster:leave")


# An order's appointment -----------------------------------------------------------------------
@login_required
def order_appointment(request, pk):
    _read(request)
    order = get_or_404(selectors.order_get, user=request.user, pk=pk)
    resched = forms.RescheduleForm(
        request.POST if request.POST.get("action") == "reschedule" else None
    )
    confirm = forms.ConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    status = 200
    if request.method == "POST":
        form = resched if request.POST.get("action") == "reschedule" else confirm
        if form.is_valid():
            try:
                if form is resched:
                    services.appointment_reschedule(
                        by=request.user, order=order, **form.cleaned_data
                    )
                else:
                    services.appointment_confirm(by=request.user, order=order, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("roster:order", pk=order.pk)
        status = 400
    a = order.roster_appointment if hasattr(order, "roster_appointment") else None
    return render(
        request,
        "roster/order.html",
        {
            "order": order,
            "appointment": a,
            "history": a.history.all() if a else [],
            "calls": a.calls.all() if a else [],
            "resched": resched,
            "confirm": confirm,
        },
        status=status,
    )


# Areas ----------------------------------------------------------------------------------------
def _area_form(request, area=None):
    initial = None
    if area is not None:
        initial = {
            "store": area.store,
            "name": area.name,
            "districts": ", ".join(area.districts),
            "radius_km": area.radius_km,
            "technicians": list(area.technicians.all()),
        }
    return forms.AreaForm(
        request.POST or None,
        initial=initial,
        stores=selectors.active_stores(),
        staff=selectors.active_staff(),
    )


def _area_save(request, form, area=None):
    if not form.is_valid():
        return None
    d = form.cleaned_data
    try:
        return services.area_save(
            by=request.user,
            store=d["store"],
            name=d["name"],
            districts=list(d["districts"].replace("，", ",").split(",")),
            radius_km=d["radius_km"],
            technicians=list(d["technicians"]),
            area=area,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@login_required
def areas(request):
    _read(request)
    if not selectors.is_office(request.user):
        raise PermissionDenied
    form = _area_form(request)
    if request.method == "POST":
        if not selectors.can_plan(request.user):
            raise PermissionDenied
        if _area_save(request, form):
            return redirect("roster:areas")
    return render(
        request,
        "roster/areas.html",
        {
            "form": form,
            "areas": selectors.areas_list(user=request.user),
            "planner": selectors.can_plan(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def area_edit(request, pk):
    _read(request)
    area = get_or_404(selectors.area_get, user=request.user, pk=pk)
    form = _area_form(request, area)
    if request.method == "POST":
        if not selectors.can_plan(request.user):
            raise PermissionDenied
        if _area_save(request, form, area):
            return redirect("roster:areas")
    return render(
        request,
        "roster/area.html",
        {"form": form, "area": area},
        status=400 if request.method == "POST" else 200,
    )


# Store visits ---------------------------------------------------------------------------------
@login_required
def visits(request):
    _read(request)
    monday = selectors.week_start(_day(request))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "plan":
                n = services.store_visits_plan(by=request.user, week=monday)
                messages.success(request, _("%(n)s visits planned.") % {"n": n})
            else:
                v = get_or_404(
                    selectors.visit_get, user=request.user, pk=_int(request.POST.get("visit"))
                )
                services.store_visit_done(
                    by=request.user, visit=v, note=request.POST.get("note", "")
                )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect(reverse("roster:visits") + f"?day={monday.isoformat()}")
    return render(
        request,
        "roster/visits.html",
        {
            "monday": monday,
            "prev": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "visits": selectors.visits_list(user=request.user, week=monday),
            "missing": selectors.visits_missing(user=request.user, today=timezone.localdate())[
                :200
            ],
            "planner": selectors.can_plan(request.user),
        },
    )


# The calendar feed (no login: the signed address is the key) ---------------------------------
@require_GET
def ical(request, token):
    ids = calendar_feed.read_token(token)
    if ids is None:
        raise Http404
    org_id, staff_id = ids
    with scope(organisation=org_id):
        staff = selectors.feed_staff(org_id=org_id, staff_id=staff_id)
        if staff is None or staff.status == ServiceStaff.Status.LEFT:
            raise Http404
        appts = list(selectors.ical_appointments(staff=staff, now=timezone.now()))
        body = calendar_feed.render(staff=staff, appointments=appts, host=request.get_host())
    resp = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    resp["Content-Disposition"] = 'inline; filename="roster.ics"'
    resp["Cache-Control"] = "private, max-age=300"
    return resp
