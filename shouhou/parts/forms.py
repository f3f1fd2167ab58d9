"""Page forms. Lines are typed one per line, "part code, quantity[, unit cost]", as a store
keeper copies them from the delivery note."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from .models import Location, OldPart


def parse_lines(text: str, *, price: bool = False) -> list[dict]:
    out = []
    for raw in (text or "").splitlines():
        bits = [b for b in raw.replace("，", ",").replace(",", " ").split() if b]
        if not bits:
            continue
        line = {"part": bits[0], "quantity": bits[1] if len(bits) > 1 else ""}
        if price and len(bits) > 2:
            line["unit_cost"] = bits[2]
        out.append(line)
    return out


LINES_HELP = _("One line per part: part code, quantity")


class ReceiptForm(IdempotentFormMixin):
    location = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("Into store"))
    supplier = forms.CharField(label=_("From (supplier or deliverer)"), max_length=100)
    delivery_note = forms.CharField(label=_("Delivery note / invoice"), required=False)
    expense_ref = forms.CharField(label=_("Reimbursed expense"), required=False)
    lines = forms.CharField(
        label=_("Lines"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One line per part: part code, quantity, unit cost"),
    )

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class RequisitionForm(IdempotentFormMixin):
    location = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("From store"))
    proposal = forms.CharField(label=_("Proposed fix"), widget=forms.Textarea(attrs={"rows": 3}))
    lines = forms.CharField(
        label=_("Lines"), widget=forms.Textarea(attrs={"rows": 4}), help_text=LINES_HELP
    )

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ReturnForm(forms.Form):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class OldPartForm(IdempotentFormMixin):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    serial = forms.CharField(label=_("Serial number"), required=False, max_length=60)
    photo = forms.FileField(label=_("Photo"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AppraiseForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Appraisal"), choices=OldPart.Verdict.choices)
    condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[("usable", _("Usable (可利用旧件)")), ("scrap", _("Scrap (废件)"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class BatchForm(forms.Form):
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}),
                            input_formats=["%Y-%m", "%Y-%m-%d"])  # fmt: skip


class BatchSubmitForm(forms.Form):
    method = forms.CharField(label=_("Disposal method"), max_length=100)


# Stock counts, transfers, quotes, postage -----------------------------------------------------


def new_key() -> dict:
    """The initial data of a create form: a fresh idempotency key (a double submit acts once)."""
    return {"idempotency_key": uuid.uuid4().hex}


COUNT_FIELD = "c_%s"


class CountForm(IdempotentFormMixin):
    """A count sheet: one box per part on the location's books (blank = not counted), and
    parts found that are not on the books typed as lines."""

    location = forms.IntegerField(widget=forms.HiddenInput)
    extra = forms.CharField(
        label=_("Parts found that are not on the list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=LINES_HELP,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for s in self.rows:
            self.fields[COUNT_FIELD % s.part_id] = forms.IntegerField(
                label=str(s.part),
                required=False,
                min_value=0,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "min": 0, "class": "count-box"}
                ),
            )

    def boxes(self):
        """(stock row, its bound field), in the sheet's order."""
        return [(s, self[COUNT_FIELD % s.part_id]) for s in self.rows]


class TransferForm(IdempotentFormMixin):
    part = forms.CharField(label=_("Part code"), max_length=40)
    src = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("From store"))
    dst = forms.ModelChoiceField(queryset=Location.objects.none(), label=_("To store"))
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["src"].queryset = locations
        self.fields["dst"].queryset = locations


class QuoteForm(IdempotentFormMixin):
    lines = forms.CharField(
        label=_("Parts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per part: part code, quantity (charged at the sale price)"),
    )
    labour_hours = forms.DecimalField(
        label=_("Labour hours"), min_value=0, max_digits=5, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.25"}),
    )  # fmt: skip
    travel_km = forms.IntegerField(
        label=_("Travel distance (km)"), min_value=0, required=False, initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )  # fmt: skip


class AcceptForm(forms.Form):
    customer_name = forms.CharField(label=_("Accepted by (customer)"), max_length=50)


class ChangeForm(forms.Form):
    amount = forms.DecimalField(label=_("Approved fee (yuan)"), min_value=0, max_digits=12,
                                decimal_places=2)  # fmt: skip
    reason = forms.CharField(label=_("Reason for the change"), max_length=200)


class PostageForm(IdempotentFormMixin):
    carrier = forms.CharField(label=_("Carrier"), max_length=60)
    waybill = forms.CharField(label=_("Waybill number"), max_length=60)
    amount = forms.DecimalField(
        label=_("Postage and freight (yuan)"), max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )  # fmt: skip
    description = forms.CharField(label=_("What was sent"), max_length=200)
    work_order = forms.CharField(label=_("Work order number"), max_length=30, required=False)
