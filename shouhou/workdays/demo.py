"""Demo data: every demo organisation gets the official schedule the package knows."""

from types import SimpleNamespace

from .services import calendar_import_package_years


def seed(ctx: SimpleNamespace) -> None:
    ctx.calendar_counts = {
        code: calendar_import_package_years(organisation=org) for code, org in ctx.orgs.items()
    }
