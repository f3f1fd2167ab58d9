from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from shouhou.workorders.models import Kind

from .services import KINDS


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiImageField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiImageField, self).clean(f, initial) for f in files]


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=30)
    last4 = forms.RegexField(
        label=_("Last 4 digits of your phone"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RequestForm(forms.Form):
    product = forms.ChoiceField(label=_("Which product?"), required=False)
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[(k.value, k.label) for k in Kind if k in KINDS],
        initial=Kind.REPAIR,
    )
    description = forms.CharField(
        label=_("What is wrong?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiImageField(
        label=_("Photos"),
        required=False,
        widget=MultiFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for robots

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("Something else"))] + [
            (str(p.pk), str(p) or _("Product")) for p in products
        ]


class MoveForm(forms.Form):
    """One of the offered times (the service checks it again), and why, if the customer says."""

    starts_at = forms.ChoiceField(label=_("New time"))
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].choices = [
            (s.isoformat(), formats.date_format(timezone.localtime(s), "Y-m-d (D) H:i"))
            for s in slots
        ]
