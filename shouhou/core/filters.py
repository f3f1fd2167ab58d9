"""List filters that refuse what they do not understand: `?ordering=` with an unknown field is a
400 naming the parameter, not a silently ignored request (DRF's OrderingFilter drops it)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        asked = [f for f in fields if f]
        unknown = [f for f in asked if f not in valid]
        if unknown:
            allowed = sorted(
                {
                    name
                    for name, _label in self.get_valid_fields(queryset, view, {"request": request})
                }
            )
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Unknown ordering %(fields)s; use one of: %(allowed)s.")
                        % {"fields": ", ".join(unknown), "allowed": ", ".join(allowed) or "—"}
                    ]
                }
            )
        return valid
