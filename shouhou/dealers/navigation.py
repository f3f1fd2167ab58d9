"""The dealers app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu, register_section
from shouhou.org import roles as r

from . import access as A
from . import selectors


def register() -> None:
    register_section("dealers", pgettext_lazy("menu section", "Dealer service"), order=75)
    register_menu(
        MenuEntry(_("Dealers"), "dealers:index", A.READERS, order=215, section="dealers"),
        MenuEntry(
            _("Supplier claims"),
            "dealers:claims",
            A.CLAIMS | {r.GENERAL_MANAGER, r.VP_OPERATIONS},
            order=216,
            section="dealers",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=85)
