"""The roster's menu entries and dashboard cards (registered from `AppConfig.ready`), and the
service areas of a store on the organisation's store pages."""

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import MenuEntry, register_dashboard, register_menu
from shouhou.org.extensions import Section, SectionItem, register_section

from . import selectors


def store_areas(*, user, rows) -> dict:
    """The active service areas of the stores shown, with their districts, radius and how many
    technicians serve them (one query for every store of the page)."""
    if not selectors.is_office(user):
        return {}
    areas = (
        selectors.areas_list(user=user)
        .filter(store__in=[s.pk for s in rows], is_active=True)
        .annotate(technician_count=Count("members"))
    )
    items = defaultdict(list)
    for a in areas:
        districts = "、".join(a.districts or [])
        detail = _("%(districts)s within %(km)s km, %(n)s technicians") % {
            "districts": districts or "—",
            "km": a.radius_km,
            "n": a.technician_count,
        }
        items[a.store_id].append(
            SectionItem(label=a.name, detail=detail, url=reverse("roster:area", args=[a.pk]))
        )
    url = reverse("roster:areas")
    return {
        s.pk: Section(
            "service_areas", _("Service areas"), items.get(s.pk, []), url, _("All service areas")
        )
        for s in rows
    }


def register() -> None:
    register_menu(
        MenuEntry(
            _("Dispatch board"),
            "roster:board",
            selectors.DISPATCHERS,
            order=75,
            section="workorders",
        ),
        MenuEntry(_("Roster"), "roster:week", selectors.READERS, order=76, section="staff"),
    )
    register_dashboard(selectors.dashboard_cards, order=45)
    register_section("store", store_areas, order=10)
