from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Shift


class LeaveForm(forms.Form):
    staff = forms.IntegerField(required=False, widget=forms.HiddenInput)
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class DecideForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PatternForm(forms.Form):
    staff = forms.IntegerField(widget=forms.HiddenInput)
    pattern = forms.CharField(label=_("Pattern"), max_length=20, initial="做六休一")
    first_day = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=92, initial=28)
    holidays_off = forms.BooleanField(
        label=_("Official holidays off"), required=False, initial=True
    )


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ConfirmForm(forms.Form):
    reached = forms.BooleanField(label=_("Customer reached and confirmed"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AreaForm(forms.Form):
    store = forms.ModelChoiceField(label=_("Store"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=60)
    districts = forms.CharField(
        label=_("Districts"), required=False, help_text=_("Separated by commas.")
    )
    radius_km = forms.DecimalField(label=_("Radius (km)"), required=False, max_digits=6)
    technicians = forms.ModelMultipleChoiceField(
        label=_("Technicians"), queryset=None, required=False
    )

    def __init__(self, *args, stores, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores
        self.fields["technicians"].queryset = staff


SHIFT_CHOICES = [("", "—"), *Shift.Kind.choices]
