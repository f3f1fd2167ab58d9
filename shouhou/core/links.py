"""Signed links handed to customers (callback feedback, order progress): signed with
CUSTOMER_LINK_SECRET, not SECRET_KEY, so the two can be rotated apart and the committed
development key can never sign a production link. Old keys in CUSTOMER_LINK_SECRET_FALLBACKS
keep links already sent working while a rotation settles."""

from __future__ import annotations

from django.conf import settings
from django.core import signing


def sign_customer_link(obj, *, salt: str) -> str:
    return signing.dumps(obj, key=settings.CUSTOMER_LINK_SECRET, salt=salt)


def load_customer_link(token: str, *, salt: str, max_age=None):
    """The signed object; raises signing.BadSignature (or SignatureExpired)."""
    return signing.loads(
        token,
        key=settings.CUSTOMER_LINK_SECRET,
        fallback_keys=settings.CUSTOMER_LINK_SECRET_FALLBACKS,
        salt=salt,
        max_age=max_age,
    )
