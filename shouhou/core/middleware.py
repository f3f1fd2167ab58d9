from django_scopes import scope, scopes_disabled


def scope_for_user(user):
    """The django-scopes context for what `user` may see: their organisation, or nothing.

    Superusers without an organisation (site operators) see every organisation.
    """
    if user is not None and user.is_authenticated:
        if getattr(user, "organisation_id", None):
            return scope(organisation=user.organisation_id)
        if user.is_superuser:
            return scopes_disabled()
    # An empty list filters to nothing: anonymous pages cannot read scoped data by accident.
    return scope(organisation=[])


def _token_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return None
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=header[6:].strip()).first()
    return token.user if token and token.user.is_active else None


class OrganisationScopeMiddleware:
    """Activate the user's organisation scope for the whole request (session or API token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if request.user.is_authenticated else _token_user(request)
        with scope_for_user(user):
            return self.get_response(request)
