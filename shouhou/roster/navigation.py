"""The roster's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Dispatch board"),
            "roster:board",
            selectors.DISPATCHERS,
            order=75,
            section="workorders",
        ),
        MenuEntry(_("Roster"), "roster:week", selectors.READERS, order=76, section="staff"),
    )
    register_dashboard(selectors.dashboard_cards, order=45)
