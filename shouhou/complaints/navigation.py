"""The complaints app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import (
    ALL,
    MenuEntry,
    register_dashboard,
    register_dashboard_panel,
    register_menu,
    register_search,
)
from shouhou.org import roles as r

from . import dashboard, selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Complaints and returns"),
            "complaints:list",
            r.OFFICE_ROLES,
            order=80,
            section="complaints",
        ),
        MenuEntry(
            _("Approvals"),
            "complaints:approvals",
            r.OFFICE_ROLES,
            order=90,
            section="complaints",
            badge=selectors.approvals_count,
        ),
        MenuEntry(
            _("Complaint statistics"),
            "complaints:statistics",
            r.OFFICE_ROLES,
            order=210,
            section="reports",
        ),
        MenuEntry(
            _("Notifications"),
            "complaints:notifications",
            ALL,
            order=240,
            section="mine",
            badge=selectors.unread_notifications_count,
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=60)
    register_dashboard_panel(dashboard.manager_panels, order=30, roles=r.TREND_ROLES)
    register_search(selectors.search_hits, order=40)
