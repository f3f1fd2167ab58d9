"""What the dealers API's resources share: the base viewset (keyset pages, the user in the
serializer context, the read check) and the input helpers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import viewsets

from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.listing import SummaryListMixin
from shouhou.core.pagination import KeysetPagination

from . import access as A
from . import selectors


def valid_input(cls, data) -> dict:
    s = cls(data=data)
    s.is_valid(raise_exception=True)
    return dict(s.validated_data)


def dealer_from(request, pk, field="dealer"):
    if pk in (None, ""):
        raise ValidationFailed(fields={field: [_("Choose the dealer.")]})
    try:
        return selectors.dealer_get(user=request.user, dealer=pk)
    except NotFoundError:
        raise ValidationFailed(fields={field: [_("Not found.")]}) from None


def own_or_given_dealer(request, pk):
    own = A.member_dealer(request.user)
    return own if own is not None and pk in (None, "") else dealer_from(request, pk)


class DealerViewSet(SummaryListMixin, viewsets.GenericViewSet):
    pagination_class = KeysetPagination

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "user": self.request.user}

    def get_queryset(self):
        """For the schema only (the path's id type); the actions read through selectors."""
        return self.serializer_class.Meta.model._default_manager.none()

    def _page(self, qs, out, **kwargs):
        return self.list_response(qs, out, context=self.get_serializer_context(), **kwargs)

    def _require_read(self):
        if not A.can_read(self.request.user):
            raise PermissionDeniedError()
