"""The main menu. An entry shows when its URL exists and the user has one of its roles."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from shouhou.org import roles as r

ALL = None  # any logged-in member of an organisation

MENU = [
    (_("Dashboard"), "dashboard", ALL),
    (_("Customers"), "customers:list", r.OFFICE_ROLES | {r.MERCHANT_ADMIN}),
    (_("Contracts"), "sales:list", r.OFFICE_ROLES | {r.MERCHANT_ADMIN}),
    (_("Products"), "catalog:list", r.OFFICE_ROLES | {r.MERCHANT_ADMIN, r.WAREHOUSE_KEEPER}),
    (_("Brands and categories"), "catalog:references", r.OFFICE_ROLES | {r.WAREHOUSE_KEEPER}),
    (_("Work orders"), "workorders:list", r.OFFICE_ROLES | {r.MERCHANT_ADMIN}),
    (_("Promise counter"), "promises:counter", r.OFFICE_ROLES),
    (_("Complaints and returns"), "complaints:list", r.OFFICE_ROLES),
    (_("Approvals"), "complaints:approvals", r.OFFICE_ROLES),
    (_("Callbacks"), "callbacks:my_list", r.OFFICE_ROLES),
    (_("Callback records"), "callbacks:records", r.OFFICE_ROLES),
    (_("Callback coverage"), "callbacks:coverage", r.OFFICE_ROLES),
    (_("Deliveries"), "delivery:calendar", r.OFFICE_ROLES),
    (_("Workshop"), "delivery:workshop", {r.WORKSHOP_SUPERVISOR, r.CS_SUPERVISOR, r.CS_MANAGER}),
    (_("Old parts"), "workorders:old_parts", r.OFFICE_ROLES | {r.WAREHOUSE_KEEPER}),
    (_("My jobs"), "workorders:my_jobs", {r.TECHNICIAN, r.DELIVERY_CREW}),
    (_("My runs"), "delivery:my_runs", {r.DELIVERY_CREW}),
    (_("My permit"), "staff:me", {r.TECHNICIAN, r.DELIVERY_CREW}),
    (
        _("Service staff"),
        "staff:list",
        {
            r.SERVICE_DESK,
            r.FINANCE,
            r.MERCHANT_ADMIN,
            r.TRAINING_OFFICER,
            r.CS_SUPERVISOR,
            r.CS_MANAGER,
            r.STORE_MANAGER,
            r.ADMINISTRATION,
        },
    ),
    (_("Reports"), "workorders:reports", r.OFFICE_ROLES),
    (_("Complaint statistics"), "complaints:statistics", r.OFFICE_ROLES),
    (
        _("Technician scores"),
        "performance:ranking",
        r.OFFICE_ROLES | {r.FINANCE, r.MERCHANT_ADMIN},
    ),
    (_("My scores"), "performance:me", {r.TECHNICIAN, r.DELIVERY_CREW}),
    (_("Notifications"), "complaints:notifications", ALL),
    (_("Calendar"), "workdays:calendar", r.OFFICE_ROLES),
]


def menu_for(user):
    items = []
    for label, url_name, allowed in MENU:
        if allowed is not ALL and not r.has_role(user, *allowed):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "name": url_name})
    return items
