"""Page forms of the dealers app (types only; the services check the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from .models import ClaimItem, LedgerEntry, RepairPart, ServiceTask

DATE = forms.DateInput(attrs={"type": "date"})


class CardForm(IdempotentFormMixin, forms.Form):
    number = forms.CharField(label=_("card number"), max_length=40)
    product = forms.TypedChoiceField(label=_("product"), coerce=int)
    serial = forms.CharField(label=_("serial number"), max_length=60, required=False)
    customer_name = forms.CharField(label=_("customer"), max_length=50)
    customer_phone = forms.CharField(label=_("customer phone"), max_length=20)
    customer_address = forms.CharField(label=_("customer address"), max_length=200, required=False)
    sold_on = forms.DateField(label=_("sold on"), widget=DATE)

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—")] + [(p.pk, str(p)) for p in products]


class ReceiveCardForm(forms.Form):
    received_on = forms.DateField(label=_("card received on"), widget=DATE, required=False)


class TaskForm(IdempotentFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("source"), choices=ServiceTask.Source.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=ServiceTask.Channel.choices)
    customer_name = forms.CharField(label=_("customer"), max_length=50)
    customer_phone = forms.CharField(label=_("customer phone"), max_length=20)
    problem = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 2}))


class ArrangeForm(forms.Form):
    arrangement = forms.CharField(label=_("arrangement"), max_length=200)
    customer_told = forms.BooleanField(label=_("customer told"), required=False)


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("outcome"), widget=forms.Textarea(attrs={"rows": 2}))


class RepairForm(IdempotentFormMixin, forms.Form):
    card = forms.TypedChoiceField(
        label=_("warranty card"), coerce=int, required=False, empty_value=None
    )
    customer_name = forms.CharField(label=_("customer"), max_length=50)
    fault = forms.CharField(label=_("fault"), widget=forms.Textarea(attrs={"rows": 2}))
    work_done = forms.CharField(label=_("work done"), widget=forms.Textarea(attrs={"rows": 2}))
    repaired_on = forms.DateField(label=_("repaired on"), widget=DATE)
    signed_by_customer = forms.CharField(
        label=_("signed by (customer)"), max_length=50, required=False
    )
    labour_hours = forms.DecimalField(
        label=_("labour hours"), min_value=0, decimal_places=2, initial=0
    )
    travel_km = forms.DecimalField(label=_("travel (km)"), min_value=0, decimal_places=1, initial=0)
    part_name = forms.CharField(label=_("replaced part"), max_length=100, required=False)
    part_quantity = forms.IntegerField(label=_("quantity"), min_value=1, required=False)
    part_price = forms.DecimalField(
        label=_("unit price"), min_value=0, decimal_places=2, required=False
    )

    def __init__(self, *args, cards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = [("", "—")] + [
            (c.pk, f"{c.number} {c.customer_name}") for c in cards
        ]

    def parts(self) -> list[dict]:
        d = self.cleaned_data
        if not d.get("part_name"):
            return []
        return [
            {
                "name": d["part_name"],
                "quantity": d.get("part_quantity"),
                "unit_price": d.get("part_price"),
            }
        ]


class RepairReceiveForm(forms.Form):
    returned_on = forms.DateField(label=_("returned on"), widget=DATE, required=False)
    old_parts_back = forms.BooleanField(label=_("old parts came back"), required=False)


class AppraiseForm(forms.Form):
    note = forms.CharField(
        label=_("appraisal"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [c for c in RepairPart.Appraisal.choices if c[0]]
        for p in parts:
            self.fields[f"part_{p.pk}"] = forms.ChoiceField(label=str(p), choices=choices)

    def appraisals(self) -> dict:
        return {int(k[5:]): v for k, v in self.cleaned_data.items() if k.startswith("part_")}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for refusing"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EmptyForm(IdempotentFormMixin, forms.Form):
    pass


class LedgerForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[c for c in LedgerEntry.Kind.choices if c[0] != LedgerEntry.Kind.WRITE_OFF],
    )
    amount = forms.DecimalField(label=_("amount"), decimal_places=2, min_value=0)
    on = forms.DateField(label=_("date"), widget=DATE)
    description = forms.CharField(label=_("description"), max_length=200)


class PlanForm(IdempotentFormMixin, forms.Form):
    season_start = forms.DateField(label=_("season starts"), widget=DATE)
    items = forms.CharField(
        label=_("parts and quantities"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SpotCheckForm(IdempotentFormMixin, forms.Form):
    checked_on = forms.DateField(label=_("checked on"), widget=DATE)
    records_checked = forms.IntegerField(label=_("records checked"), min_value=0, initial=0)
    findings = forms.CharField(label=_("findings"), widget=forms.Textarea(attrs={"rows": 2}))


class ClaimForm(IdempotentFormMixin, forms.Form):
    supplier = forms.TypedChoiceField(label=_("supplier"), coerce=int)
    products = forms.CharField(
        label=_("products and serial numbers"), widget=forms.Textarea(attrs={"rows": 2})
    )
    fault = forms.CharField(label=_("fault"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(
        label=_("evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    email_to = forms.EmailField(label=_("supplier's e-mail"), required=False)

    def __init__(self, *args, suppliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "—")] + [(s.pk, str(s)) for s in suppliers]


class ClaimItemForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ClaimItem.Kind.choices)
    description = forms.CharField(label=_("description"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("amount"), decimal_places=2, min_value=0)


class SendForm(forms.Form):
    email_to = forms.EmailField(label=_("supplier's e-mail"), required=False)


class AckForm(forms.Form):
    name = forms.CharField(label=_("acknowledged by (supplier)"), max_length=100, required=False)


class SettleForm(forms.Form):
    amount = forms.DecimalField(label=_("recovered"), decimal_places=2, min_value=0)
    settled_on = forms.DateField(label=_("settled on"), widget=DATE, required=False)
    note = forms.CharField(label=_("settlement note"), required=False)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("reason for refusing"), widget=forms.Textarea(attrs={"rows": 2}))


class PublicAckForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
