"""The roles people have, as Django groups. Codes are stable; labels are translated.

Permission checks in services and selectors ask for roles (`has_role`), never for user names.
`ensure_roles()` creates the groups (run after every migrate) so a fresh database has them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import PermissionDeniedError

if TYPE_CHECKING:
    from .models import User

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
DEALER = "dealer"
LP_SUPERVISOR = "lp_supervisor"
DUTY_MANAGER = "duty_manager"
SECURITY_HEAD = "security_head"

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
    DEALER: _("Dealer"),
    LP_SUPERVISOR: _("Loss-prevention supervisor"),
    DUTY_MANAGER: _("Duty manager"),
    SECURITY_HEAD: _("Head of security"),
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
# Who sees the dashboard's trends (issue 22.2): the managers and the customer-service supervisor.
TREND_ROLES = MANAGER_ROLES | {CS_SUPERVISOR}
# Who edits what beyond reading it (docs/roles.md; ROLE_PERMISSIONS below says the same).
CATALOGUE_EDITORS = {CLERK, CS_SUPERVISOR, CS_MANAGER, SERVICE_DESK, ADMINISTRATION}
CUSTOMER_EDITORS = {CLERK, CS_SUPERVISOR, CS_MANAGER, CALL_CENTRE, SERVICE_DESK, SALES}
# Fines, fees, payments and ledgers (staff.access.MONEY_READERS).
STAFF_MONEY_READERS = {
    FINANCE,
    SERVICE_DESK,
    CS_SUPERVISOR,
    CS_MANAGER,
    STORE_MANAGER,
    VP_OPERATIONS,
    GENERAL_MANAGER,
}


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


def require_organisation(user: User) -> int:
    """The id of the organisation `user` acts for. Organisation rows are written for one; an
    account of none (a site operator, whom the middleware keeps off the work pages) is refused
    rather than reaching the database without an organisation."""
    if user.organisation_id is None:
        raise PermissionDeniedError(code="no_organisation")
    return user.organisation_id


# Django model permissions each role's group carries (used by the admin for staff users and as
# documentation of intent; services still check roles and organisation themselves).
# Entries are "app_label" (every model of the app) or "app_label.model", with the actions.
_OFFICE_READ = [
    ("customers", "view"),
    ("catalog", "view"),
    ("sales", "view"),
    ("workorders", "view"),
    ("callbacks", "view"),
    ("performance", "view"),
    ("workdays", "view"),
]
_INTAKE = [
    ("customers", "add change"),
    ("workorders", "add change"),
    ("callbacks", "change"),
    ("catalog", "add change"),
]
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    CLERK: _OFFICE_READ + _INTAKE,
    CS_SUPERVISOR: _OFFICE_READ + _INTAKE,
    CS_MANAGER: _OFFICE_READ
    + _INTAKE
    + [
        ("org.organisationsettings", "change"),
        ("workdays", "add change delete"),
        ("callbacks", "add change"),
        ("performance", "add change"),
    ],
    STORE_MANAGER: _OFFICE_READ + [("org.store", "change")],
    VP_OPERATIONS: _OFFICE_READ,
    GENERAL_MANAGER: _OFFICE_READ,
    CALL_CENTRE: _OFFICE_READ + [e for e in _INTAKE if e[0] != "catalog"],
    SERVICE_DESK: _OFFICE_READ
    + [("staff", "view add change"), ("customers", "add change"), ("catalog", "add change")],
    SALES: _OFFICE_READ + [("customers", "add change"), ("sales", "add change")],
    FINANCE: _OFFICE_READ + [("staff", "view change"), ("sales", "change")],
    ADMINISTRATION: _OFFICE_READ
    + [("org", "view add change"), ("workdays", "add change delete"), ("catalog", "add change")],
    WORKSHOP_SUPERVISOR: [("workorders", "view change"), ("catalog", "view")],
    WAREHOUSE_KEEPER: [("catalog", "view")],
    TRAINING_OFFICER: [("staff", "view change")],
    MERCHANT_ADMIN: [
        ("customers", "view add change"),
        ("sales", "view add change"),
        ("staff", "view add change"),
        ("catalog", "view"),
        ("workorders", "view"),
    ],
    TECHNICIAN: [("workorders", "view change")],
    DELIVERY_CREW: [("workorders", "view change")],
    SECURITY: [],
    DEALER: [],
    LP_SUPERVISOR: [],
    DUTY_MANAGER: [],
    SECURITY_HEAD: [],
}


def ensure_roles() -> None:
    """Create the role groups and give them their model permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    perms = list(Permission.objects.select_related("content_type"))
    for code in ROLES:
        group, _created = Group.objects.get_or_create(name=code)
        wanted = []
        for target, actions in ROLE_PERMISSIONS.get(code, []):
            app, _, model = target.partition(".")
            for p in perms:
                if p.content_type.app_label != app or (model and p.content_type.model != model):
                    continue
                if p.codename.split("_", 1)[0] in actions.split():
                    wanted.append(p)
        group.permissions.set(
            wanted
        )  # the table is the whole grant: a narrowed role loses the rest
