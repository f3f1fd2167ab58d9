from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.workorders.checklist import STEPS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why is the visit skipped?"), max_length=200)


class RescheduleForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DATE, input_formats=["%Y-%m-%d"])


class CancelPlanForm(forms.Form):
    reason = forms.CharField(label=_("Why is the plan cancelled?"), max_length=200)


class RenewForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Paid maintenance until"), widget=DATE, input_formats=["%Y-%m-%d"]
    )
    fee = forms.DecimalField(label=_("Contract fee (yuan)"), max_digits=10, decimal_places=2)
    interval_months = forms.IntegerField(
        label=_("Every N months"), min_value=1, max_value=60, required=False
    )


class StepsForm(forms.Form):
    steps_done = forms.MultipleChoiceField(
        label=_("Service steps"),
        choices=STEPS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CustomerCheckForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("The customer checked the result"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What the customer said"), required=False, max_length=500)


class DutyTickForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    photo = forms.ImageField(label=_("Photo"), required=False)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        error_messages={"invalid": _("Enter a month (YYYY-MM).")},
    )
