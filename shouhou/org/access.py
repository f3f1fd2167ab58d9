"""Who reads and who edits the organisation pages (issue 22.4; docs/org.md says the same).

The rule, by the roles of `org.roles`:

* **Stores and service stations** belong to the organisation's owners, the general manager and
  administration (行政部): they open, close and edit every one. A **store manager** edits their
  own store (`User.store`): its name, hotline, address and opening hours, not its code, kind or
  whether it is open (that is the owners'). Another store is a 404 to them, as a store of another
  organisation is.
* **Departments**: the **customer-service manager** runs the service departments and edits every
  department with the owners; a store manager edits the departments of their own store (not
  moving one to another store).
* **Merchants** of a market: the owners and the store manager (who runs the market floor) edit
  every merchant; a **merchant's administrator** sees only its own merchant and keeps its contact
  person and phone up to date (not its name or booth, which the market assigns).
* **Dealers**: the owners and the customer-service manager (the dealer network's after-sales
  service, seed 002 三包) edit every dealer; a **dealer's login** sees only its own dealer and
  keeps its contact person and phone up to date.

Reads: the office roles see every store, department, merchant and dealer of the organisation; a
merchant's administrator every store (a contract needs one) and only its merchant; a dealer's
login only its dealer.
"""

from __future__ import annotations

from . import roles as r
from .extensions import dealer_of

OWNERS = frozenset({r.GENERAL_MANAGER, r.ADMINISTRATION})

STORE_EDITORS = OWNERS  # every store and station
STORE_FIELDS = frozenset(
    {"name", "code", "kind", "hotline", "address", "opens_at", "closes_at", "is_active"}
)
STORE_MANAGER_FIELDS = frozenset({"name", "hotline", "address", "opens_at", "closes_at"})

DEPARTMENT_EDITORS = OWNERS | {r.CS_MANAGER}  # every department
DEPARTMENT_FIELDS = frozenset({"name", "kind", "phone", "store"})
DEPARTMENT_STORE_MANAGER_FIELDS = frozenset({"name", "kind", "phone"})

MERCHANT_EDITORS = OWNERS | {r.STORE_MANAGER}  # every merchant (and new ones)
MERCHANT_FIELDS = frozenset({"name", "store", "booth", "contact_name", "phone", "is_active"})
DEALER_EDITORS = OWNERS | {r.CS_MANAGER}  # every dealer
DEALER_FIELDS = frozenset({"name", "region", "contact_name", "phone", "is_active"})
OWN_CONTACT_FIELDS = frozenset({"contact_name", "phone"})  # a merchant's / dealer's own login

STORE_READERS = frozenset(r.OFFICE_ROLES | {r.MERCHANT_ADMIN})
DEPARTMENT_READERS = frozenset(r.OFFICE_ROLES)
MERCHANT_READERS = frozenset(r.OFFICE_ROLES | {r.MERCHANT_ADMIN})
DEALER_READERS = frozenset(r.OFFICE_ROLES | {r.DEALER})


def is_office(user) -> bool:
    return r.has_role(user, *r.OFFICE_ROLES)


def own_dealer_id(user) -> int | None:
    """The dealer of a dealer's login (kept by the dealers app), else None."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_org_dealer_id"):
        user._org_dealer_id = dealer_of(user)
    found: int | None = user._org_dealer_id
    return found


def is_dealer_login(user) -> bool:
    """A dealer's login sees only its dealer, even if it also holds an office role."""
    return not user.is_superuser and (
        own_dealer_id(user) is not None or r.has_role(user, r.DEALER) and not is_office(user)
    )


# Which fields a user may change; None: not at all (the page offers no edit, the service refuses).


def store_fields(user, store) -> frozenset[str] | None:
    if r.has_role(user, *STORE_EDITORS):
        return STORE_FIELDS
    if r.has_role(user, r.STORE_MANAGER) and user.store_id == store.pk:
        return STORE_MANAGER_FIELDS
    return None


def department_fields(user, department) -> frozenset[str] | None:
    if r.has_role(user, *DEPARTMENT_EDITORS):
        return DEPARTMENT_FIELDS
    if r.has_role(user, r.STORE_MANAGER) and user.store_id and department.store_id == user.store_id:
        return DEPARTMENT_STORE_MANAGER_FIELDS
    return None


def merchant_fields(user, merchant) -> frozenset[str] | None:
    if r.has_role(user, *MERCHANT_EDITORS):
        return MERCHANT_FIELDS
    if r.has_role(user, r.MERCHANT_ADMIN) and user.merchant_id == merchant.pk:
        return OWN_CONTACT_FIELDS
    return None


def dealer_fields(user, dealer) -> frozenset[str] | None:
    own = own_dealer_id(user)
    if own is not None:
        return OWN_CONTACT_FIELDS if own == dealer.pk else None
    if r.has_role(user, *DEALER_EDITORS):
        return DEALER_FIELDS
    return None
