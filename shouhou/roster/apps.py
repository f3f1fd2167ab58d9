from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "shouhou.roster"
    label = "roster"
    verbose_name = _("Rosters and dispatch board")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation, receivers  # noqa: F401

        navigation.register()
