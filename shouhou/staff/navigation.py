"""The staff app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("My permit"), "staff:me", {r.TECHNICIAN, r.DELIVERY_CREW}, order=180, section="mine"
        ),
        MenuEntry(
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
            order=190,
            section="staff",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=30)
