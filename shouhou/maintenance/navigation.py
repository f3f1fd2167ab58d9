"""The maintenance app's menu entries and dashboard card (registered from `AppConfig.ready`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors, services


def dashboard_cards(*, user) -> list[dict]:
    if not selectors.can_read(user):
        return []

    overdue = selectors.visits_overdue(user=user).count()
    return [
        {
            "label": _("Overdue maintenance visits"),
            "value": overdue,
            "url": reverse("maintenance:board"),
            "alert": overdue > 0,
        }
    ]


def register() -> None:
    register_menu(
        MenuEntry(
            _("Maintenance plans"),
            "maintenance:board",
            selectors.READ_ROLES,
            order=160,
            section="workorders",
        ),
        MenuEntry(
            _("My visits"), "maintenance:my_visits", {r.TECHNICIAN}, order=161, section="mine"
        ),
        MenuEntry(_("My duties"), "maintenance:my_duties", None, order=162, section="mine"),
        MenuEntry(
            _("Duty board"),
            "maintenance:duty_board",
            services.SUPERVISOR_ROLES,
            order=163,
            section="staff",
        ),
    )
    register_dashboard(dashboard_cards, order=70)
