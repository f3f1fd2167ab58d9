from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin
from shouhou.workorders.models import Kind as WorkKind

from .models import Channel, ContactKind, DeskReturn, ReturnedTo, Shift


def _text(label, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ContactForm(IdempotentFormMixin):
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices)
    kind = forms.ChoiceField(label=_("kind"), choices=ContactKind.choices)
    phone = forms.CharField(label=_("phone"), required=False)
    caller_name = forms.CharField(label=_("caller"), required=False)
    subject = _text(_("what the caller says"), required=False)
    answer = _text(_("answer given at once"), required=False, rows=2)
    joins = forms.TypedChoiceField(
        label=_("about the open matter"), required=False, coerce=int, empty_value=None
    )
    convert = forms.BooleanField(
        label=_("register as a work order / complaint now"), required=False
    )
    work_kind = forms.ChoiceField(
        label=_("kind of service"), choices=WorkKind.choices, initial=WorkKind.REPAIR
    )
    district = forms.CharField(
        label=_("district"),
        required=False,
        help_text=_("A new caller's address, for a work order."),
    )
    address_detail = forms.CharField(label=_("address"), required=False)

    def __init__(self, *args, matters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joins"].choices = [("", "—")] + [
            (m.pk, f"{m.received_at:%m-%d} {m.subject[:40]}") for m in matters
        ]


class AnswerForm(forms.Form):
    answer = _text(_("answer or reply"), required=False)
    reply_channel = forms.ChoiceField(
        label=_("reply by"), choices=[("", "—"), *Channel.choices], required=False
    )
    reply_reference = forms.CharField(label=_("reply archive number"), required=False)


class FollowUpForm(forms.Form):
    note = _text(_("what is being found out"), required=False, rows=2)


class ToOrderForm(forms.Form):
    work_kind = forms.ChoiceField(
        label=_("kind of service"), choices=WorkKind.choices, initial=WorkKind.REPAIR
    )
    district = forms.CharField(
        label=_("district"),
        required=False,
        help_text=_("A new caller's address, for a work order."),
    )
    address_detail = forms.CharField(label=_("address"), required=False)


class EmptyForm(forms.Form):
    pass


class LookupForm(forms.Form):
    phone = forms.CharField(label=_("phone"))


class HandoverForm(IdempotentFormMixin):
    store = forms.ModelChoiceField(label=_("store"), queryset=None)
    desk = forms.CharField(label=_("desk"), initial="服务台")
    day = forms.DateField(label=_("day"), widget=forms.DateInput(attrs={"type": "date"}))
    shift = forms.ChoiceField(label=_("shift"), choices=Shift.choices)

    def __init__(self, *args, stores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = stores


class NotesForm(forms.Form):
    notes = _text(_("handover notes"), required=False, rows=5)


class MeetingForm(forms.Form):
    morning_meeting = _text(_("morning meeting record"), required=False, rows=4)


class ManagerNoteForm(forms.Form):
    manager_note = _text(_("manager's daily note"), required=False, rows=4)


class ReservationForm(IdempotentFormMixin):
    customer_mobile = forms.CharField(label=_("customer's mobile"))
    description = forms.CharField(label=_("goods"), required=False)
    quantity = forms.IntegerField(label=_("quantity"), min_value=1, initial=1)
    deposit = forms.CharField(
        label=_("deposit"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    receipt_number = forms.CharField(label=_("deposit receipt number"), required=False)
    promised_on = forms.DateField(
        label=_("promised for"), widget=forms.DateInput(attrs={"type": "date"})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), required=False)
    refund = forms.CharField(
        label=_("deposit refunded"),
        required=False,
        help_text=_("Empty: the whole deposit."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    refund_receipt = forms.CharField(label=_("refund receipt number"), required=False)


class DeskReturnForm(IdempotentFormMixin):
    kind = forms.ChoiceField(label=_("kind"), choices=DeskReturn.Kind.choices)
    customer_mobile = forms.CharField(label=_("customer's mobile"))
    item = forms.CharField(label=_("goods"), required=False)
    reason = forms.CharField(label=_("reason"), required=False)
    condition = forms.CharField(label=_("condition"), required=False)
    stored_at = forms.CharField(label=_("where stored"), required=False)
    case_number = forms.CharField(label=_("return or exchange case number"), required=False)


class SendBackForm(forms.Form):
    returned_to = forms.ChoiceField(label=_("gone back to"), choices=ReturnedTo.choices)
    returned_to_name = forms.CharField(label=_("taken by (name)"), required=False)
