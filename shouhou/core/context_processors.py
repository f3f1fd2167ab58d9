from django.conf import settings
from django.utils.translation import gettext_lazy as _


def site_name():
    return settings.SHOUHOU_SITE_NAME or _("Shouhou after-sales")


def shell(request):
    """What every page's frame needs: menu, site name, calendar warnings."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": site_name()}
    from shouhou.core.navigation import menu_for
    from shouhou.workdays.selectors import calendar_banners

    return {
        "site_name": site_name(),
        "menu": menu_for(user),
        # only for the people who can enter the missing year, with a link to do it
        "calendar_warnings": calendar_banners(user=user),
    }
