"""The notify app's menu entry and dashboard card (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Customer messages"),
            "notify:messages",
            r.OFFICE_ROLES,
            order=255,
            section="callbacks",
        )
    )
    register_dashboard(selectors.dashboard_cards, order=90)
