"""The callbacks app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

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
            _("Callbacks"),
            "callbacks:my_list",
            r.OFFICE_ROLES,
            order=100,
            section="callbacks",
            badge=selectors.due_today_count,
        ),
        MenuEntry(
            _("Callback records"),
            "callbacks:records",
            r.OFFICE_ROLES,
            order=110,
            section="callbacks",
        ),
        MenuEntry(
            _("Callback coverage"),
            "callbacks:coverage",
            r.OFFICE_ROLES,
            order=120,
            section="callbacks",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=50)
    register_dashboard_panel(dashboard.desk_panels, order=20, roles={r.CLERK, r.CALL_CENTRE})
