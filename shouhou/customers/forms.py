"""Page forms. They check types and show the domain's messages early; services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin
from shouhou.org.models import Merchant, Store

from . import selectors
from .models import Customer
from .validation import validate_customer_fields

_TEXT_FIELDS = ("name", "mobile", "district", "address_detail", "other_phones", "member_no")


class CustomerForm(IdempotentFormMixin):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("The customer's real full name, e.g. 王小明 or 阿依古丽·买买提."),
    )
    allow_honorific = forms.BooleanField(
        label=_("Only the surname is known (李先生 / 王女士)"), required=False
    )
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("11-digit mainland mobile number."),
    )
    other_phones = forms.CharField(
        label=_("Other phones"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
        help_text=_("A landline with area code or a relative's mobile; separate with commas."),
    )
    province = forms.CharField(label=_("Province"), max_length=30, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District / county"), max_length=60)
    address_detail = forms.CharField(
        label=_("Street address"),
        max_length=300,
        help_text=_("Road and number, estate, building, unit and flat."),
    )
    store = forms.ModelChoiceField(label=_("Store"), queryset=Store.objects.none(), required=False)
    merchant = forms.ModelChoiceField(
        label=_("Merchant"), queryset=Merchant.objects.none(), required=False
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Customer.Gender.choices, required=False)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_member = forms.BooleanField(label=_("Member"), required=False)
    member_no = forms.CharField(label=_("Member number"), max_length=60, required=False)
    preferences = forms.CharField(
        label=_("Preferences"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        org_id = user.organisation_id
        self.fields["store"].queryset = Store.objects.filter(organisation_id=org_id, is_active=True)
        if selectors.is_merchant_admin(user):
            del self.fields["merchant"]  # their customers are always their merchant's
        else:
            self.fields["merchant"].queryset = Merchant.objects.filter(
                organisation_id=org_id, is_active=True
            )

    def clean(self):
        data = super().clean()
        # The domain's checks on what was typed, so every problem shows at once.
        check = tuple(
            f for f in _TEXT_FIELDS if f in self.fields and f not in self.errors and f in data
        )
        _clean, errors = validate_customer_fields(
            **{f: data.get(f, "") for f in _TEXT_FIELDS},
            allow_honorific=bool(data.get("allow_honorific")),
            today=timezone.localdate(),
            check=check,
        )
        for field, messages in errors.items():
            if field not in check:  # e.g. district already has Django's "required"
                continue
            for m in messages:
                self.add_error(field, m)
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        if "other_phones" in data:
            data["other_phones"] = data["other_phones"] or ""
        return data


class CustomerEditForm(CustomerForm):
    """Edit the facts; other phones and addresses are added on the detail page."""

    def __init__(self, *args, customer: Customer, **kwargs):
        address = customer.default_address
        initial = {
            "name": customer.name,
            "allow_honorific": not customer.name_is_full,
            "mobile": customer.mobile,
            "province": address.province if address else "",
            "city": address.city if address else "",
            "district": address.district if address else "",
            "address_detail": address.detail if address else "",
            "store": customer.store_id,
            "merchant": customer.merchant_id,
            "gender": customer.gender,
            "birthday": customer.birthday,
            "is_member": customer.is_member,
            "member_no": customer.member_no,
            "preferences": customer.preferences,
            "notes": customer.notes,
        }
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, initial=initial, **kwargs)
        self.customer = customer
        del self.fields["other_phones"]

    def clean(self):
        data = super().clean()
        # An unchanged honorific-only name may be saved again without ticking the box.
        if "name" in self.errors and (self.data.get("name") or "").strip() == self.customer.name:
            del self.errors["name"]
            data["name"] = self.customer.name
        return data

    def changes(self) -> dict:
        data = self.service_kwargs()
        if "merchant" not in self.fields:
            data.pop("merchant", None)
        return data


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Phone number"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    label = forms.CharField(label=_("Whose / which"), max_length=30, required=False)


class AddressForm(forms.Form):
    province = forms.CharField(label=_("Province"), max_length=30, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District / county"), max_length=60)
    detail = forms.CharField(label=_("Street address"), max_length=300)
    label = forms.CharField(label=_("Label"), max_length=30, required=False)
    make_default = forms.BooleanField(label=_("Make this the default address"), required=False)


class ArchiveForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        required=False,
        help_text=_("Fill in when only the surname was known."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Customer.Gender.choices, required=False)
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    preferences = forms.CharField(
        label=_("Preferences"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_member = forms.BooleanField(label=_("Member"), required=False)
    member_no = forms.CharField(label=_("Member number"), max_length=60, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
