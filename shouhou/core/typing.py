"""Types shared by the apps' annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from shouhou.org.models import User


class AuthedRequest(HttpRequest):
    """A request behind `@login_required`: `request.user` is a User (with its organisation)."""

    user: User
