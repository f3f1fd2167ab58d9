"""The edit forms of the organisation pages. Each form shows only the fields the user may change
(`org.access`); the service checks the same rule again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from .models import Department, Store

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
PHONE_HELP = _("A landline with its area code (0371-65551234), a 400 number or a mobile.")


class _LimitedForm(IdempotentFormMixin, forms.Form):
    def __init__(self, *args, allowed=frozenset(), organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name != "idempotency_key" and name not in allowed:
                del self.fields[name]
        if "store" in self.fields:
            self.fields["store"].queryset = Store.objects.filter(
                organisation_id=organisation_id
            ).order_by("name", "id")

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        return data


class StoreForm(_LimitedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    code = forms.SlugField(label=_("code"), max_length=30)
    kind = forms.ChoiceField(label=_("kind"), choices=Store.Kind.choices)
    hotline = forms.CharField(
        label=_("hotline"), max_length=30, required=False, help_text=PHONE_HELP
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    opens_at = forms.TimeField(
        label=_("opens at"),
        required=False,
        widget=TIME,
        help_text=_("Empty: the organisation's office hours."),
    )
    closes_at = forms.TimeField(label=_("closes at"), required=False, widget=TIME)
    is_active = forms.BooleanField(label=_("active"), required=False)


class DepartmentForm(_LimitedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=Department.Kind.choices)
    store = forms.ModelChoiceField(label=_("store"), queryset=Store.objects.none(), required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False, help_text=PHONE_HELP)


class MerchantForm(_LimitedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    store = forms.ModelChoiceField(label=_("store"), queryset=Store.objects.none(), required=False)
    booth = forms.CharField(label=_("booth"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False, help_text=PHONE_HELP)
    is_active = forms.BooleanField(label=_("active"), required=False)


class DealerForm(_LimitedForm):
    name = forms.CharField(label=_("name"), max_length=100)
    region = forms.CharField(label=_("region"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False, help_text=PHONE_HELP)
    is_active = forms.BooleanField(label=_("active"), required=False)
