from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "shouhou.complaints"
    label = "complaints"
    verbose_name = _("Service complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shouhou.customers.cases import register_case_records

        from . import case_links, navigation, receivers  # noqa: F401  (receivers connect)

        navigation.register()
        register_case_records(case_links.RECORDS)
