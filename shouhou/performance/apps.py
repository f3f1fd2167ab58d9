from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "shouhou.performance"
    label = "performance"
    verbose_name = _("Technician performance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation

        navigation.register()
