from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shouhou.catalog.models import Product
from shouhou.core.forms import IdempotentFormMixin
from shouhou.customers.models import FaultCategory

from .models import Kind, Route, Source


class IntakeForm(IdempotentFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[c for c in Source.choices if c[0] != Source.SELF_SERVICE],
        initial=Source.HOTLINE,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.REPAIR)
    mobile = forms.CharField(label=_("Caller's phone"), max_length=30)
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        required=False,
        help_text=_("A surname with 先生/女士 is enough on the hotline."),
    )
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    address_detail = forms.CharField(label=_("Address"), max_length=200, required=False)
    product: forms.ModelChoiceField[Product] = forms.ModelChoiceField(
        label=_("Product"), queryset=None, required=False
    )
    fault: forms.ModelChoiceField[FaultCategory] = forms.ModelChoiceField(
        label=_("Fault"),
        queryset=None,
        required=False,
        help_text=_(
            "It chooses the response tier; with a product, an earlier repair, complaint or "
            "return about the same fault joins this one in one case."
        ),
    )
    description = forms.CharField(
        label=_("Problem"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=settings.SHOUHOU_TEXT_MAX_LENGTH,
    )
    is_emergency = forms.BooleanField(label=_("Emergency"), required=False)
    distance_km = forms.DecimalField(
        label=_("Distance (km)"), required=False, min_value=0, max_digits=7, decimal_places=1
    )
    # The response tier (seed 002) is chosen by the fault's tier group, the distance and this.
    route = forms.ChoiceField(
        label=_("Route"), choices=[("", _("Ordinary")), *Route.choices], required=False
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["product"].queryset = Product.objects.filter(
            organisation=organisation, is_active=True
        )
        # Lazy (no query on a POST without a fault); the page writes the defaults on GET.
        self.fields["fault"].queryset = FaultCategory.objects.filter(
            organisation=organisation, is_active=True
        )


class PublicRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
    district = forms.CharField(label=_("District"), max_length=30)
    address_detail = forms.CharField(label=_("Address"), max_length=200)
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[
            (k, v)
            for k, v in Kind.choices
            if k in ("installation", "repair", "maintenance", "consultation")
        ],
    )
    description = forms.CharField(
        label=_("Describe the problem"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots
