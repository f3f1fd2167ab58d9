"""Page forms. Lines are typed one per line, "part code, quantity[, unit cost]", as a store
keeper copies them from the delivery note."""

from __future__ import annotations

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
