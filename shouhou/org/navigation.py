"""The organisation pages' menu entries (registered from `AppConfig.ready`), under 设置."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_menu

from . import access as A
from . import roles as r


def register() -> None:
    register_menu(
        MenuEntry(_("Stores"), "org:stores", A.STORE_READERS, order=240, section="settings"),
        MenuEntry(
            _("Service stations"), "org:stations", r.OFFICE_ROLES, order=241, section="settings"
        ),
        MenuEntry(
            _("Departments"),
            "org:departments",
            A.DEPARTMENT_READERS,
            order=242,
            section="settings",
        ),
        MenuEntry(
            _("Merchants"), "org:merchants", A.MERCHANT_READERS, order=243, section="settings"
        ),
        MenuEntry(
            _("Dealer directory"), "org:dealers", A.DEALER_READERS, order=244, section="settings"
        ),
    )
