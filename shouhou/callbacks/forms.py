"""Forms of the call-list pages. They only carry what was typed: the services validate (a bad
date, a missing reason, too few attempts) and `add_domain_error` puts the message next to the
field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from .models import CallbackAttempt, CallbackSettings


class AttemptForm(IdempotentFormMixin):
    result = forms.ChoiceField(
        label=_("What happened"),
        choices=CallbackAttempt.Result.choices,
        initial=CallbackAttempt.Result.NO_ANSWER,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("For “call later”: when to call."),
    )


class RescheduleForm(IdempotentFormMixin):
    due_on = forms.CharField(
        label=_("New date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class NoteForm(IdempotentFormMixin):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReasonForm(IdempotentFormMixin):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AssignForm(IdempotentFormMixin):
    agent = forms.ChoiceField(label=_("Agent"), required=False)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].choices = [("", _("— nobody (unassigned) —"))] + [
            (str(a.pk), a.display_name or a.username) for a in agents
        ]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CallbackSettings
        fields = [
            "after_service_enabled",
            "after_service_working_days",
            "coverage_working_days",
            "coverage_target_pct",
            "greeting_holidays",
            "greeting_lead_days",
            "birthday_greetings",
            "greeting_members_only",
            "max_attempts",
            "feedback_link_days",
            "satisfied_from",
        ]


# What each action's form is and which fields it passes to the service.
ACTION_FORMS = {
    "take": NoteForm,
    "assign": AssignForm,
    "attempt": AttemptForm,
    "reschedule": RescheduleForm,
    "unreachable": NoteForm,
    "skip": ReasonForm,
    "cancel": ReasonForm,
}
