from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "shouhou.complaints"
    label = "complaints"
    verbose_name = _("Service complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation, receivers  # noqa: F401  (receivers connect)

        navigation.register()
