"""Forms of the staff pages. They only parse input; rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin
from shouhou.org.models import Merchant, Store

from .access import sees_all
from .models import (
    Assessment,
    FeeCharge,
    Fine,
    ServiceStaff,
    StaffDocument,
    TrainingSession,
    WorkKind,
    WorkPermit,
)


class StaffForm(IdempotentFormMixin):
    name = forms.CharField(label=_("name"), max_length=50)
    mobile = forms.CharField(label=_("mobile"), max_length=20)
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    kinds = forms.MultipleChoiceField(
        label=_("kinds of work"), choices=WorkKind.choices, widget=forms.CheckboxSelectMultiple
    )
    employer = forms.ChoiceField(label=_("employer"), choices=ServiceStaff.Employer.choices)
    merchant = forms.ModelChoiceField(
        label=_("merchant"), queryset=Merchant.objects.none(), required=False
    )
    store = forms.ModelChoiceField(label=_("store"), queryset=Store.objects.none(), required=False)
    skills = forms.CharField(
        label=_("skills and certificates"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.filter(is_active=True)
        self.fields["store"].queryset = Store.objects.filter(is_active=True)
        if user is not None and user.merchant_id and not _office(user):
            self.fields["employer"].choices = [
                (ServiceStaff.Employer.MERCHANT, ServiceStaff.Employer.MERCHANT.label)
            ]
            self.fields["merchant"].queryset = Merchant.objects.filter(pk=user.merchant_id)
            self.fields["merchant"].initial = user.merchant_id


def _office(user):
    return sees_all(user)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StaffDocument.Kind.choices)
    file = forms.FileField(label=_("file"), required=False)
    note = forms.CharField(
        label=_("note"),
        max_length=200,
        required=False,
        help_text=_("For an original that was seen, e.g. “ID card original checked”."),
    )


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class PermitSuspendForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=WorkPermit.SuspendReason.choices)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class ChargeForm(IdempotentFormMixin):
    kind = forms.ChoiceField(label=_("kind"), choices=FeeCharge.Kind.choices)
    amount = forms.CharField(label=_("amount"), max_length=20)
    period = forms.DateField(
        label=_("month"),
        required=False,
        help_text=_("For a management fee: any day of the month."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(label=_("description"), max_length=200, required=False)


class PaymentForm(IdempotentFormMixin):
    target = forms.CharField(widget=forms.HiddenInput)  # "charge:<id>" or "fine:<id>"
    amount = forms.CharField(label=_("amount"), max_length=20)
    receipt_no = forms.CharField(label=_("receipt number"), max_length=40)


class RefundForm(forms.Form):
    voucher_no = forms.CharField(label=_("voucher number"), max_length=40)


class FineForm(IdempotentFormMixin):
    staff = forms.ModelChoiceField(label=_("staff"), queryset=ServiceStaff.objects.none())
    category = forms.ChoiceField(label=_("category"), choices=Fine.Category.choices)
    description = forms.CharField(label=_("description"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.CharField(label=_("amount"), max_length=20)
    occurred_at = forms.DateTimeField(
        label=_("occurred at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    evidence = forms.FileField(label=_("evidence"), required=False)
    evidence_note = forms.CharField(label=_("evidence note"), max_length=200, required=False)

    def __init__(self, *args, staff_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_qs is not None:
            self.fields["staff"].queryset = staff_qs


class SessionForm(IdempotentFormMixin):
    title = forms.CharField(label=_("title"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=TrainingSession.Kind.choices)
    run_by = forms.ChoiceField(label=_("run by"), choices=TrainingSession.RunBy.choices)
    merchant = forms.ModelChoiceField(
        label=_("merchant"), queryset=Merchant.objects.none(), required=False
    )
    starts_at = forms.DateTimeField(
        label=_("starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1, initial=2)
    location = forms.CharField(label=_("location"), max_length=100, required=False)
    trainer = forms.CharField(label=_("trainer"), max_length=50, required=False)
    topics = forms.CharField(
        label=_("topics"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merchant"].queryset = Merchant.objects.filter(is_active=True)


class AttendanceForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("staff"), queryset=ServiceStaff.objects.none())
    present = forms.BooleanField(label=_("present"), required=False, initial=True)
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, staff_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_qs is not None:
            self.fields["staff"].queryset = staff_qs


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Assessment.Kind.choices)
    score = forms.IntegerField(label=_("score"), min_value=0, max_value=100)
    session = forms.ModelChoiceField(
        label=_("session"), queryset=TrainingSession.objects.none(), required=False
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, session_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session_qs is not None:
            self.fields["session"].queryset = session_qs


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("left on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)
