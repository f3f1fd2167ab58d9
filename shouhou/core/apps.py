from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import connect_org_settings
        from .navigation import ALL, MenuEntry, register_menu

        register_menu(MenuEntry(_("Dashboard"), "dashboard", ALL, order=10))
        # No role opens it: superusers (who have every role) only, see views.job_runs.
        register_menu(MenuEntry(_("Job runs"), "job-runs", [], order=990, section="settings"))
        connect_org_settings()
        from . import orgcache

        orgcache.connect()
