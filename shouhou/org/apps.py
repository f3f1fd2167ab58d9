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
        from shouhou.core import access

        from . import navigation
        from .roles import has_role, user_roles

        access.install(has_role=has_role, user_roles=user_roles)  # core reads roles through it
        navigation.register()
        # After every app's migrate: permissions of later apps exist only by then.
        post_migrate.connect(_after_migrate, dispatch_uid="shouhou.org.ensure_roles")
