from django.conf import settings


def shell(request):
    """What every page's frame needs: menu, site name, calendar warnings."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": settings.SHOUHOU_SITE_NAME}
    from shouhou.core.navigation import menu_for
    from shouhou.workdays.selectors import calendar_warnings

    org = getattr(user, "organisation", None)
    return {
        "site_name": settings.SHOUHOU_SITE_NAME,
        "menu": menu_for(user),
        "calendar_warnings": calendar_warnings(organisation=org) if org else [],
    }
