from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "shouhou.sales"
    label = "sales"
    verbose_name = _("Sales contracts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation

        navigation.register()
