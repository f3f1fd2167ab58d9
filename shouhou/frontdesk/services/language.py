"""Language guidance: the preferred and forbidden phrases per organisation and the check of a
written text against them."""

from __future__ import annotations

from .. import language
from ..defaults import FORBIDDEN, PREFERRED
from ..models import (
    LanguageWarning,
    Phrase,
    PhraseKind,
)
from .common import _now


def phrases_ensure_defaults(organisation) -> None:
    """Copy the seed's phrases into the organisation once (editable afterwards)."""
    if Phrase.objects.filter(organisation=organisation).exists():
        return
    Phrase.objects.bulk_create(
        [
            Phrase(organisation=organisation, kind=kind, text=text, order=i * 10)
            for kind, texts in (
                (PhraseKind.FORBIDDEN, FORBIDDEN),
                (PhraseKind.PREFERRED, PREFERRED),
            )
            for i, text in enumerate(texts, start=1)
        ],
        ignore_conflicts=True,
    )


def _phrases(organisation_id, kind) -> list[str]:
    return list(
        Phrase.objects.filter(organisation_id=organisation_id, kind=kind, is_active=True)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def phrases_for(organisation) -> dict:
    """The organisation's guidance: `{"forbidden": [...], "preferred": [...]}`."""
    phrases_ensure_defaults(organisation)
    org_id = getattr(organisation, "pk", organisation)
    return {
        "forbidden": _phrases(org_id, PhraseKind.FORBIDDEN),
        "preferred": _phrases(org_id, PhraseKind.PREFERRED),
    }


def language_check(*, organisation, text: str) -> dict:
    """`{"forbidden": [phrases found], "preferred": [what to say instead]}` (empty when clean)."""
    phrases_ensure_defaults(organisation)
    org_id = getattr(organisation, "pk", organisation)
    found = language.find_phrases(text, _phrases(org_id, PhraseKind.FORBIDDEN))
    if not found:
        return {"forbidden": [], "preferred": []}
    return {"forbidden": found, "preferred": _phrases(org_id, PhraseKind.PREFERRED)}


def language_note(*, by, where: str, obj, text: str, now=None) -> dict:
    """Check a text someone saves; a forbidden phrase is a warning (the text is saved), counted
    for the person and month. Returns what `language_check` returns."""
    result = language_check(organisation=by.organisation, text=text)
    if result["forbidden"]:
        LanguageWarning.objects.create(
            organisation_id=by.organisation_id,
            person=by,
            at=_now(now),
            where=where,
            object_id=getattr(obj, "pk", None),
            phrases=result["forbidden"],
            excerpt=(text or "")[:200],
        )
    return result
