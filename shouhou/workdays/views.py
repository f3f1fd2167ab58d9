"""The calendar page: a year of the organisation's working-day calendar, edited by administrators."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.forms import add_domain_error
from shouhou.core.typing import AuthedRequest

from . import selectors, services
from .fileformat import read_file, split_rows
from .forms import DayForm, EnterYearForm, NoticeForm, RemoveDayForm, UploadForm
from .package import package_years

MIN_YEAR, MAX_YEAR = services.MIN_YEAR, services.MAX_YEAR


# What a POST handler did: the success message, the forms to show again (bound, with their
# errors) or None, and the year to show.
_Outcome = tuple[Any, dict[str, Any] | None, int | None]


def _year(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


@login_required
def calendar_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not getattr(user, "organisation_id", None):
        raise Http404
    if not selectors.can_view(user):
        raise PermissionDenied
    today = timezone.localdate()
    year = _year(request.GET.get("year") or request.POST.get("year_shown"), today.year)
    forms = {
        "day_form": DayForm(prefix="day"),
        "enter_form": EnterYearForm(prefix="enter", initial={"year": year}),
        "upload_form": UploadForm(prefix="upload", initial={"year": year}),
        "notice_form": NoticeForm(prefix="notice", initial={"year": year}),
    }
    status = 200
    preview = None
    if request.method == "POST":
        if not selectors.can_edit(user):
            raise PermissionDenied
        action = request.POST.get("action")
        if action == "notice_preview":
            preview, forms["notice_form"] = _notice_preview(request)
            if preview is not None:
                year = preview.year
            else:
                status = 400
        else:
            handler = ACTIONS.get(action or "")
            if handler is None:
                return redirect(f"{reverse('workdays:calendar')}?year={year}")
            done, bound, shown = handler(request, year)
            if done:
                messages.success(request, done)
            if not bound:  # done, or an error already put in the messages
                return redirect(f"{reverse('workdays:calendar')}?year={shown or year}")
            forms.update(bound)
            status = 400
    context = selectors.calendar_year(user=user, year=year, today=today)
    context.update(forms)
    context.update(
        {
            "can_edit": selectors.can_edit(user),
            "package_knows_year": year in package_years(),
            "prev_year": year - 1 if year > MIN_YEAR else None,
            "next_year": year + 1 if year < MAX_YEAR else None,
            "this_year": today.year,
            "notice_preview": preview,
            "notice_periods": (
                selectors.holiday_periods(preview.holidays) if preview is not None else []
            ),
        }
    )
    return render(request, "workdays/calendar.html", context, status=status)


def _set_day(request: AuthedRequest, year: int) -> _Outcome:
    form = DayForm(request.POST, prefix="day")
    if form.is_valid():
        data = form.cleaned_data
        try:
            day = services.calendar_day_set(
                by=request.user,
                organisation=request.user.organisation,
                date=data["date"],
                is_working=data["kind"] == DayForm.WORKDAY,
                name=data["name"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            msg = _("%(date)s saved: %(name)s.") % {
                "date": day.date.isoformat(),
                "name": day.name,
            }
            return msg, {}, day.date.year
    return None, {"day_form": form}, None


def _remove_day(request: AuthedRequest, year: int) -> _Outcome:
    form = RemoveDayForm(request.POST, prefix="remove")
    if form.is_valid():
        try:
            services.calendar_day_remove(
                by=request.user,
                organisation=request.user.organisation,
                date=form.cleaned_data["date"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return None, {}, None
        d = form.cleaned_data["date"]
        return _("%(date)s now follows Monday to Friday.") % {"date": d.isoformat()}, {}, d.year
    messages.error(request, _("Choose a day to remove."))
    return None, {}, None


def _enter_year(request: AuthedRequest, year: int) -> _Outcome:
    form = EnterYearForm(request.POST, prefix="enter")
    if form.is_valid():
        data = form.cleaned_data
        try:
            cal = services.calendar_enter_year(
                organisation=request.user.organisation,
                year=data["year"],
                holidays=data["holidays"],
                workdays=data["workdays"],
                by=request.user,
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _("The schedule of %(year)s is saved.") % {"year": cal.year}, {}, cal.year
    return None, {"enter_form": form}, None


def _upload(request: AuthedRequest, year: int) -> _Outcome:
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    if form.is_valid():
        data = form.cleaned_data
        try:
            rows = read_file(data["file"].read(), data["file"].name)
            stray = sorted({d.isoformat() for d, _w, _n in rows if d.year != data["year"]})
            if stray:
                raise ValidationFailed(
                    fields={
                        "file": [
                            _("These dates are not in %(year)s: %(dates)s")
                            % {"year": data["year"], "dates": ", ".join(stray[:10])}
                        ]
                    }
                )
            holidays, workdays = split_rows(rows)
            cal = services.calendar_enter_year(
                organisation=request.user.organisation,
                year=data["year"],
                holidays=holidays,
                workdays=workdays,
                by=request.user,
                note=data["note"],
            )
        except DomainError as exc:
            # the services name the lists "holidays"/"workdays": here they came from the file
            exc.fields = {
                ("file" if k in ("holidays", "workdays") else k): v for k, v in exc.fields.items()
            }
            add_domain_error(form, exc)
        else:
            msg = _(
                "The schedule of %(year)s is imported: %(h)s holidays, %(w)s make-up working days."
            ) % {"year": cal.year, "h": len(holidays), "w": len(workdays)}
            return msg, {}, cal.year
    return None, {"upload_form": form}, None


def _import_package(request: AuthedRequest, year: int) -> _Outcome:
    try:
        counts = services.calendar_import_package_years(
            organisation=request.user.organisation, years=[year], by=request.user
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None, {}, None
    if counts["created"] or counts["updated"]:
        return _("The official schedule of %(year)s is copied.") % {"year": year}, {}, year
    if counts["skipped_manual"]:
        messages.info(request, _("%(year)s was entered by hand and is kept.") % {"year": year})
    elif counts["unknown"]:
        messages.error(request, _("The package does not know %(year)s yet.") % {"year": year})
    else:
        messages.info(request, _("%(year)s is already up to date.") % {"year": year})
    return None, {}, None


def _notice_form_error(form, exc):
    exc.fields = {"text": exc.fields.get("text", [])} if exc.fields else {}
    add_domain_error(form, exc)


def _notice_preview(request):
    """Read the pasted notice and show its days (nothing saved)."""
    form = NoticeForm(request.POST, prefix="notice")
    if not form.is_valid():
        return None, form
    try:
        parsed, _cal = services.calendar_import_notice(
            organisation=request.user.organisation,
            text=form.cleaned_data["text"],
            year=form.cleaned_data["year"],
            by=request.user,
            dry_run=True,
        )
    except DomainError as exc:
        _notice_form_error(form, exc)
        return None, form
    return parsed, form


def _notice_confirm(request, year):
    """Save what the preview showed: the same text is read again and entered."""
    form = NoticeForm(request.POST, prefix="notice")
    if form.is_valid():
        try:
            parsed, cal = services.calendar_import_notice(
                organisation=request.user.organisation,
                text=form.cleaned_data["text"],
                year=form.cleaned_data["year"],
                by=request.user,
            )
        except DomainError as exc:
            _notice_form_error(form, exc)
        else:
            msg = _(
                "The schedule of %(year)s is imported: %(h)s holidays, %(w)s make-up working days."
            ) % {"year": cal.year, "h": len(parsed.holidays), "w": len(parsed.workdays)}
            return msg, {}, cal.year
    return None, {"notice_form": form}, None


ACTIONS = {
    "notice_confirm": _notice_confirm,
    "set_day": _set_day,
    "remove_day": _remove_day,
    "enter_year": _enter_year,
    "upload": _upload,
    "import_package": _import_package,
}
