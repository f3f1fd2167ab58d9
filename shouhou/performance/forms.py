"""Page forms: re-open a month, exclude a complaint or a callback, revoke an exclusion, and the
scoring settings (weights, tiers per rate, bonus table, targets) as one form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.complaints.models import Case
from shouhou.core.errors import DomainError
from shouhou.core.forms import IdempotentFormMixin, add_domain_error

from .models import RATES, Exclusion, Rate

TIER_ROWS = 5
BONUS_ROWS = 8


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.TextInput(attrs={"size": 40}), required=False
    )


class ExclusionForm(IdempotentFormMixin):
    kind = forms.ChoiceField(
        label=_("What"), choices=Exclusion.Kind.choices, initial=Exclusion.Kind.COMPLAINT
    )
    case = forms.CharField(
        label=_("Complaint number"),
        required=False,
        help_text=_("The complaint's number (or id) as on the complaint register."),
    )
    callback = forms.IntegerField(label=_("Callback record"), required=False)
    category = forms.ChoiceField(label=_("Why"), choices=Exclusion.Category.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
        help_text=_("Required: what the manager found."),
    )

    def __init__(self, *args, organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id = organisation_id

    def case_id(self):
        """The complaint the clerk named: an id, or a number from the complaint register."""

        raw = (self.cleaned_data.get("case") or "").strip()
        if not raw:
            return None
        qs = Case.objects.filter(organisation_id=self.organisation_id)
        case = qs.filter(number=raw).first() or (
            qs.filter(pk=raw).first() if raw.isdigit() else None
        )
        return case.pk if case else -1


class SettingsForm(forms.Form):
    """Every number of the scoring at once; the service checks them together."""

    below_score = forms.CharField(label=_("Score above every tier"))
    target_on_time = forms.CharField(label=_("Service on time at least (%)"))
    target_satisfaction = forms.CharField(label=_("Satisfaction at least (%)"))
    target_service_complaints = forms.CharField(label=_("Service-caused complaints below (%)"))
    close_after_working_days = forms.CharField(
        label=_("The job closes a month after (working days)")
    )
    trend_months = forms.CharField(label=_("Months in the trend"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Rate.choices)
        for rate in RATES:
            self.fields[f"weight_{rate}"] = forms.CharField(label=labels[rate], required=False)
            for i in range(TIER_ROWS):
                for part in ("lower", "upper", "score"):
                    self.fields[f"tier_{rate}_{i}_{part}"] = forms.CharField(required=False)
        for i in range(BONUS_ROWS):
            for part in ("min_score", "amount"):
                self.fields[f"bonus_{i}_{part}"] = forms.CharField(required=False)
        self.section_errors: dict = {}

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        initial = {
            "below_score": data["below_score"],
            "target_on_time": data["targets"]["on_time"],
            "target_satisfaction": data["targets"]["satisfaction"],
            "target_service_complaints": data["targets"]["service_complaints"],
            "close_after_working_days": data["close_after_working_days"],
            "trend_months": data["trend_months"],
        }
        for rate in RATES:
            initial[f"weight_{rate}"] = data["weights"][rate]
            for i, t in enumerate(data["tiers"][rate][:TIER_ROWS]):
                for part in ("lower", "upper", "score"):
                    initial[f"tier_{rate}_{i}_{part}"] = t[part]
        for i, b in enumerate(data["bonus_table"][:BONUS_ROWS]):
            initial[f"bonus_{i}_min_score"] = b["min_score"]
            initial[f"bonus_{i}_amount"] = b["amount"]
        return initial

    def payload(self) -> dict:
        d = self.cleaned_data
        tiers = {}
        for rate in RATES:
            rows = []
            for i in range(TIER_ROWS):
                parts = {
                    p: (d.get(f"tier_{rate}_{i}_{p}") or "").strip()
                    for p in ("lower", "upper", "score")
                }
                if any(parts.values()):
                    rows.append(parts)
            tiers[rate] = rows
        bonus = []
        for i in range(BONUS_ROWS):
            parts = {p: (d.get(f"bonus_{i}_{p}") or "").strip() for p in ("min_score", "amount")}
            if any(parts.values()):
                bonus.append(parts)
        return {
            "weights": {rate: d.get(f"weight_{rate}") or "" for rate in RATES},
            "tiers": tiers,
            "bonus_table": bonus,
            "below_score": d.get("below_score"),
            "targets": {
                "on_time": d.get("target_on_time"),
                "satisfaction": d.get("target_satisfaction"),
                "service_complaints": d.get("target_service_complaints"),
            },
            "close_after_working_days": d.get("close_after_working_days"),
            "trend_months": d.get("trend_months"),
        }

    def add_service_error(self, exc: DomainError) -> None:
        """Field errors of the service next to the inputs: `weights.x` → the weight, `targets.x`
        → the target, `weights`/`tiers.x`/`bonus_table` → their section of the page."""
        mapped = {}
        for key, messages in exc.fields.items():
            if key.startswith("weights.") and f"weight_{key[8:]}" in self.fields:
                mapped[f"weight_{key[8:]}"] = messages
            elif key.startswith("targets.") and f"target_{key[8:]}" in self.fields:
                mapped[f"target_{key[8:]}"] = messages
            elif key in self.fields:
                mapped[key] = messages
            else:
                self.section_errors[key] = messages
        # the general message on top; field messages next to their inputs
        add_domain_error(self, DomainError(exc.message, fields=mapped))

    def tier_rows(self):
        """[(rate, label, [(lower, upper, score bound fields)], errors)] for the template."""
        labels = dict(Rate.choices)
        return [
            (
                rate,
                labels[rate],
                self[f"weight_{rate}"],
                [
                    tuple(self[f"tier_{rate}_{i}_{p}"] for p in ("lower", "upper", "score"))
                    for i in range(TIER_ROWS)
                ],
                self.section_errors.get(f"tiers.{rate}", []),
            )
            for rate in RATES
        ]

    def bonus_rows(self):
        return [
            (self[f"bonus_{i}_min_score"], self[f"bonus_{i}_amount"]) for i in range(BONUS_ROWS)
        ]
