"""API tokens that expire: DRF's Token, valid for API_TOKEN_TTL_HOURS after it was issued."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_expired(token: Token, now: dt.datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


def token_issue(*, user) -> Token:
    """The user's valid token, or a new one in place of an expired one."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    return token_rotate(user=user)


def token_rotate(*, user) -> Token:
    """Replace the user's token by a new one (the old key stops working at once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("The token has expired; ask for a new one at /api/v1/auth/token/."),
                code="token_expired",
            )
        return user, token
