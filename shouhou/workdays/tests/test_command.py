"""manage.py import_calendar: from the package, from CSV and from Excel."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from shouhou.workdays import services
from shouhou.workdays.models import WorkCalendar, WorkCalendarDay
from shouhou.workdays.package import package_years

pytestmark = pytest.mark.django_db
D = dt.date

CSV_2027 = (
    "date,is_working,name\n"
    "2027-02-06,0,春节\n2027-02-07,0,春节\n2027-02-08,0,春节\n"
    "2027-02-20,1,调休上班\n"
)


def run(*args):
    out = io.StringIO()
    call_command("import_calendar", *args, stdout=out)
    return out.getvalue()


def test_from_package_copies_every_known_year_for_every_organisation(org, other_org):
    out = run("--from-package")
    for organisation in (org, other_org):
        years = set(
            WorkCalendar.objects.filter(organisation=organisation).values_list("year", flat=True)
        )
        assert years == set(package_years())
    assert "test-market" in out and "other-org" in out
    again = run("--from-package", "--organisation", "test-market")
    assert "'created': 0" in again and "other-org" not in again


def test_a_csv_file_enters_its_year_for_one_organisation(tmp_path, org, other_org):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    out = run("--file", str(path), "--organisation", "test-market", "--note", "国办通知")
    assert "2027 entered (3 holidays, 1 make-up working days)" in out
    cal = WorkCalendar.objects.get(organisation=org, year=2027)
    assert (cal.source, cal.note) == ("manual", "国办通知")
    assert not services.is_working_day(D(2027, 2, 8), org)
    assert services.is_working_day(D(2027, 2, 20), org)
    assert not WorkCalendar.objects.filter(organisation=other_org, year=2027).exists()


def test_a_csv_saved_by_excel_in_gb18030_is_read(tmp_path, org):
    path = tmp_path / "2027.csv"
    path.write_bytes(
        "日期,是否上班,名称\n2027-10-01,否,国庆节\n2027-10-09,上班,\n".encode("gb18030")
    )
    run("--file", str(path), "--organisation", "test-market")
    assert services.calendar_for(org).day_name(D(2027, 10, 1)) == "国庆节"
    assert services.calendar_for(org).day_name(D(2027, 10, 9)) == "调休上班"


def test_an_excel_file_is_imported(tmp_path, org):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["date", "is_working", "name"])
    sheet.append([dt.datetime(2027, 5, 1), 0, "劳动节"])
    sheet.append([D(2027, 5, 2), "0", "劳动节"])
    sheet.append([None, None, None])
    sheet.append(["2027/05/08", 1, "调休上班"])
    path = tmp_path / "2027.xlsx"
    book.save(path)
    run("--file", str(path), "--organisation", "test-market")
    days = list(
        WorkCalendarDay.objects.filter(organisation=org, date__year=2027)
        .order_by("date")
        .values_list("date", "is_working", "name")
    )
    assert days == [
        (D(2027, 5, 1), False, "劳动节"),
        (D(2027, 5, 2), False, "劳动节"),
        (D(2027, 5, 8), True, "调休上班"),
    ]


def test_a_broken_file_is_refused_with_the_row_and_nothing_is_written(tmp_path, org):
    path = tmp_path / "bad.csv"
    path.write_text("2027-02-06,0,春节\n2027-02-31,0,春节\n2027-02-07,maybe,春节\n")
    with pytest.raises(CommandError) as err:
        run("--file", str(path))
    assert "Row 2" in str(err.value) or "第2行" in str(err.value)
    assert not WorkCalendar.objects.filter(year=2027).exists()


def test_a_schedule_that_breaks_the_rules_is_refused(tmp_path, org):
    path = tmp_path / "bad.csv"
    path.write_text("2027-02-08,1,调休上班\n")  # a Monday cannot be a make-up working day
    with pytest.raises(CommandError):
        run("--file", str(path), "--organisation", "test-market")
    assert not WorkCalendar.objects.filter(year=2027).exists()


def test_the_command_needs_something_to_do_and_a_known_organisation(tmp_path, org):
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("--from-package", "--organisation", "nope")
    with pytest.raises(CommandError):
        run("--file", str(tmp_path / "missing.csv"))


def test_the_help_describes_the_file_format():
    from shouhou.workdays.management.commands.import_calendar import Command

    assert "date,is_working,name" in Command.help
