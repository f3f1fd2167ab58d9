"""What the catalogue services share: who may edit, the organisation, and unique names."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import (
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from .. import inputs

# Who keeps the catalogue (docs/roles.md): the after-sales office that records the products it
# serves and their warranties, and administration (master data). Sales, finance, call centre,
# the workshop, managers (they read) and the warehouse keeper (a merchant's own staff, seed 000;
# its merchant admin keeps the merchant's products) do not edit it.
EDITOR_ROLES = frozenset(r.CATALOGUE_EDITORS)


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()


def _organisation_id(by) -> int:
    if not getattr(by, "organisation_id", None):
        raise PermissionDeniedError(
            _("Only a member of an organisation can do this."), code="no_organisation"
        )
    return by.organisation_id


def _fail(errors: dict) -> None:
    if errors:
        raise ValidationFailed(fields=errors)


def _save_unique(obj, **kwargs):
    """Save in a savepoint; a unique constraint lost to a concurrent writer becomes a 409."""
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as exc:
        raise DuplicateError() from exc


def _locked(model, obj, org_id: int):
    """The current row, locked for the update; another organisation's row is not found."""
    pk = obj.pk if isinstance(obj, model) else inputs.as_id(obj)
    row = model.objects.select_for_update().filter(organisation_id=org_id, pk=pk).first()
    if row is None:
        raise NotFoundError()
    return row
