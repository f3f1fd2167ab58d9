"""The DB-backed calendar: seeding, caching, entering a year, warnings, the job."""

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.org.models import OrganisationSettings
from shouhou.org.tests.factories import OrganisationFactory
from shouhou.workdays import services
from shouhou.workdays.jobs import ensure_calendars
from shouhou.workdays.models import WorkCalendar, WorkCalendarDay
from shouhou.workdays.package import package_years
from shouhou.workdays.selectors import calendar_warnings

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
D = dt.date
WARNING_2027 = "2027年的法定节假日安排尚未录入，系统暂按周一至周五计算工作日。"

HOLIDAYS_2027 = [(D(2027, 2, 6) + dt.timedelta(days=i), "春节") for i in range(9)] + [
    (D(2027, 10, 1) + dt.timedelta(days=i), "国庆节") for i in range(7)
]
WORKDAYS_2027 = [(D(2027, 2, 20), "调休上班"), (D(2027, 10, 9), "")]


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


@pytest.fixture
def admin_user(make_user):
    return make_user("administration")


def test_a_new_organisation_gets_the_recent_package_years_at_once():
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, tzinfo=SH)):
        org = OrganisationFactory(code="new-org")
    years = set(WorkCalendar.objects.filter(organisation=org).values_list("year", flat=True))
    assert years == {2024, 2025, 2026}
    assert WorkCalendar.objects.filter(organisation=org, source="package").count() == 3
    day = WorkCalendarDay.objects.get(organisation=org, date=D(2026, 2, 17))
    assert (day.is_working, day.name) == (False, "春节")
    # part of creating the organisation, not an event of its own
    assert not AuditEvent.objects.filter(action="shouhou.workcalendar.imported").exists()
    services.calendar_import_package_years(organisation=org, years=[2023, 2024])
    event = AuditEvent.objects.get(action="shouhou.workcalendar.imported", object_id=str(org.pk))
    assert event.after["created"] == [2023] and event.actor is None


def test_the_service_functions_use_the_organisations_calendar(org):
    assert services.is_working_day(D(2026, 2, 14), org)
    assert not services.is_working_day(D(2026, 2, 16), org.pk)
    assert services.add_working_days(at(2026, 2, 13, 16), 1, org) == at(2026, 2, 14, 16)
    assert services.add_working_days(at(2026, 9, 30, 10), 2, org) == at(2026, 10, 9, 10)
    assert services.add_working_hours(at(2026, 2, 13, 16), 4, org) == at(2026, 2, 14, 11)
    assert services.working_days_between(D(2026, 9, 30), D(2026, 10, 9), org) == 2
    assert services.working_seconds_between(at(2026, 9, 30, 17), at(2026, 10, 8, 10), org) == 7200
    assert services.next_working_day(D(2026, 9, 30), org) == D(2026, 10, 8)
    assert services.holidays_between(D(2026, 1, 1), D(2026, 1, 1), org)[0].name == "元旦"


def test_the_calendar_is_loaded_once_and_reused(org, django_assert_num_queries):
    services.calendar_for(org)
    with django_assert_num_queries(0):
        for i in range(100):
            services.add_working_days(at(2026, 3, 2, 10) + dt.timedelta(hours=i), 2, org)


def test_a_change_to_the_calendar_is_seen_at_once(org):
    assert services.is_working_day(D(2026, 3, 2), org)
    cal = WorkCalendar.objects.get(organisation=org, year=2026)
    WorkCalendarDay.objects.create(
        organisation=org, calendar=cal, date=D(2026, 3, 2), is_working=False, name="店庆"
    )
    assert not services.is_working_day(D(2026, 3, 2), org)
    WorkCalendarDay.objects.filter(organisation=org, date=D(2026, 3, 2)).delete()
    assert services.is_working_day(D(2026, 3, 2), org)


def test_another_process_sees_a_change_through_the_fingerprint_of_the_rows(org):
    old = services.calendar_for(org)
    # another process changes a day: no signal reaches this process
    with _signals_muted():
        WorkCalendarDay.objects.filter(organisation=org, date=D(2026, 2, 16)).delete()
    assert services.calendar_for(org) is old  # looked at again only after a few seconds
    services._calendars.expire(org.pk)  # the check interval has passed
    fresh = services.calendar_for(org)
    assert fresh is not old and fresh.is_working_day(D(2026, 2, 16))
    services._calendars.expire(org.pk)  # the check interval has passed
    assert services.calendar_for(org) is fresh  # nothing changed since: kept


@contextmanager
def _signals_muted():
    from django.db.models.signals import post_delete

    from shouhou.workdays.signals import _invalidate_for

    post_delete.disconnect(
        _invalidate_for,
        sender=WorkCalendarDay,
        dispatch_uid="workdays-invalidate-workdays.workcalendarday-delete",
    )
    try:
        yield
    finally:
        post_delete.connect(
            _invalidate_for,
            sender=WorkCalendarDay,
            dispatch_uid="workdays-invalidate-workdays.workcalendarday-delete",
        )


def test_office_hours_come_from_the_organisation_settings(org):
    settings = OrganisationSettings.objects.get(organisation=org)
    settings.office_opens, settings.office_closes = dt.time(8, 30), dt.time(17, 0)
    settings.save()
    assert services.add_working_hours(at(2026, 3, 2, 16), 2, org) == at(2026, 3, 3, 9, 30)
    OrganisationSettings.objects.filter(organisation=org).delete()
    assert services.calendar_for(org).office_hours == services.OfficeHours()
    assert OrganisationSettings.objects.filter(organisation=org).exists()


def test_the_warning_appears_in_november_when_next_year_is_not_entered(org):
    assert calendar_warnings(organisation=org, today=D(2026, 6, 1)) == []
    assert calendar_warnings(organisation=org, today=D(2026, 11, 1)) == [WARNING_2027]
    assert calendar_warnings(organisation=org, today=D(2027, 3, 1)) == [WARNING_2027]
    assert calendar_warnings(organisation=None) == []


def test_the_month_from_which_next_year_is_needed_is_an_organisation_setting(org):
    from shouhou.org.models import OrganisationSettings

    row, _ = OrganisationSettings.objects.get_or_create(organisation=org)
    assert row.calendar_next_year_from_month == 11
    assert calendar_warnings(organisation=org, today=D(2026, 10, 15)) == []
    row.calendar_next_year_from_month = 10
    row.save()
    assert calendar_warnings(organisation=org, today=D(2026, 10, 15)) == [WARNING_2027]
    row.calendar_next_year_from_month = 12
    row.save()
    assert calendar_warnings(organisation=org, today=D(2026, 11, 20)) == []
    assert calendar_warnings(organisation=org, today=D(2026, 12, 1)) == [WARNING_2027]


def test_entering_2027_removes_the_warning_and_its_holidays_count(org, admin_user):
    assert services.add_working_days(at(2027, 2, 5, 10), 1, org) == at(2027, 2, 8, 10)
    cal = services.calendar_enter_year(
        organisation=org,
        year=2027,
        holidays=HOLIDAYS_2027,
        workdays=WORKDAYS_2027,
        by=admin_user,
        note="国办发明电〔2026〕号",
    )
    assert (cal.source, cal.entered_by) == ("manual", admin_user)
    assert calendar_warnings(organisation=org, today=D(2026, 11, 20)) == []
    # Friday 2027-02-05 + 1 working day: the Spring Festival is skipped
    assert services.add_working_days(at(2027, 2, 5, 10), 1, org) == at(2027, 2, 15, 10)
    assert services.is_working_day(D(2027, 2, 20), org)
    assert services.calendar_for(org).day_name(D(2027, 10, 9)) == "调休上班"
    event = AuditEvent.objects.get(action="shouhou.workcalendar.entered")
    assert event.actor == admin_user and event.before is None
    assert ["2027-02-06", "春节"] in event.after["holidays"]


def test_entering_a_year_again_replaces_its_days(org, admin_user):
    services.calendar_enter_year(
        organisation=org, year=2027, holidays=HOLIDAYS_2027, workdays=[], by=admin_user
    )
    services.calendar_enter_year(
        organisation=org, year=2027, holidays=[(D(2027, 1, 1), "元旦")], workdays=[], by=admin_user
    )
    assert list(
        WorkCalendarDay.objects.filter(organisation=org, date__year=2027).values_list(
            "date", flat=True
        )
    ) == [D(2027, 1, 1)]
    assert services.is_working_day(D(2027, 2, 8), org)


@pytest.mark.parametrize(
    ("holidays", "workdays", "field"),
    [
        ([(D(2026, 12, 31), "元旦")], [], "holidays"),
        ([(D(2027, 2, 6), "春节")], [(D(2027, 2, 6), "调休上班")], "workdays"),
        ([], [(D(2027, 2, 8), "调休上班")], "workdays"),  # a Monday is already working
        ([(D(2027, 2, 8), "")], [], "holidays"),
        ([(D(2027, 2, 8), "春节"), (D(2027, 2, 8), "春节")], [], "holidays"),
        ([("2027-02-08", "春节")], [], "holidays"),
    ],
)
def test_entering_a_year_refuses_a_wrong_schedule_and_writes_nothing(
    org, admin_user, holidays, workdays, field
):
    with pytest.raises(ValidationFailed) as err:
        services.calendar_enter_year(
            organisation=org, year=2027, holidays=holidays, workdays=workdays, by=admin_user
        )
    assert field in err.value.fields
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_only_administration_or_a_customer_service_manager_may_enter_a_year(
    org, other_org, make_user, clerk
):
    with pytest.raises(PermissionDeniedError):
        services.calendar_enter_year(
            organisation=org, year=2027, holidays=[], workdays=[], by=clerk
        )
    services.calendar_enter_year(
        organisation=org, year=2027, holidays=[], workdays=[], by=make_user("cs_manager")
    )
    stranger = make_user("administration", organisation=other_org)
    with pytest.raises(PermissionDeniedError):
        services.calendar_enter_year(
            organisation=org, year=2028, holidays=[], workdays=[], by=stranger
        )


def test_importing_the_package_again_does_nothing_and_never_overwrites_a_manual_year(
    org, admin_user
):
    services.calendar_import_package_years(organisation=org)
    again = services.calendar_import_package_years(organisation=org)
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == len(package_years())
    services.calendar_enter_year(
        organisation=org, year=2026, holidays=[(D(2026, 1, 1), "元旦")], workdays=[], by=admin_user
    )
    counts = services.calendar_import_package_years(organisation=org, years=[2026, 2099])
    assert counts == {"created": 0, "updated": 0, "unchanged": 0, "skipped_manual": 1, "unknown": 1}
    assert services.is_working_day(D(2026, 2, 17), org)  # the manual year is kept as entered


def test_a_package_year_that_differs_from_the_package_is_brought_up_to_date(org):
    services.calendar_import_package_years(organisation=org, years=[2025])
    WorkCalendarDay.objects.filter(organisation=org, date=D(2025, 10, 8)).delete()
    counts = services.calendar_import_package_years(organisation=org, years=[2025])
    assert counts["updated"] == 1
    assert not services.is_working_day(D(2025, 10, 8), org)


def test_a_single_day_can_be_added_and_removed_and_the_year_becomes_manual(org, admin_user):
    day = services.calendar_day_set(
        by=admin_user, organisation=org, date=D(2026, 3, 2), is_working=False, name="店庆"
    )
    assert day.name == "店庆" and not services.is_working_day(D(2026, 3, 2), org)
    assert WorkCalendar.objects.get(organisation=org, year=2026).source == "manual"
    services.calendar_day_set(by=admin_user, organisation=org, date=D(2026, 3, 7), is_working=True)
    assert services.is_working_day(D(2026, 3, 7), org)
    services.calendar_day_remove(by=admin_user, organisation=org, date=D(2026, 3, 2))
    assert services.is_working_day(D(2026, 3, 2), org)
    with pytest.raises(NotFoundError):
        services.calendar_day_remove(by=admin_user, organisation=org, date=D(2026, 3, 2))
    assert AuditEvent.objects.filter(action__startswith="shouhou.workcalendar.day_").count() == 3


def test_a_single_day_of_a_year_not_entered_is_refused(org, admin_user):
    with pytest.raises(ValidationFailed) as err:
        services.calendar_day_set(
            by=admin_user, organisation=org, date=D(2027, 3, 1), is_working=False, name="店庆"
        )
    assert err.value.code == "year_not_covered"
    assert not WorkCalendar.objects.filter(organisation=org, year=2027).exists()


def test_the_job_copies_every_package_year_for_every_organisation_and_is_idempotent(org, other_org):
    first = ensure_calendars(dt.datetime.now(dt.UTC))
    assert first["organisations"] == 2 and first["created"] > 0
    for organisation in (org, other_org):
        years = set(
            WorkCalendar.objects.filter(organisation=organisation).values_list("year", flat=True)
        )
        assert years == set(package_years())
    second = ensure_calendars(dt.datetime.now(dt.UTC))
    assert second["created"] == second["updated"] == 0
    assert second["unchanged"] == 2 * len(package_years())


def test_calendars_of_two_organisations_are_separate(org, other_org, admin_user):
    services.calendar_day_set(
        by=admin_user, organisation=org, date=D(2026, 3, 2), is_working=False, name="店庆"
    )
    assert not services.is_working_day(D(2026, 3, 2), org)
    assert services.is_working_day(D(2026, 3, 2), other_org)
