"""Language guidance: the preferred and forbidden phrases per organisation and the check of a
written text against them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models

from shouhou.org import roles as r

from .. import language
from ..defaults import FORBIDDEN, PREFERRED
from ..models import (
    LanguageWarning,
    Phrase,
    PhraseKind,
)
from .common import _now

if TYPE_CHECKING:
    from shouhou.org.models import Organisation, User


def _org_id(organisation: Organisation | int) -> int:
    return organisation if isinstance(organisation, int) else organisation.pk


def phrases_ensure_defaults(organisation: Organisation | int) -> None:
    """Copy the seed's phrases into the organisation once (editable afterwards)."""
    org_id = _org_id(organisation)
    if Phrase.objects.filter(organisation_id=org_id).exists():
        return
    Phrase.objects.bulk_create(
        [
            Phrase(organisation_id=org_id, kind=kind, text=text, order=i * 10)
            for kind, texts in (
                (PhraseKind.FORBIDDEN, FORBIDDEN),
                (PhraseKind.PREFERRED, PREFERRED),
            )
            for i, text in enumerate(texts, start=1)
        ],
        ignore_conflicts=True,
    )


def _phrases(organisation_id: int, kind: str) -> list[str]:
    return list(
        Phrase.objects.filter(organisation_id=organisation_id, kind=kind, is_active=True)
        .order_by("order", "id")
        .values_list("text", flat=True)
    )


def phrases_for(organisation: Organisation | int) -> dict[str, list[str]]:
    """The organisation's guidance: `{"forbidden": [...], "preferred": [...]}`."""
    phrases_ensure_defaults(organisation)
    org_id = _org_id(organisation)
    return {
        "forbidden": _phrases(org_id, PhraseKind.FORBIDDEN),
        "preferred": _phrases(org_id, PhraseKind.PREFERRED),
    }


def language_check(*, organisation: Organisation | int, text: str) -> dict[str, list[str]]:
    """`{"forbidden": [phrases found], "preferred": [what to say instead]}` (empty when clean)."""
    phrases_ensure_defaults(organisation)
    org_id = _org_id(organisation)
    found = language.find_phrases(text, _phrases(org_id, PhraseKind.FORBIDDEN))
    if not found:
        return {"forbidden": [], "preferred": []}
    return {"forbidden": found, "preferred": _phrases(org_id, PhraseKind.PREFERRED)}


def language_note(
    *, by: User, where: str, obj: models.Model, text: str, now: dt.datetime | None = None
) -> dict[str, list[str]]:
    """Check a text someone saves; a forbidden phrase is a warning (the text is saved), counted
    for the person and month. Returns what `language_check` returns."""
    org_id = r.require_organisation(by)
    result = language_check(organisation=org_id, text=text)
    if result["forbidden"]:
        LanguageWarning.objects.create(
            organisation_id=org_id,
            person=by,
            at=_now(now),
            where=where,
            object_id=getattr(obj, "pk", None),
            phrases=result["forbidden"],
            excerpt=(text or "")[:200],
        )
    return result
