"""Page forms of sales contracts. They shape the input; the services check every rule, so
amounts and quantities stay text here and the service says what is wrong with them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.catalog.models import ProductModel
from shouhou.catalog.selectors import visible_products
from shouhou.core.forms import IdempotentFormMixin
from shouhou.org import roles as r
from shouhou.org.models import Merchant, Store, User

from . import selectors
from .models import Contract, PaymentMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
METHODS = [("", "—"), *PaymentMethod.choices]


class ContractForm(IdempotentFormMixin, forms.Form):
    customer = forms.IntegerField(label=_("customer"), required=False, widget=forms.HiddenInput)
    store = forms.ModelChoiceField(label=_("store"), queryset=None, required=False)
    merchant = forms.ModelChoiceField(label=_("merchant"), queryset=None, required=False)
    salesperson = forms.ModelChoiceField(label=_("salesperson"), queryset=None, required=False)
    signed_on = forms.DateField(label=_("signed on"), required=False, widget=DATE)
    number = forms.CharField(
        label=_("contract number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for the next number."),
    )
    delivery_date = forms.DateField(label=_("agreed delivery date"), required=False, widget=DATE)
    delivery_district = forms.CharField(label=_("delivery district"), max_length=30, required=False)
    delivery_address = forms.CharField(
        label=_("delivery address"),
        max_length=200,
        required=False,
        help_text=_("Empty: the customer's default address."),
    )
    paid = forms.CharField(label=_("paid now"), required=False, initial="0")
    payment_method = forms.ChoiceField(label=_("payment method"), choices=METHODS, required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        org_id = user.organisation_id
        self.fields["store"].queryset = Store.objects.filter(organisation_id=org_id, is_active=True)
        self.fields["salesperson"].queryset = User.objects.filter(
            organisation_id=org_id, is_active=True, groups__name=r.SALES
        ).distinct()
        if selectors.merchant_limited(user):
            del self.fields["merchant"]
        else:
            self.fields["merchant"].queryset = Merchant.objects.filter(
                organisation_id=org_id, is_active=True
            )


class ModelChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        price = f" ¥{obj.list_price:,.2f}" if obj.list_price is not None else ""
        return f"{obj.code} {obj.name}{price}".strip()


class LineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=None, required=False)
    model = ModelChoice(label=_("model"), queryset=None, required=False)
    quantity = forms.CharField(label=_("quantity"), required=False, initial="1")
    unit_price = forms.CharField(label=_("unit price"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        products = visible_products(user).filter(is_active=True).select_related("brand")
        self.fields["product"].queryset = products
        models = ProductModel.objects.filter(product__in=products, is_active=True).select_related(
            "product"
        )
        self.fields["model"].queryset = models
        # Group the models by product so the clerk finds the right one.
        groups: dict = {}
        for m in models.order_by("product__name", "code"):
            groups.setdefault(m.product.name, []).append(
                (m.pk, self.fields["model"].label_from_instance(m))
            )
        self.fields["model"].choices = [("", "—"), *groups.items()]

    def is_blank(self) -> bool:
        d = self.cleaned_data
        return not (d.get("product") or d.get("model") or d.get("unit_price"))


LineFormSet = forms.formset_factory(LineForm, extra=0, can_delete=True)


class ContractSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    store = forms.ModelChoiceField(label=_("store"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", _("All")), *Contract.Status.choices], required=False
    )
    delivery_from = forms.DateField(label=_("delivery from"), required=False, widget=DATE)
    delivery_to = forms.DateField(label=_("delivery to"), required=False, widget=DATE)
    balance_due = forms.NullBooleanField(
        label=_("balance due"),
        required=False,
        widget=forms.Select(
            choices=[("", _("All")), ("true", _("Balance due")), ("false", _("Paid in full"))]
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(organisation_id=user.organisation_id)


class PaymentForm(IdempotentFormMixin, forms.Form):
    amount = forms.CharField(label=_("amount"), required=False)
    method = forms.ChoiceField(label=_("payment method"), choices=METHODS, required=False)
    receipt_no = forms.CharField(label=_("receipt number"), max_length=60, required=False)


class DeliveryForm(forms.Form):
    delivery_date = forms.DateField(label=_("agreed delivery date"), required=False, widget=DATE)
    delivery_district = forms.CharField(label=_("delivery district"), max_length=30, required=False)
    delivery_address = forms.CharField(label=_("delivery address"), max_length=200, required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), max_length=200, required=False)


class DeliveredForm(forms.Form):
    delivered_on = forms.DateField(label=_("delivered on"), required=False, widget=DATE)
