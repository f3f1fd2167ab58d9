import datetime as dt
from importlib import import_module
from importlib.util import find_spec
from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from shouhou.org.demo import DEMO_PASSWORD

# Order matters: each app's seed may use what the earlier ones put on `ctx`.
DEMO_APPS = [
    "org",
    "workdays",
    "catalog",
    "customers",
    "sales",
    "staff",
    "workorders",
    "callbacks",
    "promises",
    "complaints",
    "delivery",
    "performance",
    "notify",
    "frontdesk",
    "dealers",
    "parts",
    "roster",
    "lostfound",
    "maintenance",
]


class Command(BaseCommand):
    help = (
        "Build a believable demo (a market with merchants, a furniture store, a brand "
        "service centre, staff, customers, contracts, orders). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="pretend today is this date (YYYY-MM-DD)",
        )

    def handle(self, *args, today=None, **options):
        ctx = SimpleNamespace(today=today or timezone.localdate())
        with scopes_disabled():
            for app in DEMO_APPS:
                if find_spec(f"shouhou.{app}.demo") is None:
                    continue
                module = import_module(f"shouhou.{app}.demo")
                with transaction.atomic():
                    module.seed(ctx)
                self.stdout.write(f"  seeded {app}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready. Log in as 'manager' (or clerk, desk, finance, callcentre, tech1, "
                f"merchant1, admin) with password '{DEMO_PASSWORD}'."
            )
        )
