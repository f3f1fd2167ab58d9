"""Pages: callback coverage (回访覆盖率) with overdue tasks and satisfaction, and its Excel.

The numbers come from `metrics.py`; these views check who may read, parse the filter (a
period of local dates, this month by default, and a store) and render. A malformed filter
shows the page again with the message next to the field (status 400), never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.org.models import Store

from . import metrics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CoverageFilterForm(forms.Form):
    """`from`, `to` (YYYY-MM-DD) and `store`; the field names are those of the API."""

    def __init__(self, data, *, organisation, today):
        super().__init__(data)
        self.default_from, self.default_to = metrics.default_period(today)
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=date,
            error_messages={"invalid": _("Enter a valid date (YYYY-MM-DD).")},
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            input_formats=["%Y-%m-%d"],
            widget=date,
            error_messages={"invalid": _("Enter a valid date (YYYY-MM-DD).")},
        )
        self.fields["store"] = forms.ModelChoiceField(
            label=_("Store"),
            required=False,
            queryset=Store.objects.filter(organisation=organisation).order_by("name"),
            empty_label=_("All stores"),
            error_messages={"invalid_choice": _("Choose one of your organisation's stores.")},
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["from"] = data.get("from") or self.default_from
        data["to"] = data.get("to") or self.default_to
        for field, messages in metrics.period_errors(data["from"], data["to"]).items():
            for m in messages:
                self.add_error(field, m)
        return data


def _filter(request):
    metrics.require_reader(request.user)
    today = timezone.localdate()
    form = CoverageFilterForm(request.GET, organisation=request.user.organisation, today=today)
    return form, today


@login_required
def coverage(request):
    form, today = _filter(request)
    if not form.is_valid():
        return render(request, "callbacks/coverage.html", {"form": form, "data": None}, status=400)
    d = form.cleaned_data
    data = metrics.report(request.user.organisation, d["from"], d["to"], d["store"], today=today)
    query = request.GET.urlencode()
    return render(
        request,
        "callbacks/coverage.html",
        {
            "form": form,
            "data": data,
            "cov": data["coverage"],
            "od": data["overdue"],
            "sat": [
                (by, metrics.SATISFACTION_TITLES[by], label, data["satisfaction"][by])
                for by, label in metrics.GROUPINGS.items()
            ],
            "store": d["store"],
            "query": query,
        },
    )


@login_required
def coverage_xlsx(request):
    form, today = _filter(request)
    if not form.is_valid():
        return render(request, "callbacks/coverage.html", {"form": form, "data": None}, status=400)
    d = form.cleaned_data
    org = request.user.organisation
    data = metrics.report(
        org, d["from"], d["to"], d["store"], today=today, list_limit=metrics.XLSX_LIST_LIMIT
    )
    resp = HttpResponse(
        metrics.workbook(organisation=org, data=data, store=d["store"]), content_type=XLSX
    )
    resp["Content-Disposition"] = (
        f'attachment; filename="callback-coverage-{d["from"]:%Y%m%d}-{d["to"]:%Y%m%d}.xlsx"'
    )
    return resp
