"""The roles people have, as Django groups. Codes are stable; labels are translated.

Permission checks in services and selectors ask for roles (`has_role`), never for user names.
`ensure_roles()` creates the groups (run after every migrate) so a fresh database has them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import PermissionDeniedError

CLERK = "clerk"
CS_SUPERVISOR = "cs_supervisor"
CS_MANAGER = "cs_manager"
STORE_MANAGER = "store_manager"
VP_OPERATIONS = "vp_operations"
GENERAL_MANAGER = "general_manager"
CALL_CENTRE = "call_centre"
TECHNICIAN = "technician"
WORKSHOP_SUPERVISOR = "workshop_supervisor"
DELIVERY_CREW = "delivery_crew"
WAREHOUSE_KEEPER = "warehouse_keeper"
FINANCE = "finance"
SECURITY = "security"
ADMINISTRATION = "administration"
MERCHANT_ADMIN = "merchant_admin"
SERVICE_DESK = "service_desk"
TRAINING_OFFICER = "training_officer"
SALES = "sales"

ROLES: dict[str, str] = {
    CLERK: _("Customer-service clerk"),
    CS_SUPERVISOR: _("Customer-service supervisor"),
    CS_MANAGER: _("Customer-service manager"),
    STORE_MANAGER: _("Store manager"),
    VP_OPERATIONS: _("VP of operations"),
    GENERAL_MANAGER: _("General manager"),
    CALL_CENTRE: _("Call centre"),
    TECHNICIAN: _("Technician"),
    WORKSHOP_SUPERVISOR: _("Workshop supervisor"),
    DELIVERY_CREW: _("Delivery crew"),
    WAREHOUSE_KEEPER: _("Warehouse keeper"),
    FINANCE: _("Finance"),
    SECURITY: _("Security"),
    ADMINISTRATION: _("Administration"),
    MERCHANT_ADMIN: _("Merchant administrator"),
    SERVICE_DESK: _("After-sales service desk"),
    TRAINING_OFFICER: _("Training officer"),
    SALES: _("Salesperson"),
}

# Roles that see the whole organisation's customers and contracts (not only a merchant's).
OFFICE_ROLES = {
    CLERK,
    CS_SUPERVISOR,
    CS_MANAGER,
    STORE_MANAGER,
    VP_OPERATIONS,
    GENERAL_MANAGER,
    CALL_CENTRE,
    SERVICE_DESK,
    FINANCE,
    ADMINISTRATION,
    SALES,
    WORKSHOP_SUPERVISOR,
}
MANAGER_ROLES = {CS_MANAGER, STORE_MANAGER, VP_OPERATIONS, GENERAL_MANAGER}


def user_roles(user) -> set[str]:
    if user is None or not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_codes = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True if the user has any of `roles`. Superusers have every role."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & set(roles))


def require_role(user, *roles: str) -> None:
    if not has_role(user, *roles):
        names = "、".join(str(ROLES[r]) for r in roles if r in ROLES)
        raise PermissionDeniedError(
            _("This needs one of these roles: %(roles)s.") % {"roles": names},
            code="role_required",
        )


def ensure_roles() -> None:
    from django.contrib.auth.models import Group

    for code in ROLES:
        Group.objects.get_or_create(name=code)
