from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "shouhou.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shouhou.workorders.jobs import register_rule

        from . import jobs, receivers  # noqa: F401 - connects the receivers

        register_rule(jobs.APPOINTMENT_TASKS)
