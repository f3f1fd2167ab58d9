from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "shouhou.workorders"
    label = "workorders"
    verbose_name = _("Work orders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shouhou.customers.cases import register_case_records

        from . import case_records, navigation

        navigation.register()
        register_case_records(case_records.RECORDS)
