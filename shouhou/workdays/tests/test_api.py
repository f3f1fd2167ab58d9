"""The API: calendar years (read-only) and the deadline arithmetic endpoints."""

import datetime as dt

import pytest

from shouhou.workdays import services
from shouhou.workdays.models import WorkCalendar

pytestmark = pytest.mark.django_db

CALENDARS = "/api/v1/workdays/calendars/"
ADD = "/api/v1/workdays/add/"
BETWEEN = "/api/v1/workdays/between/"


def assert_error(resp, status, code, field=None):
    assert resp.status_code == status, resp.content
    body = resp.json()["error"]
    assert body["code"] == code and body["message"]
    if field:
        assert field in body["fields"]


def test_the_calendar_years_of_the_callers_organisation_are_listed_with_their_days(api, clerk, org):
    resp = api.as_(clerk).get(CALENDARS)
    assert resp.status_code == 200
    rows = resp.json()["results"]
    assert {r["year"] for r in rows} == set(
        WorkCalendar.objects.filter(organisation=org).values_list("year", flat=True)
    )
    y2026 = next(r for r in rows if r["year"] == 2026)
    assert y2026["source"] == "package"
    assert {"date": "2026-02-14", "is_working": True, "name": "调休上班（春节）"} in y2026["days"]
    assert y2026["holiday_count"] == len([d for d in y2026["days"] if not d["is_working"]])


def test_one_year_is_read_by_its_number(api, clerk):
    resp = api.as_(clerk).get(CALENDARS + "2026/")
    assert resp.status_code == 200 and resp.json()["year"] == 2026


def test_another_organisations_year_is_not_found(api, clerk, other_org, make_user):
    services.calendar_enter_year(
        organisation=other_org,
        year=2031,
        holidays=[(dt.date(2031, 1, 1), "元旦")],
        workdays=[],
        by=make_user("administration", organisation=other_org),
    )
    assert_error(api.as_(clerk).get(CALENDARS + "2031/"), 404, "not_found")
    years = {r["year"] for r in api.get(CALENDARS).json()["results"]}
    assert 2031 not in years


def test_the_calendar_is_read_only(api, make_user):
    admin = make_user("administration")
    resp = api.as_(admin).post(CALENDARS, {"year": 2030, "source": "manual"})
    assert resp.status_code == 405
    assert not WorkCalendar.objects.filter(year=2030).exists()


def test_adding_working_days_to_a_datetime_returns_the_due_time(api, make_user):
    tech = make_user("technician")
    resp = api.as_(tech).get(ADD, start="2026-02-13T16:00:00+08:00", days=1)
    assert resp.status_code == 200
    body = resp.json()
    assert body["due"] == "2026-02-14T16:00:00+08:00"
    assert body["due_is_working_day"] and body["covered"] and body["warnings"] == []


def test_a_naive_or_utc_start_is_read_as_shanghai_time(api, clerk):
    assert api.as_(clerk).get(ADD, start="2026-09-30T10:00", days=2).json()["due"] == (
        "2026-10-09T10:00:00+08:00"
    )
    assert api.get(ADD, start="2026-09-30T02:00:00Z", days=2).json()["due"] == (
        "2026-10-09T10:00:00+08:00"
    )
    # an unencoded "+" arrives as a space
    assert api.get(ADD, start="2026-09-30T10:00:00 08:00", days=2).json()["due"] == (
        "2026-10-09T10:00:00+08:00"
    )


def test_adding_working_days_to_a_date_and_hours_to_a_datetime(api, clerk):
    assert api.as_(clerk).get(ADD, start="2026-02-13", days=1).json()["due"] == "2026-02-14"
    resp = api.get(ADD, start="2026-02-13T16:00:00+08:00", hours="4.5")
    assert resp.json()["due"] == "2026-02-14T11:30:00+08:00"


def test_a_due_date_in_a_year_not_entered_carries_a_warning(api, clerk):
    body = api.as_(clerk).get(ADD, start="2026-12-31", days=3).json()
    assert body["due"] == "2027-01-05" and not body["covered"]
    assert len(body["warnings"]) == 1 and "2027" in body["warnings"][0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"days": 1}, "start"),
        ({"start": "tomorrow", "days": 1}, "start"),
        ({"start": "2026-02-13"}, "days"),
        ({"start": "2026-02-13", "days": 1, "hours": 2}, "days"),
        ({"start": "2026-02-13", "days": -1}, "days"),
        ({"start": "2026-02-13", "days": "x"}, "days"),
        ({"start": "2026-02-13", "hours": "NaN"}, "hours"),
        ({"start": "2026-02-13", "hours": 2}, "start"),
    ],
)
def test_bad_parameters_are_a_400_with_the_field(api, clerk, params, field):
    assert_error(api.as_(clerk).get(ADD, **params), 400, "invalid", field)


def test_between_counts_working_days_and_working_seconds(api, clerk):
    body = (
        api.as_(clerk)
        .get(BETWEEN, start="2026-09-30T17:00:00+08:00", end="2026-10-08T10:00:00+08:00")
        .json()
    )
    assert body == {"working_days": 1, "working_seconds": 7200.0}
    body = api.get(BETWEEN, start="2026-02-13", end="2026-02-24").json()
    assert body == {"working_days": 2, "working_seconds": None}
    assert_error(
        api.get(BETWEEN, start="2026-02-13", end="2026-02-24T10:00"), 400, "invalid", "end"
    )


def test_the_api_needs_a_login(client):
    resp = client.get(ADD, {"start": "2026-02-13", "days": 1})
    assert resp.status_code in (401, 403)
    assert "error" in resp.json()
