from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import frame_context, menu_sections


def site_name():
    return settings.SHOUHOU_SITE_NAME or _("Shouhou after-sales")


def shell(request):
    """What every page's frame needs: menu, site name, and what the apps add (calendar warnings)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": site_name()}
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    return {
        "site_name": site_name(),
        "menu_sections": menu_sections(user, current),
        **frame_context(user),
    }
