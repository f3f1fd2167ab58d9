"""The performance app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import (
    MenuEntry,
    register_dashboard,
    register_dashboard_panel,
    register_menu,
)
from shouhou.org import roles as r

from . import dashboard, selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Technician scores"),
            "performance:ranking",
            r.OFFICE_ROLES | {r.FINANCE, r.MERCHANT_ADMIN},
            order=220,
            section="staff",
        ),
        MenuEntry(
            _("My scores"),
            "performance:me",
            {r.TECHNICIAN, r.DELIVERY_CREW},
            order=230,
            section="mine",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=80)
    register_dashboard_panel(dashboard.manager_panels, order=20, roles=r.TREND_ROLES)
