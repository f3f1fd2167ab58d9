"""The catalog app's menu entries (registered from `AppConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_menu
from shouhou.org import roles as r


def register() -> None:
    register_menu(
        MenuEntry(
            _("Products"),
            "catalog:list",
            r.OFFICE_ROLES | {r.MERCHANT_ADMIN, r.WAREHOUSE_KEEPER},
            order=40,
            section="settings",
        ),
        MenuEntry(
            _("Brands and categories"),
            "catalog:references",
            r.OFFICE_ROLES | {r.WAREHOUSE_KEEPER},
            order=50,
            section="settings",
        ),
    )
