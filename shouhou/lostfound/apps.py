from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LostFoundConfig(AppConfig):
    name = "shouhou.lostfound"
    label = "lostfound"
    verbose_name = _("Lost property")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import navigation

        navigation.register()
