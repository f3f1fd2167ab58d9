"""Page forms of the catalogue. They only shape the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.forms import IdempotentFormMixin
from shouhou.org.models import Merchant

from . import selectors


class ProductForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("catalog", "name"), max_length=100)
    brand = forms.ModelChoiceField(label=_("brand"), queryset=None, required=False)
    category = forms.ModelChoiceField(label=_("category"), queryset=None, required=False)
    supplier = forms.ModelChoiceField(label=_("supplier"), queryset=None, required=False)
    merchant = forms.ModelChoiceField(label=_("merchant"), queryset=None, required=False)
    needs_installation = forms.BooleanField(label=_("needs installation"), required=False)
    is_electronic = forms.BooleanField(label=_("electronic"), required=False)
    is_bulb_or_speaker = forms.BooleanField(label=_("bulb or speaker"), required=False)
    is_window_film = forms.BooleanField(label=_("window film"), required=False)
    is_adhesive = forms.BooleanField(label=_("adhesive"), required=False)
    is_single_use = forms.BooleanField(label=_("single-use"), required=False)
    warranty_months = forms.IntegerField(
        label=_("warranty (months)"),
        min_value=0,
        max_value=1200,
        required=False,
        help_text=_("Empty: the organisation's default warranty."),
    )
    packaging_promise = forms.CharField(
        label=_("packaging promise"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the packaging promises beyond the store's rules (it wins)."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = selectors.brand_list(user=user)
        self.fields["category"].queryset = selectors.category_list(user=user)
        self.fields["supplier"].queryset = selectors.supplier_list(user=user)
        if selectors.merchant_limited(user):
            del self.fields["merchant"]
        else:
            self.fields["merchant"].queryset = Merchant.objects.filter(
                organisation_id=user.organisation_id, is_active=True
            )


class ProductModelForm(IdempotentFormMixin, forms.Form):
    code = forms.CharField(label=_("model number"), max_length=60)
    name = forms.CharField(label=pgettext_lazy("catalog", "name"), max_length=100, required=False)
    list_price = forms.DecimalField(
        label=_("list price"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    warranty_months = forms.IntegerField(
        label=_("warranty (months)"),
        min_value=0,
        max_value=1200,
        required=False,
        help_text=_("Empty: the product's warranty applies."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)


class BrandForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("catalog", "name"), max_length=100)


class CategoryForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("catalog", "name"), max_length=100)
    parent = forms.ModelChoiceField(label=_("parent"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.category_list(user=user)


class SupplierForm(IdempotentFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("catalog", "name"), max_length=100)
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    address = forms.CharField(label=_("address"), max_length=200, required=False)


class ProductSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ModelChoiceField(label=_("category"), queryset=None, required=False)
    brand = forms.ModelChoiceField(label=_("brand"), queryset=None, required=False)
    needs_installation = forms.NullBooleanField(
        label=_("needs installation"),
        required=False,
        widget=forms.Select(
            choices=[
                ("", _("All")),
                ("true", _("Needs installation")),
                ("false", _("No installation")),
            ]
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = selectors.category_list(user=user)
        self.fields["brand"].queryset = selectors.brand_list(user=user)
