"""Who may see which staff rows (used by services and selectors alike)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shouhou.org import roles as r

# Roles that see every staff member of their organisation (dispatchers need them too).
VIEW_ALL = frozenset(r.OFFICE_ROLES | {r.TRAINING_OFFICER, r.SECURITY})
# Roles that may report a fine.
FINE_REPORTERS = (
    r.SERVICE_DESK,
    r.FINANCE,
    r.CS_SUPERVISOR,
    r.CS_MANAGER,
    r.STORE_MANAGER,
    r.SECURITY,
)
PERMIT_MANAGERS = (r.SERVICE_DESK, r.CS_SUPERVISOR, r.CS_MANAGER)


def sees_all(user) -> bool:
    return r.has_role(user, *VIEW_ALL)


def is_merchant_admin_only(user) -> bool:
    return not sees_all(user) and r.has_role(user, r.MERCHANT_ADMIN)


def staff_filter(user, prefix: str = "") -> Q | None:
    """A Q limiting staff (or rows with a `staff` FK when prefix="staff__") to what `user` sees.

    None means "everything in the organisation"; Q(pk__in=[]) means nothing.
    """
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    org_q = Q(**{f"{prefix}organisation_id": user.organisation_id}) if user.organisation_id else Q()
    if sees_all(user):
        return org_q
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id:
        return org_q & Q(**{f"{prefix}merchant_id": user.merchant_id})
    # Anyone else sees only their own record.
    key = f"{prefix}user_id" if prefix else "user_id"
    return org_q & Q(**{key: user.pk})


def limit_staff(qs: QuerySet, user, prefix: str = "") -> QuerySet:
    return qs.filter(staff_filter(user, prefix))


def can_see_staff(user, staff) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.organisation_id and staff.organisation_id != user.organisation_id:
        return False
    if sees_all(user):
        return True
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id:
        return staff.merchant_id == user.merchant_id
    return staff.user_id == user.pk


# Money (fines, fees, payments, the ledger) is narrower than the roster: finance collects it,
# the service desk issues permits against the receipts (seed 000), supervisors and managers
# decide suspensions and waivers. Clerks, call centre, sales, administration, the workshop and
# the training officer see the roster but not what a person owes; security reports fines and
# sees the ones it reported. A merchant admin sees its own staff's, a staff member their own.
MONEY_READERS = frozenset(r.STAFF_MONEY_READERS)


def sees_all_money(user) -> bool:
    return r.has_role(user, *MONEY_READERS)


def money_filter(user, prefix: str = "staff__", *, reported: bool = False) -> Q:
    """A Q limiting money rows (a `staff` FK under `prefix`) to what `user` may read.
    `reported`: the rows are fines, and their reporter sees them too."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    org_q = Q(**{f"{prefix}organisation_id": user.organisation_id}) if user.organisation_id else Q()
    if sees_all_money(user):
        return org_q
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id:
        mine = Q(**{f"{prefix}merchant_id": user.merchant_id})
    else:
        key = f"{prefix}user_id" if prefix else "user_id"
        mine = Q(**{key: user.pk})
    if reported:
        mine |= Q(reported_by_id=user.pk)
    return org_q & mine


def limit_money(qs: QuerySet, user, prefix: str = "staff__", *, reported: bool = False):
    return qs.filter(money_filter(user, prefix, reported=reported))


def can_see_money(user, staff) -> bool:
    """May `user` read what `staff` owes (ledger, fines, fees)?"""
    if not can_see_staff(user, staff):
        return False
    if sees_all_money(user):
        return True
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id:
        return staff.merchant_id == user.merchant_id
    return staff.user_id == user.pk
