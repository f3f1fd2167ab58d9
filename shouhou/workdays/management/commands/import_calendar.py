"""manage.py import_calendar: copy the package's official schedule or import a year from a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from shouhou.core.errors import DomainError
from shouhou.workdays import services
from shouhou.workdays.fileformat import FORMAT_HELP, read_file, split_rows


class Command(BaseCommand):
    help = (
        "Fill the working-day calendar of one or every organisation. --from-package copies the "
        "official holidays and make-up working days the chinesecalendar package knows (never "
        "overwriting a year entered by hand). --file PATH imports a year's official schedule "
        "(replacing that year, which becomes a manual year). File format: " + FORMAT_HELP + " "
        "Example rows: 2027-02-06,0,春节 / 2027-02-07,1,调休上班. A file may hold several "
        "years; each is entered separately."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation",
            metavar="CODE",
            help="the organisation's code (default: every organisation)",
        )
        parser.add_argument(
            "--from-package",
            action="store_true",
            help="copy the chinesecalendar package's years",
        )
        parser.add_argument(
            "--file", metavar="PATH", help="a .csv or .xlsx file: date,is_working,name"
        )
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            help="only this year (repeatable); with --file every row must be in these years",
        )
        parser.add_argument("--note", default="", help="a note stored with an imported year")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="record this user as who entered the data (default: the system)",
        )

    def handle(self, *args, **opts):
        if not opts["from_package"] and not opts["file"]:
            raise CommandError("Give --from-package and/or --file PATH.")
        from shouhou.org.models import Organisation, User

        with scopes_disabled():
            orgs = Organisation.objects.order_by("code")
            if opts["organisation"]:
                orgs = orgs.filter(code=opts["organisation"])
                if not orgs.exists():
                    raise CommandError(f"No organisation with code {opts['organisation']!r}.")
            by = None
            if opts["user"]:
                by = User.objects.filter(username=opts["user"]).first()
                if by is None:
                    raise CommandError(f"No user {opts['user']!r}.")
            by_year = None
            if opts["file"]:
                path = Path(opts["file"])
                if not path.is_file():
                    raise CommandError(f"No file {path}.")
                try:
                    rows = read_file(path.read_bytes(), path.name)
                except DomainError as exc:
                    raise CommandError(_messages(exc)) from None
                by_year = {}
                for row in rows:
                    by_year.setdefault(row[0].year, []).append(row)
                if opts["year"]:
                    stray = sorted(set(by_year) - set(opts["year"]))
                    if stray:
                        raise CommandError(
                            f"The file has days of {stray}, outside --year {opts['year']}."
                        )
            for org in orgs:
                if opts["from_package"]:
                    try:
                        counts = services.calendar_import_package_years(
                            organisation=org, years=opts["year"], by=by
                        )
                    except DomainError as exc:
                        raise CommandError(f"{org.code}: {_messages(exc)}") from None
                    self.stdout.write(f"{org.code}: package {counts}")
                for year, year_rows in sorted((by_year or {}).items()):
                    holidays, workdays = split_rows(year_rows)
                    try:
                        services.calendar_enter_year(
                            organisation=org,
                            year=year,
                            holidays=holidays,
                            workdays=workdays,
                            by=by,
                            note=opts["note"],
                        )
                    except DomainError as exc:
                        raise CommandError(f"{org.code} {year}: {_messages(exc)}") from None
                    self.stdout.write(
                        f"{org.code}: {year} entered "
                        f"({len(holidays)} holidays, {len(workdays)} make-up working days)"
                    )


def _messages(exc: DomainError) -> str:
    parts = [str(exc.message)]
    for field, messages in exc.fields.items():
        parts += [f"{field}: {m}" for m in messages]
    return "\n".join(parts)
