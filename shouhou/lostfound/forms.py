"""Page forms: they carry what was typed; the services check it (errors go next to the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from .models import Category, DisposalMethod, FinderKind, IdType


def _blank(choices):
    return [("", "—"), *choices]


class ItemForm(IdempotentFormMixin):
    store = forms.ChoiceField(label=_("Store"), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=_blank(Category.choices))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Colour, brand, contents — what an owner would have to describe."),
    )
    found_place = forms.CharField(label=_("Where found"), max_length=100)
    found_at = forms.DateTimeField(
        label=_("When found"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    finder_kind = forms.ChoiceField(label=_("Handed in by"), choices=FinderKind.choices)
    finder_name = forms.CharField(label=_("Finder's name"), max_length=50)
    finder_phone = forms.CharField(label=_("Finder's phone"), required=False)
    is_valuable = forms.BooleanField(
        label=_("Valuable (贵重物品)"),
        required=False,
        help_text=_(
            "Checked and signed by the supervisor or duty manager; kept by the head of security."
        ),
    )
    estimated_value = forms.CharField(label=_("Estimated value (yuan)"), required=False)
    announcement = forms.CharField(
        label=_("Announcement over the PA"),
        required=False,
        max_length=300,
        help_text=_("If announced now, the text read out."),
    )
    photo = forms.FileField(label=_("Photo"), required=False)

    def __init__(self, *args, stores=(), edit=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].choices = [(s.pk, s.name) for s in stores]
        if edit:
            for name in ("store", "announcement", "photo", "idempotency_key"):
                del self.fields[name]


class AnnounceForm(forms.Form):
    announcement = forms.CharField(label=_("Announcement over the PA"), max_length=300)


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Photo"))


class ArchiveForm(forms.Form):
    location = forms.CharField(label=_("Storage place at security"), max_length=60)


class DisposeForm(forms.Form):
    method = forms.ChoiceField(label=_("How disposed of"), choices=_blank(DisposalMethod.choices))
    proceeds = forms.CharField(label=_("Proceeds (yuan)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class ClaimForm(IdempotentFormMixin):
    claimant_name = forms.CharField(label=_("Claimant"), max_length=50)
    claimant_phone = forms.CharField(label=_("Claimant's phone"))
    id_type = forms.ChoiceField(label=_("ID type"), choices=_blank(IdType.choices))
    id_number = forms.CharField(
        label=_("ID number"), help_text=_("Checked against the document; stored masked.")
    )
    claim_description = forms.CharField(
        label=_("Owner's description"), widget=forms.Textarea(attrs={"rows": 3})
    )
    description_matches = forms.BooleanField(
        label=_("The description matches the item"), required=False
    )
    signature = forms.CharField(label=_("Signed for by (owner's name as signed)"), max_length=50)
