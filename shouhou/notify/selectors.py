"""Reads of the message log for staff (their organisation only)."""

from __future__ import annotations

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.org import roles as r

from .models import Message

READ_ROLES = r.OFFICE_ROLES


def can_read(user) -> bool:
    return user.is_authenticated and (user.is_superuser or r.has_role(user, *READ_ROLES))


def message_list(*, user, status: str | None = None):
    if not can_read(user):
        raise PermissionDeniedError()
    qs = Message.objects.filter(organisation_id=user.organisation_id).select_related("customer")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def message_get(*, user, pk) -> Message:
    if not can_read(user):
        raise PermissionDeniedError()
    obj = Message.objects.filter(organisation_id=user.organisation_id, pk=pk).first()
    if obj is None:
        raise NotFoundError()
    return obj


def dashboard_cards(*, user) -> list[dict]:
    if not can_read(user) or not user.organisation_id:
        return []
    from django.urls import reverse
    from django.utils.translation import gettext as _

    failed = Message.objects.filter(
        organisation_id=user.organisation_id, status=Message.Status.FAILED
    ).count()
    if not failed:
        return []
    return [
        {
            "label": _("Messages that failed"),
            "value": failed,
            "url": reverse("notify:messages") + "?status=failed",
            "alert": True,
        }
    ]
