import datetime as dt

from django.utils import translation

from shouhou.staff.models import WorkPermit
from shouhou.staff.services import WorkCheck, can_work, staff_for_user
from shouhou.staff.tests.factories import ServiceStaffFactory, WorkPermitFactory

TODAY = dt.date(2026, 11, 23)


def _permit(org, **kw):
    staff = ServiceStaffFactory(organisation=org, name="王师傅")
    return WorkPermitFactory(
        staff=staff,
        organisation=org,
        issued_on=kw.pop("issued_on", dt.date(2025, 11, 1)),
        valid_until=kw.pop("valid_until", dt.date(2026, 10, 31)),
        **kw,
    )


def test_a_valid_permit_for_the_kind_says_yes(org):
    p = _permit(org, valid_until=dt.date(2027, 1, 1))
    check = can_work(staff=p.staff, kind="installation", on_date=TODAY)
    assert check == WorkCheck(True, "", "ok") and check


def test_an_expired_permit_says_when_it_expired(org):
    p = _permit(org)
    with translation.override("zh-hans"):
        check = can_work(staff=p.staff, kind="installation", on_date=TODAY)
    assert not check.ok and check.code == "permit_expired"
    assert check.reason == "王师傅的上岗证已于2026-10-31过期"


def test_a_permit_suspended_for_an_overdue_fine_says_so(org):
    p = _permit(
        org,
        valid_until=dt.date(2027, 1, 1),
        status=WorkPermit.Status.SUSPENDED,
        suspend_reason=WorkPermit.SuspendReason.FINE_OVERDUE,
    )
    with translation.override("zh-hans"):
        check = can_work(staff=p.staff, kind="repair", on_date=TODAY)
    assert check.code == "permit_suspended"
    assert check.reason == "上岗证已暂停：罚款逾期未缴"


def test_a_kind_the_permit_does_not_list_is_refused(org):
    p = _permit(org, valid_until=dt.date(2027, 1, 1), kinds=["repair"])
    with translation.override("zh-hans"):
        check = can_work(staff=p.staff, kind="installation", on_date=TODAY)
    assert check.code == "kind_not_allowed"
    assert check.reason == "上岗证不包含安装作业"


def test_no_permit_revoked_or_left_are_refused_with_their_codes(org):
    staff = ServiceStaffFactory(organisation=org)
    assert can_work(staff=staff, kind="repair", on_date=TODAY).code == "no_permit"
    p = _permit(org, valid_until=dt.date(2027, 1, 1), status=WorkPermit.Status.REVOKED)
    assert can_work(staff=p.staff, kind="repair", on_date=TODAY).code == "permit_revoked"
    p.staff.status = "left"
    p.staff.save()
    assert can_work(staff=p.staff, kind="repair", on_date=TODAY).code == "staff_left"
    assert can_work(staff=None, kind="repair", on_date=TODAY).code == "no_staff"
    assert can_work(staff=staff, kind="cooking", on_date=TODAY).code == "unknown_kind"


def test_a_date_before_the_permit_was_issued_is_refused(org):
    p = _permit(org, issued_on=dt.date(2026, 12, 1), valid_until=dt.date(2027, 11, 30))
    assert can_work(staff=p.staff, kind="repair", on_date=TODAY).code == "permit_not_yet_valid"


def test_the_last_valid_day_still_counts(org):
    p = _permit(org)
    assert can_work(staff=p.staff, kind="repair", on_date=dt.date(2026, 10, 31)).ok


def test_staff_for_user_finds_the_linked_record(org, make_user):
    user = make_user("technician")
    assert staff_for_user(user) is None
    staff = ServiceStaffFactory(organisation=org, user=user)
    assert staff_for_user(user) == staff
    assert staff_for_user(None) is None
