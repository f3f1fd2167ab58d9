from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules as R
from .models import Cause

INSTALLED_BY = [
    (R.NOT_INSTALLED, _("not installed")),
    (R.BY_US, _("installed by us")),
    (R.BY_OTHERS, _("installed by others")),
]
WANTED = [
    ("", _("the best the rules allow")),
    (R.RETURN, _("return")),
    (R.EXCHANGE, _("exchange")),
    (R.REPAIR, _("warranty repair")),
]


class FactsForm(forms.Form):
    cause = forms.ChoiceField(label=_("cause of the problem"), choices=[])
    wanted = forms.ChoiceField(label=_("the customer asks for"), choices=WANTED, required=False)
    installed_by = forms.ChoiceField(label=_("installation"), choices=INSTALLED_BY)
    installed_on = forms.DateField(
        label=_("installed on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened = forms.BooleanField(label=_("opened"), required=False, initial=True)
    has_receipt = forms.BooleanField(
        label=_("valid receipt or till slip"), required=False, initial=True
    )
    has_packaging = forms.BooleanField(
        label=_("complete inner and outer packaging"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["cause"].choices = Cause.choices
