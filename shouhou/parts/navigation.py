"""The parts app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors

STORE = {*r.OFFICE_ROLES, r.WAREHOUSE_KEEPER}


def register() -> None:
    register_menu(
        MenuEntry(_("Spare-parts stock"), "parts:stock", STORE, order=150, section="parts"),
        MenuEntry(
            _("Parts requisitions"),
            "parts:requisitions",
            selectors.READ_ROLES,
            order=151,
            section="parts",
        ),
        MenuEntry(_("Parts with me"), "parts:with_me", {r.TECHNICIAN}, order=152, section="mine"),
        MenuEntry(_("Old parts"), "parts:old_parts", STORE, order=153, section="parts"),
        MenuEntry(_("Stock counts"), "parts:counts", STORE, order=154, section="parts"),
        MenuEntry(_("Parts transfers"), "parts:transfers", STORE, order=155, section="parts"),
        MenuEntry(
            _("Paid-repair quotes"),
            "parts:quotes",
            selectors.READ_ROLES,
            order=156,
            section="parts",
        ),
        MenuEntry(_("Parts postage"), "parts:postage", STORE, order=157, section="parts"),
    )
    register_dashboard(selectors.dashboard_cards, order=70)
