"""The promises app's menu entries (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_menu
from shouhou.org import roles as r


def register() -> None:
    register_menu(
        MenuEntry(
            _("Promise counter"), "promises:counter", r.OFFICE_ROLES, order=70, section="intake"
        ),
    )
