"""The routine of seed 004 三 (and 2.2.4, 2.3.3), rule by rule."""

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.core.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.lostfound import jobs, selectors, services
from shouhou.lostfound.models import LostFoundSettings, LostItem, LostItemReminder

from .conftest import CLAIM, START, at

pytestmark = pytest.mark.django_db
S = LostItem.Status
TODAY = START.date()


def _overnight(clerk, guard, day=TODAY):
    lst = services.day_list_create(by=clerk, day=day, now=at(day, 21, 5))
    return services.day_list_receive(by=guard, day_list=lst, now=at(day, 21, 15))


def _statuses(org):
    return dict(LostItem.objects.filter(organisation=org).values_list("number", "status"))


# --- registering ---------------------------------------------------------------------------


def test_register_records_what_where_when_who_found_and_who_took_it_in_and_the_announcement(
    register, clerk, store
):
    item = register(
        finder_phone="138 1234 5678",
        estimated_value="120.50",
        announcement="请在一楼卫浴展区遗失雨伞的顾客到服务台认领。",
    )
    assert item.number == "LF20260915-001"
    assert item.store == store and item.received_by == clerk and item.status == S.AT_DESK
    assert item.found_on == TODAY and item.finder_phone == "13812345678"
    assert item.estimated_value == Decimal("120.50")
    assert item.announced_at == START and item.announcement.startswith("请在")
    assert register().number == "LF20260915-002"


def test_register_refuses_bad_input_with_the_field_names_and_writes_nothing(register):
    with pytest.raises(ValidationFailed) as exc:
        register(
            category="spaceship",
            description="",
            finder_phone="12345",
            estimated_value="-3",
            found_at=START + dt.timedelta(days=1),
        )
    assert set(exc.value.fields) == {
        "category",
        "description",
        "finder_phone",
        "estimated_value",
        "found_at",
    }
    assert not LostItem.objects.exists() and not AuditEvent.objects.exists()


def test_a_desk_clerk_registers_at_their_own_store_only(register, other_store):
    with pytest.raises(PermissionDeniedError) as exc:
        register(store=other_store)
    assert exc.value.code == "other_store"


def test_a_guard_cannot_register(register, guard):
    with pytest.raises(PermissionDeniedError):
        register(by=guard)


def test_periods_are_calendar_days_by_default(register):
    item = register()
    assert item.archive_due_on == TODAY + dt.timedelta(days=3)
    assert item.disposal_due_on == dt.date(2026, 10, 15)


def test_periods_count_working_days_when_the_organisation_chooses(register, org):
    cfg = LostFoundSettings.for_org(org)
    cfg.count_working_days = True
    cfg.save()
    friday = at(dt.date(2026, 9, 11), 15)
    item = register(found_at=friday)
    # Fri 11 Sep + 3 working days = Wed 16 Sep; 11 Oct is a Sunday after the National Day week
    # (a make-up working day in 2026 is Sat 10 Oct), so disposal moves to Mon 12 Oct.
    assert item.archive_due_on == dt.date(2026, 9, 16)
    assert item.disposal_due_on == dt.date(2026, 10, 12)


# --- valuables -------------------------------------------------------------------------------


def test_valuable_needs_the_supervisors_or_duty_managers_signature(
    register, clerk, supervisor, duty_manager
):
    first = register(is_valuable=True, estimated_value="3000")
    with pytest.raises(PermissionDeniedError):
        services.item_check_valuable(by=clerk, item=first)
    first = services.item_check_valuable(by=supervisor, item=first)
    assert first.valuable_checked_by == supervisor and first.valuable_checked_at == START
    second = services.item_check_valuable(by=duty_manager, item=register(is_valuable=True))
    assert second.valuable_checked_by == duty_manager
    with pytest.raises(InvalidTransition):
        services.item_check_valuable(by=supervisor, item=second)


def test_a_valuable_is_kept_by_the_head_of_security_only_after_the_check(
    register, supervisor, keeper, guard
):
    item = register(is_valuable=True)
    with pytest.raises(InvalidTransition) as exc:
        services.item_keep_valuable(by=keeper, item=item)
    assert exc.value.code == "valuable_not_checked"
    services.item_check_valuable(by=supervisor, item=item)
    with pytest.raises(PermissionDeniedError):
        services.item_keep_valuable(by=guard, item=item)
    item = services.item_keep_valuable(by=keeper, item=item)
    assert item.status == S.VALUABLE_KEPT and item.keeper == keeper


# --- end of day and next morning ---------------------------------------------------------


def test_end_of_day_list_holds_the_days_items_with_their_count_and_the_clerks_signature(
    register, clerk
):
    register()
    register()
    lst = services.day_list_create(by=clerk, now=at(TODAY, 21, 5))
    assert lst.item_count == 2 and lst.items.count() == 2
    assert lst.clerk_signed_by == clerk and lst.day == TODAY and lst.seq == 1
    with pytest.raises(ValidationFailed):  # a second click lists nothing twice
        services.day_list_create(by=clerk, now=at(TODAY, 21, 6))
    register(found_at=at(TODAY, 21, 10), now=at(TODAY, 21, 12))
    assert services.day_list_create(by=clerk, now=at(TODAY, 21, 30)).seq == 2


def test_a_valuable_must_be_with_the_head_of_security_before_the_list(
    register, clerk, supervisor, keeper
):
    item = register(is_valuable=True)
    with pytest.raises(ValidationFailed) as exc:
        services.day_list_create(by=clerk, now=at(TODAY, 21))
    assert exc.value.code == "valuable_not_kept"
    services.item_check_valuable(by=supervisor, item=item)
    services.item_keep_valuable(by=keeper, item=item)
    lst = services.day_list_create(by=clerk, now=at(TODAY, 21))
    assert lst.item_count == 1
    item.refresh_from_db()
    assert item.status == S.VALUABLE_KEPT  # it stays with the head of security


def test_the_guard_signs_for_the_list_and_the_items_are_stored_with_security(
    register, clerk, guard
):
    item = register()
    lst = services.day_list_create(by=clerk, now=at(TODAY, 21))
    with pytest.raises(PermissionDeniedError):
        services.day_list_receive(by=clerk, day_list=lst)
    lst = services.day_list_receive(by=guard, day_list=lst, now=at(TODAY, 21, 15))
    assert lst.guard_signed_by == guard and lst.guard_signed_at == at(TODAY, 21, 15)
    item.refresh_from_db()
    assert item.status == S.OVERNIGHT and item.day_list == lst
    with pytest.raises(InvalidTransition):
        services.day_list_receive(by=guard, day_list=lst)


def test_the_guard_who_receives_cannot_be_the_clerk_who_listed(register, make_user, store):
    both = make_user("clerk", "security", store=store)
    register(by=both)
    lst = services.day_list_create(by=both, now=at(TODAY, 21))
    with pytest.raises(ValidationFailed) as exc:
        services.day_list_receive(by=both, day_list=lst)
    assert exc.value.code == "same_signer"


def test_next_morning_the_move_to_the_desk_is_recorded_and_late_after_the_hour(
    register, clerk, guard, store, travel
):
    item = register()
    unlisted = selectors.items_unlisted_today(store=store, on_date=TODAY)
    assert list(unlisted) == [item]
    _overnight(clerk, guard)
    assert not selectors.items_unlisted_today(store=store, on_date=TODAY).exists()
    tomorrow = TODAY + dt.timedelta(days=1)
    assert not selectors.items_to_move(store=store, on_date=TODAY).exists()
    assert list(selectors.items_to_move(store=store, on_date=tomorrow)) == [item]
    assert not selectors.moves_late(store=store, now=at(tomorrow, 9, 59))
    assert selectors.moves_late(store=store, now=at(tomorrow, 10, 0))
    assert jobs.remind_for(store.organisation_id, at(tomorrow, 10, 15))["not_moved"] == 1
    item = services.item_move_to_desk(by=clerk, item=item, now=at(tomorrow, 10, 20))
    assert item.status == S.BACK_AT_DESK
    assert item.moved_by == clerk and item.moved_at == at(tomorrow, 10, 20)
    assert not selectors.items_to_move(store=store, on_date=tomorrow).exists()
    assert LostItemReminder.objects.get(kind="not_moved").done_at == at(tomorrow, 10, 20)


def test_closing_time_reminds_the_desk_once_of_items_not_on_a_list(register, clerk, store):
    register()
    org_id = store.organisation_id
    assert jobs.remind_for(org_id, at(TODAY, 20, 59)) == {"not_listed": 0, "not_moved": 0}
    assert jobs.remind_for(org_id, at(TODAY, 21, 0))["not_listed"] == 1
    assert jobs.remind_for(org_id, at(TODAY, 21, 15))["not_listed"] == 0
    reminder = LostItemReminder.objects.get()
    assert reminder.kind == "not_listed" and reminder.item_count == 1 and reminder.store == store
    services.day_list_create(by=clerk, now=at(TODAY, 21, 20))
    reminder.refresh_from_db()
    assert reminder.done_at == at(TODAY, 21, 20)


# --- the daily job -------------------------------------------------------------------------


def test_the_daily_job_sends_items_to_security_after_three_days_and_to_disposal_after_a_month(
    register, clerk, guard, keeper, supervisor, org
):
    item = register()
    valuable = register(is_valuable=True)
    services.item_check_valuable(by=supervisor, item=valuable)
    services.item_keep_valuable(by=keeper, item=valuable)
    _overnight(clerk, guard)
    services.item_move_to_desk(by=clerk, item=item, now=at(TODAY + dt.timedelta(days=1), 9))
    assert jobs.daily_for(org.pk, at(TODAY + dt.timedelta(days=2), 1))["to_archive"] == 0
    result = jobs.daily_for(org.pk, at(TODAY + dt.timedelta(days=3), 1))
    assert result == {"to_archive": 1, "disposal_due": 0, "reported": 0}
    assert jobs.daily_for(org.pk, at(TODAY + dt.timedelta(days=3), 2))["to_archive"] == 0
    item.refresh_from_db()
    valuable.refresh_from_db()
    assert item.status == S.ARCHIVE_DUE and valuable.status == S.VALUABLE_KEPT
    services.item_archive(by=clerk, item=item, location="保安部 3号柜")
    month = at(dt.date(2026, 10, 15), 1)
    assert jobs.daily_for(org.pk, month) == {"to_archive": 0, "disposal_due": 2, "reported": 1}
    assert jobs.daily_for(org.pk, month) == {"to_archive": 0, "disposal_due": 0, "reported": 0}
    assert set(_statuses(org).values()) == {S.DISPOSAL_DUE}
    item.refresh_from_db()
    assert item.reported_at == month
    report = LostItemReminder.objects.get(kind="unclaimed")
    assert report.item_count == 2
    moves = AuditEvent.objects.filter(action="shouhou.lost_item.disposal_due")
    assert sorted(m.before["status"] for m in moves) == ["archived", "valuable_kept"]


def test_the_daily_job_works_one_organisation_at_a_time(register, org, other_org, travel):
    register()
    assert jobs.daily(at(dt.date(2026, 10, 20), 1))["disposal_due"] == 1


# --- disposal ------------------------------------------------------------------------------


@pytest.fixture
def due(register, org):
    item = register()
    jobs.daily_for(org.pk, at(dt.date(2026, 10, 15), 1))
    item.refresh_from_db()
    assert item.status == S.DISPOSAL_DUE
    return item


def test_disposal_needs_two_different_people_to_sign(due, make_user, store, supervisor, lp):
    both = make_user("cs_supervisor", "lp_supervisor", store=store)
    services.item_sign_disposal(by=both, item=due, side="cs")
    with pytest.raises(ValidationFailed) as exc:
        services.item_sign_disposal(by=both, item=due, side="lp")
    assert exc.value.code == "same_signer"
    with pytest.raises(InvalidTransition):
        services.item_sign_disposal(by=supervisor, item=due, side="cs")
    item = services.item_sign_disposal(by=lp, item=due, side="lp")
    assert item.cs_signed_by == both and item.lp_signed_by == lp and item.lp_signed_at


def test_each_disposal_signature_needs_its_role(due, supervisor, lp):
    with pytest.raises(PermissionDeniedError):
        services.item_sign_disposal(by=supervisor, item=due, side="lp")
    with pytest.raises(PermissionDeniedError):
        services.item_sign_disposal(by=lp, item=due, side="cs")


def test_administration_disposes_only_after_both_signatures_and_records_how(
    due, supervisor, lp, admin_user
):
    with pytest.raises(InvalidTransition) as exc:
        services.item_dispose(by=admin_user, item=due, method="destroyed")
    assert exc.value.code == "signatures_missing"
    services.item_sign_disposal(by=supervisor, item=due, side="cs")
    services.item_sign_disposal(by=lp, item=due, side="lp")
    with pytest.raises(PermissionDeniedError):
        services.item_dispose(by=supervisor, item=due, method="destroyed")
    with pytest.raises(ValidationFailed) as exc:
        services.item_dispose(by=admin_user, item=due, method="sold")
    assert "proceeds" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.item_dispose(by=admin_user, item=due, method="donated", proceeds="5")
    item = services.item_dispose(by=admin_user, item=due, method="sold", proceeds="35.00")
    assert item.status == S.DISPOSED and item.disposal_proceeds == Decimal("35.00")
    assert item.disposed_by == admin_user


# --- claims --------------------------------------------------------------------------------


def test_a_claim_checks_identity_and_phone_and_keeps_the_id_number_masked(register, clerk):
    item = register()
    bad = {**CLAIM, "claimant_phone": "123", "id_number": "110105194912310021",
           "description_matches": False, "signature": ""}  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        services.item_claim(by=clerk, item=item, **bad)
    assert set(exc.value.fields) == {
        "claimant_phone",
        "id_number",
        "description_matches",
        "signature",
    }
    item = services.item_claim(by=clerk, item=item, **CLAIM)
    assert item.status == S.CLAIMED and item.claimed_from == S.AT_DESK
    assert item.claimant_id_masked == "110***********002X"
    assert "19491231" not in str(list(AuditEvent.objects.values_list("after", flat=True)))
    assert item.claim_handled_by == clerk and item.claimed_at == START


def test_an_item_cannot_be_claimed_twice(register, clerk):
    item = register()
    services.item_claim(by=clerk, item=item, **CLAIM)
    with pytest.raises(InvalidTransition):
        services.item_claim(by=clerk, item=item, **CLAIM)


def test_a_claim_on_another_stores_item_is_refused(register, make_user, other_store):
    item = register()
    there = make_user("clerk", store=other_store)
    with pytest.raises(PermissionDeniedError) as exc:
        services.item_claim(by=there, item=item, **CLAIM)
    assert exc.value.code == "other_store"
    item.refresh_from_db()
    assert item.status == S.AT_DESK


def test_a_valuables_release_needs_the_supervisors_signature(register, clerk, supervisor):
    item = register(is_valuable=True)
    services.item_check_valuable(by=supervisor, item=item)
    with pytest.raises(PermissionDeniedError) as exc:
        services.item_claim(by=clerk, item=item, **CLAIM)
    assert exc.value.code == "release_signature_needed"
    item = services.item_claim(by=supervisor, item=item, **CLAIM)
    assert item.release_signed_by == supervisor


def test_a_claim_closes_the_record_wherever_it_is(register, clerk, guard, org):
    item = register()
    _overnight(clerk, guard)
    services.item_move_to_desk(by=clerk, item=item, now=at(TODAY + dt.timedelta(days=1), 9))
    jobs.daily_for(org.pk, at(TODAY + dt.timedelta(days=3), 1))
    services.item_archive(by=clerk, item=item, location="保安部 1号柜")
    item = services.item_claim(by=clerk, item=item, **CLAIM)
    assert item.status == S.CLAIMED and item.claimed_from == S.ARCHIVED
    assert jobs.daily_for(org.pk, at(dt.date(2026, 11, 1), 1))["disposal_due"] == 0


# --- closed records ------------------------------------------------------------------------


def test_a_claimed_item_cannot_be_edited(register, clerk):
    item = services.item_claim(by=clerk, item=register(), **CLAIM)
    with pytest.raises(InvalidTransition) as exc:
        services.item_update(by=clerk, item=item, description="改了")
    assert exc.value.code == "item_closed"


def test_a_disposed_item_cannot_be_edited(due, supervisor, lp, admin_user, clerk):
    services.item_sign_disposal(by=supervisor, item=due, side="cs")
    services.item_sign_disposal(by=lp, item=due, side="lp")
    services.item_dispose(by=admin_user, item=due, method="destroyed")
    with pytest.raises(InvalidTransition):
        services.item_update(by=clerk, item=due, description="改了")
    with pytest.raises(InvalidTransition):
        services.item_claim(by=clerk, item=due, **CLAIM)


def test_an_open_item_can_be_corrected_and_the_change_is_audited(register, clerk):
    item = services.item_update(by=clerk, item=register(), found_place="二楼洗手间")
    assert item.found_place == "二楼洗手间"
    event = AuditEvent.objects.get(action="shouhou.lost_item.edited")
    assert event.before == {"found_place": "一楼卫浴展区"}
    assert event.after == {"found_place": "二楼洗手间"}


def test_every_move_and_signature_is_audited_with_states(register, clerk, supervisor):
    item = register(is_valuable=True)
    services.item_check_valuable(by=supervisor, item=item)
    other = register()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"shouhou.lost_item.registered", "shouhou.lost_item.check_valuable"} <= actions
    services.item_claim(by=clerk, item=other, **CLAIM)
    claim = AuditEvent.objects.get(action="shouhou.lost_item.claim")
    assert claim.before["status"] == S.AT_DESK and claim.after["status"] == S.CLAIMED
    assert claim.actor == clerk
