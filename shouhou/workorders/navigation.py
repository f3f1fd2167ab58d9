"""The workorders app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu, register_search
from shouhou.org import roles as r

from . import selectors


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
    register_search(selectors.search_hits, order=10)
