from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontdeskConfig(AppConfig):
    name = "shouhou.frontdesk"
    label = "frontdesk"
    verbose_name = _("Front desk and hotline")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from shouhou.core.textcheck import register_text_check

        from . import carryover, navigation, selectors, services

        navigation.register()
        # Notes on work orders and callback records are checked against the desk's language
        # guidance too (those apps sit below the desk and call core.textcheck.check_text).
        register_text_check(services.language_note)
        for fn in (
            selectors.carry_unanswered,
            selectors.carry_follow_ups,
            selectors.carry_reservations,
            selectors.carry_complaints,
            selectors.carry_returns,
            selectors.carry_lost_items,
        ):
            carryover.register_carry_over(fn)
