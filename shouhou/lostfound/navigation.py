"""The lost-property app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org import roles as r

from . import selectors, services


def register() -> None:
    register_menu(
        MenuEntry(
            _("Lost property"),
            "lostfound:desk",
            set(services.MOVE_ROLES),
            order=175,
            section="intake",
        ),
        MenuEntry(
            _("Lost property: security"),
            "lostfound:security",
            set(services.GUARD_ROLES),
            order=176,
            section="intake",
        ),
        MenuEntry(
            _("Lost property: signatures"),
            "lostfound:supervisor",
            {*services.VALUABLE_ROLES, *services.LP_SIGN_ROLES, r.ADMINISTRATION, r.STORE_MANAGER},
            order=177,
            section="intake",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=75)
