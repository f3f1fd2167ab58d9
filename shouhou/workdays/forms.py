"""Forms of the calendar page; parsing only, the services validate the schedule itself."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import ValidationFailed

from .fileformat import parse_lines

MAX_UPLOAD_BYTES = 1024 * 1024


class DayForm(forms.Form):
    HOLIDAY, WORKDAY = "holiday", "workday"
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (HOLIDAY, _("Holiday (day off)")),
            (WORKDAY, _("Make-up working day (调休上班)")),
        ],
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("For example 春节. A holiday needs a name; it is used for greetings."),
    )


class RemoveDayForm(forms.Form):
    date = forms.DateField(widget=forms.HiddenInput)


class _YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2200)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("For example the notice it comes from (国务院办公厅通知)."),
    )


class EnterYearForm(_YearForm):
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "2027-02-06~2027-02-12 春节"}),
        help_text=_(
            "One per line: a date or a range and the holiday's name, e.g. "
            "2027-10-01~2027-10-07 国庆节. Include the weekend days of a holiday."
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "2027-02-20 调休上班"}),
        help_text=_("One per line: a Saturday or Sunday that is a working day."),
    )

    def _lines(self, field: str) -> list[tuple[dt.date, str]]:
        try:
            return parse_lines(self.cleaned_data.get(field, ""), field)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.fields[field]) from None

    def clean_holidays(self) -> list[tuple[dt.date, str]]:
        return self._lines("holidays")

    def clean_workdays(self) -> list[tuple[dt.date, str]]:
        return self._lines("workdays")


class UploadForm(_YearForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel (.xlsx) with the columns date,is_working,name: one row per holiday "
            "(is_working 0, with its name, weekend days included) or make-up working day "
            "(is_working 1). Dates as YYYY-MM-DD. It replaces the whole year."
        ),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return f


class NoticeForm(forms.Form):
    """The State Council's notice text, pasted as published; read, shown, then confirmed."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2200,
        required=False,
        help_text=_("Leave empty to take it from the notice's title."),
    )
    text = forms.CharField(
        label=_("Text of the notice"),
        max_length=20000,
        widget=forms.Textarea(
            attrs={
                "rows": 10,
                "placeholder": "一、元旦:1月1日(星期五)放假,共1天。\n"
                "二、春节:2月5日(农历除夕、星期五)至13日(农历正月初八、星期六)放假调休,共9天。"
                "2月20日(星期六)上班。",
            }
        ),
        help_text=_(
            "Paste the State Council's holiday notice (国务院办公厅关于部分节假日安排的通知) as "
            "published; the days it reads are shown for you to confirm before anything is saved."
        ),
    )
