"""The front desk's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Calls and letters"), "frontdesk:contacts", r.OFFICE_ROLES, order=75, section="intake"
        ),
        MenuEntry(
            _("Caller lookup"), "frontdesk:lookup", r.OFFICE_ROLES, order=76, section="intake"
        ),
        MenuEntry(
            _("Handover book"), "frontdesk:handovers", r.OFFICE_ROLES, order=77, section="intake"
        ),
        MenuEntry(
            _("Goods reservations"),
            "frontdesk:reservations",
            r.OFFICE_ROLES,
            order=78,
            section="intake",
        ),
        MenuEntry(
            _("Goods taken back"), "frontdesk:returns", r.OFFICE_ROLES, order=79, section="intake"
        ),
        MenuEntry(
            _("Desk summaries"), "frontdesk:summary", r.OFFICE_ROLES, order=205, section="reports"
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=55)
