from django_scopes import scopes_disabled
from drf_spectacular.management.commands.spectacular import Command as SpectacularCommand


class Command(SpectacularCommand):
    help = "Write the OpenAPI schema (like `spectacular`, outside any organisation's scope)."

    def handle(self, *args, **options):
        # Filter sets build querysets of scoped models at import; no request scope exists here.
        with scopes_disabled():
            return super().handle(*args, **options)
