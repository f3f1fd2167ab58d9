"""Roles, as far as core needs them: the org app installs its role functions here at start-up
(`OrgConfig.ready`), so that core (menu, API "me") reads roles without importing org."""

from __future__ import annotations

from collections.abc import Callable


def _no_role(user, *roles: str) -> bool:
    return False


def _no_roles(user) -> set[str]:
    return set()


_has_role: Callable[..., bool] = _no_role
_user_roles: Callable[..., set[str]] = _no_roles


def install(*, has_role: Callable[..., bool], user_roles: Callable[..., set[str]]) -> None:
    global _has_role, _user_roles
    _has_role, _user_roles = has_role, user_roles


def has_role(user, *roles: str) -> bool:
    """True if the user has any of `roles` (`shouhou.org.roles.has_role`)."""
    return _has_role(user, *roles)


def user_roles(user) -> set[str]:
    """The user's role codes (`shouhou.org.roles.user_roles`)."""
    return _user_roles(user)
