"""The delivery app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Deliveries"), "delivery:calendar", r.OFFICE_ROLES, order=130, section="delivery"
        ),
        MenuEntry(
            _("Workshop"),
            "delivery:workshop",
            {r.WORKSHOP_SUPERVISOR, r.CS_SUPERVISOR, r.CS_MANAGER},
            order=140,
            section="delivery",
        ),
        MenuEntry(_("My runs"), "delivery:my_runs", {r.DELIVERY_CREW}, order=170, section="mine"),
    )
    register_dashboard(selectors.dashboard_cards, order=70)
