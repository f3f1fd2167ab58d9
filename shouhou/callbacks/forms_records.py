"""Forms of the record page, the records list, the questionnaire and the customer's feedback.

Fields stay loose (text, radios, checkboxes): the services check the values and their messages
are put next to the fields (`add_domain_error`), so the page and the API say the same thing.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import IdempotentFormMixin

from . import records
from .models import CallbackRecord, CallbackTask, Question

SCORES = [(str(i), str(i)) for i in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _radios(label, choices, **kw):
    return forms.CharField(
        label=label, required=False, widget=forms.RadioSelect(choices=choices), **kw
    )


def _text(label, rows=2, **kw):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kw
    )


class RecordForm(IdempotentFormMixin):
    """One callback: the questions for the task's kind, satisfaction, outcomes, archive."""

    channel = forms.ChoiceField(
        label=_("How the customer was reached"),
        required=False,
        choices=[(c.value, c.label) for c in records.AGENT_CHANNELS],
    )
    satisfaction = _radios(_("Satisfaction (1–5)"), SCORES)
    outcome_no_show = forms.BooleanField(
        label=_("The technician did not come (no-show)"),
        required=False,
        help_text=_(
            "Records a missed service with the deduction for the technician and re-issues the "
            "order today, marked 重发, first in the technician's list."
        ),
    )
    outcome_second_visit = forms.BooleanField(
        label=_("The problem is not solved: another visit is needed"),
        required=False,
        help_text=_(
            "An open order is marked as needing another visit; a finished order (or a delivery) "
            "gets a new repair order, listed in the daily report of orders needing another visit."
        ),
    )
    second_visit_note = _text(_("What still needs doing"))
    outcome_complaint = forms.BooleanField(
        label=_("The customer complains"),
        required=False,
        help_text=_("Registers a complaint case (顾客投诉登记) linked to the order."),
    )
    complaint_text = _text(_("The complaint in the customer's words"), rows=3)
    birthday = forms.CharField(
        label=_("Birthday"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    preferences = _text(_("Preferences"))
    comment = _text(_("What the customer said"), rows=3)

    def __init__(self, *args, questions: list[Question], work_order=None, delivery=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.question_fields = []
        # Shown with a star; the service checks them (a no-show needs no rating).
        self.starred = set()
        for q in questions:
            if q.code == records.SATISFACTION:
                self.fields["satisfaction"].label = q.text
                if q.required:
                    self.starred.add("satisfaction")
                continue
            name = f"q_{q.code}"
            if q.answer_type == Question.AnswerType.SCORE:
                field = _radios(q.text, SCORES)
            elif q.answer_type == Question.AnswerType.YES_NO:
                field = _radios(q.text, YES_NO)
            else:
                field = _text(q.text)
            if q.required:
                self.starred.add(name)
            self.fields[name] = field
            self.question_fields.append(name)
        if not any(q.code == records.SATISFACTION for q in questions):
            self.fields["satisfaction"].label = _("Satisfaction (1–5), if the customer gives one")
        if work_order is None:
            del self.fields["outcome_no_show"]
        if work_order is None and delivery is None:
            del self.fields["outcome_second_visit"]
            del self.fields["second_visit_note"]

    def question_bound(self):
        return [self[name] for name in self.question_fields]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            q.code: data.get(f"q_{q.code}")
            for q in self.questions
            if q.code != records.SATISFACTION
        }

    def field_for_error(self, key: str) -> str | None:
        """The form field that shows a service error about `key`."""
        if key.startswith(("answers.", "archive.")):
            key = key.split(".", 1)[1]
        if f"q_{key}" in self.fields:
            return f"q_{key}"
        if key == "technician_came":
            key = "outcome_no_show"
        return key if key in self.fields else None


class RecordFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *CallbackRecord.Channel.choices],
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *SCORES],
    )
    technician = forms.TypedChoiceField(
        label=_("Technician"), required=False, coerce=int, empty_value=None, choices=[]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", _("Any")),
            ("no_show", _("No-show")),
            ("second_visit", _("Second visit")),
            ("complaint", _("Complaint")),
        ],
    )
    q = forms.CharField(label=_("Customer, phone or order"), required=False)

    def __init__(self, *args, technicians=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].choices = [
            ("", _("All technicians")),
            *[(str(s.pk), s.name) for s in technicians],
        ]


class QuestionForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        required=False,
        help_text=_("Letters, digits, hyphens and underscores; cannot be changed later."),
    )
    text = forms.CharField(label=_("Question"), required=False, max_length=200)
    answer_type = forms.ChoiceField(label=_("Answer"), choices=Question.AnswerType.choices)
    kinds = forms.MultipleChoiceField(
        label=_("Asked on"),
        required=False,
        choices=CallbackTask.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every callback except greetings."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    order = forms.IntegerField(label=_("Sort order"), required=False, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True


class FeedbackForm(forms.Form):
    satisfaction = _radios(_("How satisfied are you with the service?"), SCORES)
    comment = _text(_("Your comments (optional)"), rows=4)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a trap for bots
