from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaintenanceConfig(AppConfig):
    name = "shouhou.maintenance"
    label = "maintenance"
    verbose_name = _("Maintenance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, navigation, receivers

        navigation.register()
        receivers.connect()
        checks.register_builtin()
