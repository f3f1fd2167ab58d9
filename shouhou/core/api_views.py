from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from shouhou.core.access import user_roles
from shouhou.core.errors import ValidationFailed


class _TokenIn(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


@extend_schema(
    request=_TokenIn, responses=inline_serializer("TokenOut", {"token": serializers.CharField()})
)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange a username and password for an API token (send it as `Authorization: Token …`)."""
    data = _TokenIn(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(request, **data.validated_data)
    if user is None:
        raise ValidationFailed(_("Wrong username or password."), code="bad_credentials")
    token, _created = Token.objects.get_or_create(user=user)
    return Response({"token": token.key})


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
