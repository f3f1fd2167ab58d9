"""The questionnaire: the default questions of the seeds, which ones are asked on which kind of
call, and editing them.
"""

from __future__ import annotations

from django.conf import settings as dj_settings
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.catalog import inputs
from shouhou.core.audit import audit_record, snapshot
from shouhou.core.errors import (
    NotFoundError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..models import Question
from .common import (
    GREETING_KINDS,
    ON_TIME,
    PROBLEM_SOLVED,
    QUESTION_ROLES,
    SATISFACTION,
    A,
    K,
    _org_id,
)

# The default questionnaire (seed 003 第五步 回访, seed 004 回访记录表, seed 001): code, text,
# answer type, task kinds (empty: every kind except greetings), required, order.
DEFAULT_QUESTIONS = [
    (SATISFACTION, gettext_lazy("Overall rating of this service (1–5)"), A.SCORE, [], True, 10),
    (
        ON_TIME,
        gettext_lazy("Did the technician come at the agreed time?"),
        A.YES_NO,
        [K.AFTER_APPOINTMENT, K.AFTER_SERVICE],
        False,
        20,
    ),
    (
        PROBLEM_SOLVED,
        gettext_lazy("Is the problem solved?"),
        A.YES_NO,
        [K.AFTER_APPOINTMENT, K.AFTER_SERVICE],
        False,
        30,
    ),
    (
        "delivery_rating",
        gettext_lazy("Rating of the delivery (on time, careful, tidy) (1–5)"),
        A.SCORE,
        [K.AFTER_DELIVERY],
        False,
        20,
    ),
    (
        "goods_ok",
        gettext_lazy("Did the goods arrive complete and undamaged?"),
        A.YES_NO,
        [K.AFTER_DELIVERY],
        False,
        30,
    ),
    (
        "suggestions",
        gettext_lazy("Any suggestions for our products and service?"),
        A.TEXT,
        [],
        False,
        90,
    ),
    (
        "greeting_news",
        gettext_lazy("Anything the customer mentioned (needs, family events)?"),
        A.TEXT,
        [K.HOLIDAY_GREETING, K.BIRTHDAY_GREETING],
        False,
        10,
    ),
]


# --- the questionnaire ---------------------------------------------------------------------------
def ensure_questionnaire(organisation) -> None:
    """Write the default questions for an organisation that has none (idempotent).

    The texts are stored in the site's language (Chinese), like the other apps' default rows;
    the organisation edits them afterwards (page `callbacks:questions`, or the admin).
    """
    org_id = getattr(organisation, "pk", organisation)
    if Question.objects.filter(organisation_id=org_id).exists():
        return
    with translation.override(dj_settings.LANGUAGE_CODE):
        rows = [
            Question(
                organisation_id=org_id,
                code=code,
                text=str(text),
                answer_type=answer_type,
                kinds=[str(k) for k in kinds],
                required=required,
                order=order,
            )
            for code, text, answer_type, kinds, required, order in DEFAULT_QUESTIONS
        ]
    try:
        with transaction.atomic():
            Question.objects.bulk_create(rows, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - another request wrote them first
        pass


def asks_on(question: Question, kind: str | None) -> bool:
    """Whether `question` is asked on a task of `kind` (None: an ad-hoc callback)."""
    kinds = question.kinds or []
    if kinds:
        return kind in kinds
    return kind not in GREETING_KINDS


def questions_for(organisation, kind: str | None) -> list[Question]:
    """The active questions asked on a task of `kind`, in order (defaults written on first use)."""
    ensure_questionnaire(organisation)
    org_id = getattr(organisation, "pk", organisation)
    return [
        q
        for q in Question.objects.filter(organisation_id=org_id, is_active=True)
        if asks_on(q, kind)
    ]


def question_save(
    *,
    by,
    question=None,
    code: str = "",
    text: str = "",
    answer_type: str = A.TEXT,
    kinds=None,
    required=False,
    order=100,
    is_active=True,
) -> Question:
    """Add a question to the organisation's questionnaire, or change one (`question`).

    A question is never deleted from here (answers keep their own copy of the text anyway):
    `is_active=False` stops asking it."""
    r.require_role(by, *QUESTION_ROLES)
    org_id = _org_id(by)
    ensure_questionnaire(org_id)
    errors: dict = {}
    existing = None
    if question is not None:
        pk = question.pk if isinstance(question, Question) else inputs.as_id(question)
        existing = Question.objects.filter(organisation_id=org_id, pk=pk).first()
        if existing is None:
            raise NotFoundError()
    code = inputs.text(code, "code", errors, max_length=40, required=existing is None)
    if existing is None and code:
        try:
            validate_slug(code)
        except Exception:  # noqa: BLE001 - Django's ValidationError; reported on the field
            inputs.add(errors, "code", _("Use letters, digits, hyphens and underscores only."))
        else:
            if Question.objects.filter(organisation_id=org_id, code=code).exists():
                inputs.add(errors, "code", _("Another question already has this code."))
    text = inputs.text(text, "text", errors, max_length=200, required=True)
    if answer_type not in A.values:
        inputs.add(errors, "answer_type", _("Choose the kind of answer."))
    kinds = [str(k) for k in (kinds or [])]
    unknown = [k for k in kinds if k not in K.values]
    if unknown:
        inputs.add(errors, "kinds", _("Unknown kind of callback."))
    required = inputs.boolean(required, "required", errors)
    is_active = inputs.boolean(is_active, "is_active", errors, default=True)
    order = inputs.whole_number(order, "order", errors, minimum=0, maximum=32000, required=False)
    if errors:
        raise ValidationFailed(fields=errors)
    values = {
        "text": text,
        "answer_type": answer_type,
        "kinds": kinds,
        "required": required,
        "order": 100 if order is None else order,
        "is_active": is_active,
    }
    with transaction.atomic():
        if existing is None:
            q = Question.objects.create(organisation_id=org_id, code=code, **values)
            audit_record(actor=by, action="shouhou.callback_question.created", obj=q)
            return q
        q = Question.objects.select_for_update().get(pk=existing.pk)
        before = snapshot(q)
        for name, value in values.items():
            setattr(q, name, value)
        q.save()
        audit_record(
            actor=by,
            action="shouhou.callback_question.updated",
            obj=q,
            before=before,
            after=snapshot(q),
        )
        return q
