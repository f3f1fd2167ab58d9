"""The front desk's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(_("Calls and letters"), "frontdesk:contacts", r.OFFICE_ROLES, order=75),
        MenuEntry(_("Caller lookup"), "frontdesk:lookup", r.OFFICE_ROLES, order=76),
        MenuEntry(_("Handover book"), "frontdesk:handovers", r.OFFICE_ROLES, order=77),
        MenuEntry(_("Goods reservations"), "frontdesk:reservations", r.OFFICE_ROLES, order=78),
        MenuEntry(_("Goods taken back"), "frontdesk:returns", r.OFFICE_ROLES, order=79),
        MenuEntry(_("Desk summaries"), "frontdesk:summary", r.OFFICE_ROLES, order=205),
    )
    register_dashboard(selectors.dashboard_cards, order=55)
