"""The signed, expiring link to one order (shouhou.core.links): it carries the order, its
organisation and when it was issued, and opens nothing else — no other order, not the
customer's list. Valid for the organisation's `link_days` (portal settings)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.links import load_customer_link, sign_customer_link
from shouhou.core.middleware import organisation_scope

SALT = "shouhou.portal.order"


class LinkExpired(DomainError):
    status = 410
    code = "link_expired"
    default_message = gettext_lazy("This link has expired.")


def invalid() -> NotFoundError:
    return NotFoundError(_("This link is not valid."), code="link_invalid")


def order_token(order, now: dt.datetime | None = None) -> str:
    issued = int((now or timezone.now()).timestamp())
    return sign_customer_link({"o": order.pk, "g": order.organisation_id, "i": issued}, salt=SALT)


def order_url(order, now: dt.datetime | None = None, *, absolute: bool = True) -> str:
    path = reverse("portal:order", kwargs={"token": order_token(order, now)})
    return f"{settings.SHOUHOU_PUBLIC_URL.rstrip('/')}{path}" if absolute else path


def read(token: str) -> tuple[int, int, int]:
    """(order id, organisation id, issued) of a well-signed token; NotFoundError otherwise."""
    try:
        data = load_customer_link(str(token or ""), salt=SALT)
        return int(data["o"]), int(data["g"]), int(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise invalid() from exc


def token_scope(token: str):
    """The scope of the organisation the token names (none for a forged token)."""
    try:
        org_id = read(token)[1]
    except NotFoundError:
        org_id = None
    return organisation_scope(org_id)
