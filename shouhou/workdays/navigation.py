"""The workdays app's menu entries (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_frame, register_menu
from shouhou.org import roles as r

from . import selectors


def register() -> None:
    register_menu(
        MenuEntry(
            _("Calendar"), "workdays:calendar", r.OFFICE_ROLES, order=250, section="settings"
        ),
    )
    register_frame(selectors.frame_context)
