from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartsConfig(AppConfig):
    name = "shouhou.parts"
    label = "parts"
    verbose_name = _("Spare parts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation, receivers  # noqa: F401  (receivers connect on import)

        navigation.register()
