"""The dealers app's menu entries and dashboard cards (registered from `AppConfig.ready`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu, register_section
from shouhou.org import extensions as org_pages
from shouhou.org import roles as r

from . import access as A
from . import selectors


def register() -> None:
    register_section("dealers", pgettext_lazy("menu section", "Dealer service"), order=75)
    register_menu(
        MenuEntry(_("Dealers"), "dealers:index", A.READERS, order=215, section="dealers"),
        MenuEntry(
            _("Supplier claims"),
            "dealers:claims",
            A.CLAIMS | {r.GENERAL_MANAGER, r.VP_OPERATIONS},
            order=216,
            section="dealers",
        ),
    )
    register_dashboard(selectors.dashboard_cards, order=85)
    # The organisation's dealer pages: which dealer a dealer's login is, and its work here.
    org_pages.register_dealer_of(_dealer_id_of)
    org_pages.register_section("dealer", dealer_work, order=10)


def _dealer_id_of(user) -> int | None:
    dealer = A.member_dealer(user)
    return dealer.pk if dealer is not None else None


def dealer_work(*, user, rows) -> dict:
    """A link from each dealer's page to its cards, tasks, repairs and account (no query)."""
    if not A.can_read(user):
        return {}
    return {
        d.pk: org_pages.Section(
            "dealer_work",
            _("Warranty service"),
            [
                org_pages.SectionItem(
                    _("Warranty cards, service tasks, repair records and account"),
                    url=reverse("dealers:dealer", args=[d.pk]),
                )
            ],
        )
        for d in rows
    }
