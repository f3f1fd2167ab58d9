"""Importing the State Council's notice: the page (preview, then confirm), the API (dry_run),
and the read endpoints other systems use."""

import datetime as dt

import pytest

from shouhou.workdays import services
from shouhou.workdays.models import WorkCalendar, WorkCalendarDay

from .test_notice import NOTICE_2027

pytestmark = pytest.mark.django_db

URL = "/workdays/calendar/"
IMPORT = "/api/v1/workdays/calendars/import-notice/"
CALENDARS = "/api/v1/workdays/calendars/"
D = dt.date


@pytest.fixture
def manager(make_user):
    return make_user("cs_manager")


def test_the_page_shows_the_days_read_and_saves_them_only_on_confirmation(client, manager, org):
    client.force_login(manager)
    resp = client.post(
        URL, {"action": "notice_preview", "notice-year": "", "notice-text": NOTICE_2027}
    )
    page = resp.content.decode()
    assert resp.status_code == 200, page
    assert 'id="notice-preview"' in page and 'id="notice-confirm-form"' in page
    assert "2027-02-05" in page and "2027-02-13" in page and "2027-10-09" in page
    assert "29" in page  # holidays read
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()
    resp = client.post(
        URL,
        {
            "action": "notice_confirm",
            "year_shown": "2027",
            "notice-year": "2027",
            "notice-text": NOTICE_2027,
        },
    )
    assert resp.status_code == 302 and resp.url.endswith("?year=2027")
    cal = WorkCalendar.objects.get(organisation=org, year=2027)
    assert cal.source == "manual" and cal.entered_by == manager
    days = WorkCalendarDay.objects.filter(calendar=cal)
    assert days.filter(is_working=False).count() == 29
    assert set(days.filter(is_working=True).values_list("date", flat=True)) == {
        D(2027, 2, 20),
        D(2027, 4, 25),
        D(2027, 5, 8),
        D(2027, 9, 26),
        D(2027, 10, 9),
    }
    assert not services.is_working_day(D(2027, 2, 10), org)
    assert services.is_working_day(D(2027, 2, 20), org)


def test_a_malformed_notice_on_the_page_says_why_and_saves_nothing(client, manager, org):
    client.force_login(manager)
    resp = client.post(
        URL,
        {
            "action": "notice_preview",
            "notice-year": "2027",
            "notice-text": "春节：2月5日至13日放假调休，共8天。",
        },
    )
    assert resp.status_code == 400
    assert "8" in resp.content.decode() and 'id="notice-preview"' not in resp.content.decode()
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_a_clerk_cannot_import_a_notice(client, clerk, org):
    client.force_login(clerk)
    resp = client.post(URL, {"action": "notice_preview", "notice-text": NOTICE_2027})
    assert resp.status_code == 403


def test_the_api_dry_run_answers_the_days_and_writes_nothing_then_saves(api, manager, org):
    resp = api.as_(manager).post(IMPORT, {"text": NOTICE_2027, "dry_run": True})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["year"] == 2027 and body["saved"] is False
    assert len(body["holidays"]) == 29
    assert {"date": "2027-02-20", "name": "调休上班（春节）"} in body["workdays"]
    assert body["sections"][1] == {
        "name": "春节",
        "first": "2027-02-05",
        "last": "2027-02-13",
        "days": 9,
        "workdays": ["2027-02-20"],
    }
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()
    resp = api.post(IMPORT, {"text": NOTICE_2027})
    assert resp.status_code == 201 and resp.json()["saved"] is True
    year = api.get(CALENDARS + "2027/").json()
    assert year["source"] == "manual" and year["holiday_count"] == 29
    assert year["workday_count"] == 5


def test_the_api_refuses_a_malformed_notice_with_every_reason(api, manager, org):
    resp = api.as_(manager).post(
        IMPORT,
        {"text": "春节：2月5日至13日放假调休，共8天。2月16日上班。", "year": 2027},
    )
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert err["code"] == "notice_unreadable" and len(err["fields"]["text"]) == 2
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_only_administrators_write_the_calendar_through_the_api(api, clerk, make_user, org):
    resp = api.as_(clerk).post(IMPORT, {"text": NOTICE_2027, "dry_run": True})
    assert resp.status_code == 403
    resp = api.put(CALENDARS + "2027/", {"holidays": [{"date": "2027-01-01", "name": "元旦"}]})
    assert resp.status_code == 403
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_an_administrator_enters_a_year_and_edits_single_days_through_the_api(api, make_user, org):
    admin = make_user("administration")
    resp = api.as_(admin).put(
        CALENDARS + "2027/",
        {
            "holidays": [
                {"date": "2027-01-01", "name": "元旦"},
                {"date": "2027-10-01", "name": "国庆节"},
            ],
            "workdays": [{"date": "2027-09-26"}],
            "note": "国办发明电〔2026〕X号",
        },
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["holiday_count"] == 2 and resp.json()["note"].startswith("国办")
    resp = api.post(
        CALENDARS + "2027/days/", {"date": "2027-10-04", "is_working": False, "name": "国庆节"}
    )
    assert resp.status_code == 200 and resp.json()["name"] == "国庆节"
    assert not services.is_working_day(D(2027, 10, 4), org)
    assert api.delete(CALENDARS + "2027/days/2027-10-04/").status_code == 204
    assert services.is_working_day(D(2027, 10, 4), org)
    resp = api.post(CALENDARS + "2027/days/", {"date": "2027-10-05", "is_working": True})
    assert resp.status_code == 400 and "date" in resp.json()["error"]["fields"]
    resp = api.put(CALENDARS + "2027/", {"holidays": [{"date": "2028-01-01", "name": "元旦"}]})
    assert resp.status_code == 400
    assert WorkCalendarDay.objects.filter(organisation=org, date__year=2027).count() == 3


@pytest.mark.parametrize("slash", ["", "/"])
def test_other_systems_ask_whether_a_date_is_a_working_day(api, clerk, org, slash):
    url = "/api/v1/calendar/is-working-day" + slash
    body = api.as_(clerk).get(url, date="2026-02-14").json()
    assert body == {
        "date": "2026-02-14",
        "is_working_day": True,
        "name": "调休上班（春节）",
        "covered": True,
        "warnings": [],
    }
    assert api.get(url, date="2026-02-17").json()["is_working_day"] is False
    assert api.get(url, date="2026-02-21").json()["is_working_day"] is False
    body = api.get(url, date="2027-02-10").json()
    assert body["is_working_day"] is True and body["covered"] is False and body["warnings"]


@pytest.mark.parametrize("slash", ["", "/"])
def test_other_systems_add_working_days_over_holidays_and_make_up_days(api, clerk, org, slash):
    url = "/api/v1/calendar/add-working-days" + slash
    # Friday 13 Feb 2026 + 1: Saturday 14 Feb is a make-up working day
    body = api.as_(clerk).get(url, date="2026-02-13", days=1).json()
    assert body == {
        "date": "2026-02-13",
        "days": 1,
        "due": "2026-02-14",
        "covered": True,
        "warnings": [],
    }
    # 14 Feb + 1: the Spring Festival holiday runs to 23 Feb
    assert api.get(url, date="2026-02-14", days=1).json()["due"] == "2026-02-24"
    assert api.get(url, date="2026-02-15", days=0).json()["due"] == "2026-02-24"


@pytest.mark.parametrize(
    "url,params,field",
    [
        ("/api/v1/calendar/is-working-day", {}, "date"),
        ("/api/v1/calendar/is-working-day", {"date": "2026-13-01"}, "date"),
        ("/api/v1/calendar/add-working-days", {"date": "2026-02-13"}, "days"),
        ("/api/v1/calendar/add-working-days", {"date": "2026-02-13", "days": "-1"}, "days"),
        ("/api/v1/calendar/add-working-days", {"date": "x", "days": "1"}, "date"),
    ],
)
def test_bad_calendar_parameters_are_a_400_naming_the_field(api, clerk, url, params, field):
    resp = api.as_(clerk).get(url, **params)
    assert resp.status_code == 400 and field in resp.json()["error"]["fields"]
