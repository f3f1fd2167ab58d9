from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealersConfig(AppConfig):
    name = "shouhou.dealers"
    label = "dealers"
    verbose_name = _("Dealers and supplier claims")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shouhou.promises.services import register_warranty_check

        from . import navigation, receivers, services  # noqa: F401  (receivers connect)

        navigation.register()
        register_warranty_check(services.late_card_check)
