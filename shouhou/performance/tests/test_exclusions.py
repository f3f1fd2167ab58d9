"""A manager excludes a malicious or product-quality complaint (or a dissatisfied callback)
with a reason, before the month closes; audited; bad input writes nothing."""

import datetime as dt

import pytest

from shouhou.core.errors import (
    Conflict,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.performance import selectors, services
from shouhou.performance.models import Exclusion

from .factories import at, callback, complaint, make_technician, visited

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org, tech):
    return complaint(visited(org, tech, at(2026, 6, 12)), number="TS-1")


def _complaints(user, tech):
    view = selectors.month_view(user=user, month="2026-06", technician_id=tech.pk)
    return view.rows[0].counts["complaint"]


def test_a_manager_excludes_a_malicious_complaint_with_a_reason(manager, case, tech):
    assert _complaints(manager, tech) == 1
    ex = services.exclusion_create(
        by=manager, kind="complaint", case=case, category="malicious", reason="客户索要额外赔偿未果"
    )
    assert ex.month == dt.date(2026, 6, 1) and ex.technician == tech and ex.work_order_id
    assert _complaints(manager, tech) == 0
    event = AuditEvent.all_objects.get(action="shouhou.exclusion.created")
    assert event.actor == manager and event.note == "客户索要额外赔偿未果"


def test_excluding_without_a_reason_is_refused_and_nothing_is_written(manager, case):
    with pytest.raises(ValidationFailed) as err:
        services.exclusion_create(
            by=manager, kind="complaint", case=case, category="malicious", reason="  "
        )
    assert "reason" in err.value.fields
    assert not Exclusion.all_objects.exists()


def test_only_a_manager_may_exclude(clerk, case):
    with pytest.raises(PermissionDeniedError):
        services.exclusion_create(
            by=clerk, kind="complaint", case=case, category="malicious", reason="x"
        )


def test_a_return_is_not_a_complaint_to_exclude(org, tech, manager):
    ret = complaint(visited(org, tech, at(2026, 6, 3)), kind="return")
    with pytest.raises(ValidationFailed) as err:
        services.exclusion_create(
            by=manager, kind="complaint", case=ret, category="other", reason="x"
        )
    assert "case" in err.value.fields


def test_another_organisations_complaint_is_not_found(other_org, manager):
    stranger = make_technician(other_org)
    foreign = complaint(visited(other_org, stranger, at(2026, 6, 3)))
    with pytest.raises(NotFoundError):
        services.exclusion_create(
            by=manager, kind="complaint", case=foreign, category="malicious", reason="x"
        )


def test_excluding_twice_is_a_duplicate(manager, case):
    services.exclusion_create(
        by=manager, kind="complaint", case=case, category="malicious", reason="恶意"
    )
    with pytest.raises(DuplicateError):
        services.exclusion_create(
            by=manager, kind="complaint", case=case, category="malicious", reason="恶意"
        )
    assert Exclusion.all_objects.count() == 1


def test_excluding_after_the_close_is_a_conflict(manager, case):
    services.month_close(by=manager, month="2026-06")
    with pytest.raises(Conflict) as err:
        services.exclusion_create(
            by=manager, kind="complaint", case=case, category="malicious", reason="恶意"
        )
    assert err.value.status == 409
    assert not Exclusion.all_objects.exists()


def test_a_dissatisfied_callback_caused_by_product_quality_can_be_excluded(org, tech, manager):
    record = callback(visited(org, tech, at(2026, 6, 8)), satisfaction=2)
    happy = callback(visited(org, tech, at(2026, 6, 9)), satisfaction=5)
    with pytest.raises(ValidationFailed):
        services.exclusion_create(
            by=manager,
            kind="dissatisfaction",
            callback=happy,
            category="product_quality",
            reason="x",
        )
    services.exclusion_create(
        by=manager,
        kind="dissatisfaction",
        callback=record,
        category="product_quality",
        reason="马桶本身漏水，非安装问题",
    )
    row = selectors.month_view(user=manager, month="2026-06").rows[0]
    assert row.counts["not_satisfied"] == 0


def test_a_revoked_exclusion_counts_again_and_needs_a_reason(manager, case, tech):
    ex = services.exclusion_create(
        by=manager, kind="complaint", case=case, category="malicious", reason="恶意"
    )
    with pytest.raises(ValidationFailed):
        services.exclusion_revoke(by=manager, exclusion=ex, reason="")
    services.exclusion_revoke(by=manager, exclusion=ex, reason="核实后属服务问题")
    assert _complaints(manager, tech) == 1
    # and it may be excluded again later
    services.exclusion_create(
        by=manager, kind="complaint", case=case, category="other", reason="再次核实"
    )
    assert _complaints(manager, tech) == 0
