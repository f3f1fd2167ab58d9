"""The customers app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu, register_search
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Customers"),
            "customers:list",
            r.OFFICE_ROLES | {r.MERCHANT_ADMIN},
            order=20,
            section="intake",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=10)
    register_search(selectors.search_hits, order=20)
