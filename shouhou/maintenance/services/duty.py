"""Duty checklists: templates per role and period (the seeds' defaults installable) and ticking
an item of the day's list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.audit import audit_record
from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.org import roles as r

from ..defaults import TEMPLATES
from ..models import (
    DutyItem,
    DutyTemplate,
    DutyTemplateItem,
)
from .common import _check_field_org, _now, _same_org

if TYPE_CHECKING:
    from django.core.files import File

    from shouhou.org.models import Organisation, Store, User

# Who sees the duty board of every person.
SUPERVISOR_ROLES = r.MANAGER_ROLES | {r.CS_SUPERVISOR, r.WORKSHOP_SUPERVISOR}


def duty_item_tick(
    *,
    by: User,
    item: DutyItem,
    note: str = "",
    photo: File[bytes] | None = None,
    now: dt.datetime | None = None,
) -> DutyItem:
    """The person named on the list (or a supervisor of the store) ticks one duty."""
    now = _now(now)
    _same_org(by, item)
    owner_id = item.duty_list.user_id
    if owner_id != by.pk and not r.has_role(by, *SUPERVISOR_ROLES):
        raise PermissionDeniedError(_("This is someone else's checklist."))
    if timezone.localdate(now) > item.duty_list.period_end + dt.timedelta(days=1):
        raise InvalidTransition(_("The period of this checklist is over."), code="period_over")
    with transaction.atomic():
        n = DutyItem.objects.filter(pk=item.pk, done_at__isnull=True).update(
            done_at=now, done_by=by, note=(note or "").strip()[:300]
        )
        if n == 0:
            raise Conflict(_("This duty is ticked already."), code="already_done")
        item.refresh_from_db()
        if photo is not None:
            item.photo.save(getattr(photo, "name", "photo.jpg"), photo, save=True)
        audit_record(
            actor=by,
            action="shouhou.duty_item.done",
            obj=item,
            before={"done": False},
            after={"done": True, "note": item.note},
        )
        return item


def duty_template_create(
    *, by: User, role: str, period: str, title: str, items: list[str], store: Store | None = None
) -> DutyTemplate:
    r.require_role(by, *SUPERVISOR_ROLES)
    org_id = r.require_organisation(by)
    _check_field_org(by, store=store)
    errors: dict[str, list[str]] = {}
    if role not in r.ROLES:
        errors["role"] = [_("Unknown role.")]
    if period not in DutyTemplate.Period.values:
        errors["period"] = [_("Daily, weekly or monthly.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the checklist a title.")]
    items = [str(t).strip() for t in items or [] if str(t).strip()]
    if not items:
        errors["items"] = [_("List at least one duty.")]
    if errors:
        raise ValidationFailed(fields=errors)
    with transaction.atomic():
        if DutyTemplate.objects.filter(role=role, period=period, title=title).exists():
            raise ValidationFailed(fields={"title": [_("This checklist exists already.")]})
        tpl = DutyTemplate.objects.create(
            organisation_id=org_id, role=role, period=period, title=title, store=store
        )
        DutyTemplateItem.objects.bulk_create(
            [
                DutyTemplateItem(organisation_id=org_id, template=tpl, text=t[:200], position=i)
                for i, t in enumerate(items)
            ]
        )
        audit_record(
            actor=by,
            action="shouhou.duty_template.created",
            obj=tpl,
            after={"role": role, "period": period, "items": len(items)},
        )
        return tpl


def duty_templates_install_defaults(
    *, organisation: Organisation | int, templates: Sequence[Mapping[str, Any]] | None = None
) -> int:
    """Write the seeds' checklists (defaults.py) into an organisation as its own templates, for
    the demo, a new organisation or the admin; existing templates (same role, period, title)
    are left as they are. Returns how many templates were created."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    created = 0
    with transaction.atomic():
        for spec in templates or TEMPLATES:
            tpl, new = DutyTemplate.objects.get_or_create(
                organisation_id=org_id,
                role=spec["role"],
                period=spec["period"],
                title=spec["title"],
            )
            if not new:
                continue
            created += 1
            DutyTemplateItem.objects.bulk_create(
                [
                    DutyTemplateItem(
                        organisation_id=org_id,
                        template=tpl,
                        section=section,
                        text=text,
                        auto_check=auto,
                        link=link,
                        position=i,
                    )
                    for i, (section, text, auto, link) in enumerate(spec["items"])
                ]
            )
            audit_record(
                actor=None,
                action="shouhou.duty_template.created",
                obj=tpl,
                after={"role": tpl.role, "period": tpl.period, "items": len(spec["items"])},
            )
    return created
