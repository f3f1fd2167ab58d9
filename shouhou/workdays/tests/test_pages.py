"""The calendar page, the warning on every page and in the admin."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhou.core.models import AuditEvent
from shouhou.workdays import services
from shouhou.workdays.models import WorkCalendar, WorkCalendarDay

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
D = dt.date
URL = "/workdays/calendar/"
WARNING_2027 = "2027年的法定节假日安排尚未录入，系统暂按周一至周五计算工作日"
NOVEMBER_2026 = dt.datetime(2026, 11, 20, 10, tzinfo=SH)
JUNE_2026 = dt.datetime(2026, 6, 1, 10, tzinfo=SH)


@pytest.fixture
def manager(make_user):
    return make_user("cs_manager")


def test_an_office_clerk_sees_the_years_holidays_and_make_up_days(client, clerk):
    client.force_login(clerk)
    resp = client.get(URL, {"year": 2026})
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "春节" in page and "调休上班（春节）" in page and "国庆节" in page
    assert 'class="holiday" title="春节" data-date="2026-02-17"' in page
    assert 'class="makeup" title="调休上班（春节）" data-date="2026-02-14"' in page
    assert 'id="day-form"' not in page  # a clerk may look, not edit
    assert 'id="year-warning"' not in page


def test_a_year_not_entered_is_shown_with_a_warning(client, clerk):
    client.force_login(clerk)
    page = client.get(URL, {"year": 2027}).content.decode()
    assert 'id="year-warning"' in page and WARNING_2027 in page


def test_in_november_the_people_who_can_act_are_warned_with_a_link_and_nobody_else(
    client, clerk, manager, make_user
):
    # the banner comes from the base template (core's context processor calls our selector)
    banner = f'<div class="banner warn" role="alert">{WARNING_2027}'
    link = '<a href="/workdays/calendar/?year=2027#notice">录入2027年的节假日安排</a>'
    for user in (manager, make_user("administration")):
        client.force_login(user)
        with time_machine.travel(NOVEMBER_2026):
            page = client.get("/").content.decode()
            assert banner in page and link in page
        with time_machine.travel(JUNE_2026):
            assert WARNING_2027 not in client.get(URL, {"year": 2026}).content.decode()
    for user in (clerk, make_user("store_manager"), make_user("technician")):
        client.force_login(user)
        with time_machine.travel(NOVEMBER_2026):
            assert WARNING_2027 not in client.get("/").content.decode()


def test_a_technician_can_neither_see_nor_edit_the_calendar(client, make_user):
    tech = make_user("technician")
    client.force_login(tech)
    assert client.get(URL).status_code == 403
    resp = client.post(
        URL,
        {"action": "set_day", "day-date": "2026-03-02", "day-kind": "holiday", "day-name": "x"},
    )
    assert resp.status_code == 403
    assert not WorkCalendarDay.objects.filter(date=D(2026, 3, 2)).exists()


def test_a_clerk_cannot_edit_the_calendar(client, clerk):
    client.force_login(clerk)
    resp = client.post(
        URL,
        {"action": "set_day", "day-date": "2026-03-02", "day-kind": "holiday", "day-name": "x"},
    )
    assert resp.status_code == 403
    assert not WorkCalendarDay.objects.filter(date=D(2026, 3, 2)).exists()


def test_a_manager_adds_and_removes_a_day(client, manager, org):
    client.force_login(manager)
    resp = client.post(
        URL + "?year=2026",
        {"action": "set_day", "day-date": "2026-03-02", "day-kind": "holiday", "day-name": "店庆"},
    )
    assert resp.status_code == 302 and resp["Location"].endswith("?year=2026")
    assert not services.is_working_day(D(2026, 3, 2), org)
    page = client.get(resp["Location"]).content.decode()
    assert "店庆" in page and 'id="day-form"' in page
    resp = client.post(
        URL, {"action": "remove_day", "year_shown": "2026", "remove-date": "2026-03-02"}
    )
    assert resp.status_code == 302
    assert services.is_working_day(D(2026, 3, 2), org)


def test_a_wrong_day_is_shown_on_the_form_with_what_was_typed(client, manager):
    client.force_login(manager)
    resp = client.post(
        URL,
        {
            "action": "set_day",
            "year_shown": "2026",
            "day-date": "2026-03-02",
            "day-kind": "workday",
        },
    )
    assert resp.status_code == 400
    page = resp.content.decode()
    assert "2026-03-02" in page and 'class="error"' in page


def test_a_manager_enters_next_year_on_the_page_and_the_warning_goes(client, manager, org):
    client.force_login(manager)
    resp = client.post(
        URL,
        {
            "action": "enter_year",
            "year_shown": "2027",
            "enter-year": "2027",
            "enter-holidays": "2027-01-01 元旦\n2027-02-06~2027-02-14 春节\n",
            "enter-workdays": "2027-02-20 调休上班",
            "enter-note": "国办通知",
        },
    )
    assert resp.status_code == 302, resp.content.decode()
    assert WorkCalendar.objects.get(organisation=org, year=2027).source == "manual"
    assert WorkCalendarDay.objects.filter(organisation=org, date__year=2027).count() == 11
    with time_machine.travel(NOVEMBER_2026):
        assert WARNING_2027 not in client.get(URL, {"year": 2026}).content.decode()


def test_typed_lines_that_are_not_dates_are_refused(client, manager, org):
    client.force_login(manager)
    resp = client.post(
        URL,
        {"action": "enter_year", "enter-year": "2027", "enter-holidays": "next monday 春节"},
    )
    assert resp.status_code == 400
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_a_manager_uploads_a_csv_for_a_year(client, manager, org):
    client.force_login(manager)
    csv = "date,is_working,name\n2027-10-01,0,国庆节\n2027-10-02,0,国庆节\n2027-10-09,1,\n"
    resp = client.post(
        URL,
        {
            "action": "upload",
            "upload-year": "2027",
            "upload-file": SimpleUploadedFile("2027.csv", csv.encode("utf-8-sig")),
        },
    )
    assert resp.status_code == 302
    assert not services.is_working_day(D(2027, 10, 1), org)
    assert services.is_working_day(D(2027, 10, 9), org)
    assert AuditEvent.objects.filter(action="shouhou.workcalendar.entered").count() == 1


def test_an_upload_with_days_of_another_year_is_refused(client, manager, org):
    client.force_login(manager)
    csv = "2027-10-01,0,国庆节\n2028-01-01,0,元旦\n"
    resp = client.post(
        URL,
        {
            "action": "upload",
            "upload-year": "2027",
            "upload-file": SimpleUploadedFile("2027.csv", csv.encode()),
        },
    )
    assert resp.status_code == 400
    assert "2028-01-01" in resp.content.decode()
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_another_organisations_calendar_is_not_visible(client, clerk, other_org, make_user):
    boss = make_user("administration", organisation=other_org)
    services.calendar_day_set(
        by=boss, organisation=other_org, date=D(2026, 3, 2), is_working=False, name="外店庆典"
    )
    client.force_login(clerk)
    page = client.get(URL, {"year": 2026}).content.decode()
    assert "外店庆典" not in page
    assert 'class="working" data-date="2026-03-02"' in page


def test_the_admin_list_of_calendars_warns_about_a_missing_year(client, make_user):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    with time_machine.travel(NOVEMBER_2026):
        resp = client.get("/admin/workdays/workcalendar/")
    assert resp.status_code == 200
    assert WARNING_2027 in resp.content.decode()


def test_the_admin_pages_of_calendars_and_days_open(client, make_user, org):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    cal = WorkCalendar.objects.get(organisation=org, year=2026)
    assert client.get(f"/admin/workdays/workcalendar/{cal.pk}/change/").status_code == 200
    assert client.get("/admin/workdays/workcalendarday/").status_code == 200


def test_an_admin_edit_of_a_package_year_makes_it_manual(client, make_user, org):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    cal = WorkCalendar.objects.get(organisation=org, year=2026)
    day = WorkCalendarDay.objects.get(organisation=org, date=D(2026, 1, 1))
    resp = client.post(
        "/admin/workdays/workcalendarday/add/",
        {"calendar": cal.pk, "date": "2026-03-02", "is_working": "", "name": "店庆"},
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    cal.refresh_from_db()
    assert cal.source == "manual"
    assert not services.is_working_day(D(2026, 3, 2), org)
    assert day.name == "元旦"


def test_the_calendar_page_accepts_an_excel_file(client, manager, org):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["date", "is_working", "name"])
    sheet.append([dt.datetime(2027, 1, 1), 0, "元旦"])
    sheet.append(["2027-01-02", "否", "元旦"])
    buf = io.BytesIO()
    book.save(buf)
    client.force_login(manager)
    resp = client.post(
        URL,
        {
            "action": "upload",
            "upload-year": "2027",
            "upload-file": SimpleUploadedFile("2027.xlsx", buf.getvalue()),
        },
    )
    assert resp.status_code == 302
    assert [h.date for h in services.holidays_between(D(2027, 1, 1), D(2027, 1, 31), org)] == [
        D(2027, 1, 1),
        D(2027, 1, 2),
    ]
