from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.catalog.models import Supplier
from shouhou.core.forms import IdempotentFormMixin
from shouhou.customers.models import FaultCategory

from .models import ComplaintCause, Kind, Responsibility


def _money_field(label):
    # A text field: the service parses it (and refuses more than two decimals or a negative).
    return forms.CharField(
        label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class CaseForm(IdempotentFormMixin):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    contract = forms.CharField(label=_("contract number"), required=False)
    customer_mobile = forms.CharField(label=_("customer's mobile"), required=False)
    description = forms.CharField(
        label=_("what the customer says"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    demand = forms.CharField(label=_("customer's demand"), required=False)
    cause: forms.ModelChoiceField[ComplaintCause] = forms.ModelChoiceField(
        label=_("cause category"), queryset=None, required=False
    )
    fault: forms.ModelChoiceField[FaultCategory] = forms.ModelChoiceField(
        label=_("fault"),
        queryset=None,
        required=False,
        help_text=_(
            "With the product: an earlier repair, complaint or return about the same fault "
            "joins this one in one case."
        ),
    )
    serial_no = forms.CharField(
        label=_("serial number of the product"),
        required=False,
        max_length=60,
        help_text=_("Of a product the customer owns (its archive): names the product."),
    )
    decision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["cause"].queryset = ComplaintCause.objects.filter(
            organisation_id=getattr(user, "organisation_id", None), is_active=True
        )
        self.fields["fault"].queryset = FaultCategory.objects.filter(
            organisation_id=getattr(user, "organisation_id", None), is_active=True
        )


class EditForm(forms.Form):
    description = forms.CharField(
        label=_("what the customer says"), widget=forms.Textarea(attrs={"rows": 3})
    )
    demand = forms.CharField(label=_("customer's demand"), required=False)


class InspectForm(forms.Form):
    description = forms.CharField(label=_("what to inspect"), required=False)


class ResponsibilityForm(forms.Form):
    responsibility = forms.ChoiceField(
        label=_("responsibility"), choices=Responsibility.choices[1:]
    )
    cause: forms.ModelChoiceField[ComplaintCause] = forms.ModelChoiceField(
        label=_("cause category"), queryset=None, required=False
    )
    findings = forms.CharField(
        label=_("findings"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    supplier: forms.ModelChoiceField[Supplier] = forms.ModelChoiceField(
        label=_("supplier"), queryset=None, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

        org = getattr(user, "organisation_id", None)
        self.fields["cause"].queryset = ComplaintCause.objects.filter(organisation_id=org)
        self.fields["supplier"].queryset = Supplier.objects.filter(organisation_id=org)


class SubmitForm(forms.Form):
    resolution = forms.CharField(
        label=_("proposed resolution"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    compensation = _money_field(_("extra compensation"))
    rework_goods = _money_field(_("goods for rework"))


class SignForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("verdict"),
        choices=[("1", _("Approve")), ("0", _("Do not approve"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("note"), required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for refusing"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RepairItemForm(forms.Form):
    item = forms.CharField(label=_("item"), required=False)
    quantity = forms.CharField(label=_("quantity"), required=False)
    unit_cost = _money_field(_("unit cost"))


class ClaimForm(forms.Form):
    amount = _money_field(_("claim back to the supplier"))


class PenaltyForm(forms.Form):
    person = forms.ModelChoiceField(label=_("person"), queryset=None)
    reason = forms.CharField(label=_("reason"), required=False)
    amount = _money_field(_("amount"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["person"].queryset = get_user_model().objects.filter(
            organisation_id=getattr(user, "organisation_id", None), is_active=True
        )


class MonthForm(forms.Form):
    month = forms.DateField(label=_("month"), input_formats=["%Y-%m"], required=False)
