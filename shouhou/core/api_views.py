from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from shouhou.core.access import user_roles
from shouhou.core.authentication import token_expires_at, token_issue, token_rotate
from shouhou.core.errors import ValidationFailed


class _TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


_TokenOut = inline_serializer(
    "TokenOut", {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()}
)


def _token_body(token):
    return {"token": token.key, "expires_at": token_expires_at(token)}


@extend_schema(request=_TokenIn, responses=_TokenOut)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange a username and password for an API token (send it as `Authorization: Token …`).

    The token expires after API_TOKEN_TTL_HOURS (`expires_at`); asking again returns the same
    token while it is valid and a new one after. Repeated wrong passwords lock the username
    from that address (429, `locked_out`)."""
    data = _TokenIn(data=request.data)
    data.is_valid(raise_exception=True)
    # The Django request: django-axes records the failure and the lockout on it.
    user = authenticate(request._request, **data.validated_data)
    if user is None:
        raise ValidationFailed(_("Wrong username or password."), code="bad_credentials")
    return Response(_token_body(token_issue(user=user)))


@extend_schema(request=None, responses=_TokenOut)
@api_view(["POST"])
def rotate_token(request):
    """Replace the caller's token by a new one now; the old key stops working at once."""
    return Response(_token_body(token_rotate(user=request.user)))


@extend_schema(
    responses=inline_serializer(
        "Me",
        {
            "id": serializers.IntegerField(),
            "username": serializers.CharField(),
            "name": serializers.CharField(),
            "organisation": serializers.IntegerField(allow_null=True),
            "merchant": serializers.IntegerField(allow_null=True),
            "roles": serializers.ListField(child=serializers.CharField()),
        },
    )
)
@api_view(["GET"])
def me(request):
    """Who the caller is: organisation, merchant and roles."""
    u = request.user
    return Response(
        {
            "id": u.pk,
            "username": u.username,
            "name": str(u),
            "organisation": u.organisation_id,
            "merchant": u.merchant_id,
            "roles": sorted(user_roles(u)),
        }
    )
