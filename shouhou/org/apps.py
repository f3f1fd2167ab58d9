from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, **kwargs):
    from .roles import ensure_roles

    ensure_roles()


class OrgConfig(AppConfig):
    name = "shouhou.org"
    label = "org"
    verbose_name = _("Organisations and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_after_migrate, sender=self)
