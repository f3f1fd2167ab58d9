"""The workorders app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import (
    MenuEntry,
    register_dashboard,
    register_dashboard_panel,
    register_menu,
    register_search,
)
from shouhou.customers.selectors import register_history_source
from shouhou.org import roles as r

from . import dashboard, selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Work orders"),
            "workorders:list",
            r.OFFICE_ROLES | {r.MERCHANT_ADMIN},
            order=60,
            section="workorders",
            badge=selectors.overdue_count,
        ),
        MenuEntry(
            _("Loan units"), "workorders:loans", r.OFFICE_ROLES, order=65, section="workorders"
        ),
        MenuEntry(
            _("Old parts"),
            "workorders:old_parts",
            r.OFFICE_ROLES | {r.WAREHOUSE_KEEPER},
            order=150,
            section="parts",
        ),
        MenuEntry(
            _("My jobs"),
            "workorders:my_jobs",
            {r.TECHNICIAN, r.DELIVERY_CREW},
            order=160,
            section="mine",
            badge=selectors.my_jobs_count,
        ),
        MenuEntry(_("Reports"), "workorders:reports", r.OFFICE_ROLES, order=200, section="reports"),
    )
    register_dashboard(selectors.dashboard_cards, order=40)
    register_dashboard_panel(dashboard.manager_panels, order=10, roles=r.TREND_ROLES)
    register_dashboard_panel(dashboard.clerk_panels, order=10, roles={r.CLERK, r.SERVICE_DESK})
    register_dashboard_panel(dashboard.technician_panels, order=10, roles={r.TECHNICIAN})
    register_search(selectors.search_hits, order=10)
    register_history_source(selectors.customer_history_items)
