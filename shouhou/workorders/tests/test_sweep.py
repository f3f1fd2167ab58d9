"""The sweep: set-based, idempotent (run twice: nothing changes) and safe to kill mid-run."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from shouhou.callbacks.models import CallbackTask
from shouhou.core.errors import InvalidTransition
from shouhou.workorders import jobs
from shouhou.workorders import services as s
from shouhou.workorders.models import MissedService, WorkOrder

from .factories import at, make_customer, make_technician


def _orders(org, desk, tech, n, when):
    out = []
    for _ in range(n):
        order = s.workorder_intake(
            by=desk, source="hotline", kind="repair", customer=make_customer(org), now=when
        ).order
        out.append(s.workorder_dispatch(by=desk, order=order, technician=tech, now=when))
    return out


def _state():
    orders = list(WorkOrder.all_objects.order_by("pk").values())
    missed = list(MissedService.all_objects.order_by("pk").values())
    tasks = list(CallbackTask.all_objects.order_by("pk").values())
    return orders, missed, tasks


@pytest.fixture
def scene(org, desk, tech):
    """Orders in several situations around the Spring Festival 2026."""
    late = _orders(org, desk, tech, 5, at(2026, 2, 13, 16))  # reply due 24 Feb 16:00
    appointed = _orders(org, desk, tech, 3, at(2026, 2, 12, 10))
    # one technician, three visits on the day: one after the other (the roster refuses a
    # technician booked twice for the same hours)
    for o, hour in zip(appointed, (9, 12, 15), strict=True):
        s.workorder_appoint(
            by=tech.user, order=o, appointment_at=at(2026, 2, 14, hour), now=at(2026, 2, 12, 11)
        )
    unreachable = _orders(org, desk, tech, 2, at(2026, 2, 12, 10))
    for o in unreachable:
        s.workorder_unreachable(by=tech.user, order=o, now=at(2026, 2, 12, 11))
    return {"late": late, "appointed": appointed, "unreachable": unreachable}


def test_running_the_sweep_twice_changes_nothing_the_second_time(scene):
    now = at(2026, 2, 25, 9)
    first = jobs.sweep(now)
    assert first["missed_no_reply"] == 5
    assert first["callback_tasks"] == 3
    assert first["unreachable_overdue"] == 2
    assert first["contact_overdue"] == 7  # the late ones and the unreachable ones
    before = _state()
    second = jobs.sweep(now)
    assert set(second.values()) == {0}
    assert _state() == before


def test_a_sweep_killed_mid_run_loses_only_its_batch_and_the_next_run_finishes(scene):
    now = at(2026, 2, 25, 9)
    calls = {"n": 0}

    def dies_before_the_second_flag_update(execute, sql, params, many, context):
        if sql.startswith('UPDATE "workorders_workorder" SET "reply_missed"'):
            calls["n"] += 1
            if calls["n"] == 2:
                raise SystemExit("killed")  # after the insert, before the flags are set
        return execute(sql, params, many, context)

    with connection.execute_wrapper(dies_before_the_second_flag_update), pytest.raises(SystemExit):
        jobs.sweep(now, batch_size=2)
    # the first batch committed, the second rolled back completely
    assert MissedService.all_objects.count() == 2
    assert WorkOrder.all_objects.filter(reply_missed=True).count() == 2

    result = jobs.sweep(now, batch_size=2)
    assert result["missed_no_reply"] == 3
    assert MissedService.all_objects.count() == 5
    assert set(MissedService.all_objects.values_list("order_id", flat=True)) == {
        o.pk for o in scene["late"]
    }
    before = _state()
    assert set(jobs.sweep(now, batch_size=2).values()) == {0}
    assert _state() == before


def test_a_lost_flag_update_does_not_make_a_second_missed_service(scene):
    """Even if a flag were lost, the unique constraint keeps one record per dispatch."""
    now = at(2026, 2, 25, 9)
    jobs.sweep(now)
    WorkOrder.all_objects.update(reply_missed=False)
    assert jobs.sweep(now, full=True)["missed_no_reply"] == 5  # the flags set again
    assert MissedService.all_objects.count() == 5


def test_a_run_reads_only_what_fell_due_since_the_mark_and_the_full_recheck_finds_the_rest(scene):
    jobs.sweep(at(2026, 2, 25, 9))  # the first run: everything, and the marks are set
    # An order the incremental range cannot see: due long before the mark, still unhandled (its
    # row was locked by a long transaction, or its due time was moved into the past).
    lost = scene["late"][0]
    WorkOrder.all_objects.filter(pk=lost.pk).update(reply_missed=False)
    MissedService.all_objects.filter(order=lost).delete()
    assert jobs.sweep(at(2026, 2, 25, 10))["missed_no_reply"] == 0
    assert jobs.sweep(at(2026, 2, 25, 10) + jobs.SWEEP_FULL_EVERY)["missed_no_reply"] == 1
    assert MissedService.all_objects.filter(order=lost).count() == 1


def test_orders_that_fall_due_after_the_mark_are_found_by_the_next_run(
    org, desk, tech, monkeypatch
):
    monkeypatch.setattr(jobs, "SWEEP_FULL_EVERY", jobs.SWEEP_FULL_EVERY * 1000)
    first = _orders(org, desk, tech, 2, at(2026, 3, 2, 9))
    jobs.sweep(at(2026, 3, 2, 10))  # nothing due yet; the marks are set
    later = _orders(org, desk, tech, 3, at(2026, 3, 2, 11))
    result = jobs.sweep(at(2026, 3, 9, 9))  # incremental: no full recheck in this test
    assert result["missed_no_reply"] == 5
    assert set(MissedService.all_objects.values_list("order_id", flat=True)) == {
        o.pk for o in first + later
    }
    assert jobs.sweep(at(2026, 3, 9, 9, 5))["missed_no_reply"] == 0


def test_the_sweep_writes_the_same_records_as_the_rules_say(scene, org):
    """Missed services carry the organisation's deduction and the dispatch number; callback
    tasks are due on the order's callback date with one source key per appointment."""
    from decimal import Decimal

    from shouhou.workorders.config import settings_for

    settings = settings_for(org)
    settings.missed_service_deduction = Decimal("80.00")
    settings.save()
    now = at(2026, 2, 25, 9)
    jobs.sweep(now)
    for o in scene["late"]:
        m = MissedService.all_objects.get(order=o)
        assert (m.reason, m.cycle, m.technician_id) == ("no_reply", 1, o.technician_id)
        assert m.deduction == Decimal("80.00") and m.detected_at == now
        assert m.organisation_id == org.pk and not m.no_bonus and m.note == ""
        o.refresh_from_db()
        assert o.reply_missed and o.missed_service and o.contact_overdue
    for o in scene["appointed"]:
        o.refresh_from_db()
        task = CallbackTask.all_objects.get(work_order=o)
        assert task.source_key == f"workorder:{o.pk}:appointment:1"
        assert task.due_on == o.callback_due_on and task.customer_id == o.customer_id
        assert (task.kind, task.status, task.note) == ("after_appointment", "open", "")
        assert o.callback_created


def test_small_batches_over_equal_and_different_due_times_handle_every_row_once(org, desk, tech):
    late = _orders(org, desk, tech, 4, at(2026, 2, 13, 16))  # four due at the same moment
    late += _orders(org, desk, tech, 3, at(2026, 2, 12, 10))  # three due earlier
    result = jobs.sweep(at(2026, 2, 25, 9), batch_size=3)
    assert result["missed_no_reply"] == 7 and result["contact_overdue"] == 7
    assert sorted(MissedService.all_objects.values_list("order_id", flat=True)) == sorted(
        o.pk for o in late
    )


def test_orders_not_yet_due_or_already_answered_are_left_alone(org, desk, tech):
    (answered,) = _orders(org, desk, tech, 1, at(2026, 2, 13, 16))
    s.workorder_contact(by=tech.user, order=answered, now=at(2026, 2, 14, 9))
    (fresh,) = _orders(org, desk, tech, 1, at(2026, 2, 24, 9))
    result = jobs.sweep(at(2026, 2, 25, 9))
    assert result["missed_no_reply"] == 0 and result["contact_overdue"] == 0
    assert result["onsite_overdue"] == 1  # reached, but nobody on site within 24 hours
    assert not MissedService.all_objects.exists()
    fresh.refresh_from_db()
    assert not (fresh.reply_missed or fresh.contact_overdue or fresh.onsite_overdue)


def test_the_sweep_runs_as_a_job_function(db):
    from shouhou.core.jobrunner import run_job
    from shouhou.jobs import Job

    run = run_job(Job("workorders.sweep", "shouhou.workorders.jobs.sweep", None))
    assert run.ok, run.error
    assert "missed_no_reply" in run.result


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_concurrent_dispatch_has_exactly_one_winner(org, desk):
    a, b = make_technician(org), make_technician(org)
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    barrier = threading.Barrier(2, timeout=60)  # a thread that fails early must not hang us
    results = []

    def go(tech):
        from django.db import connection as conn

        try:
            copy = WorkOrder.all_objects.get(pk=order.pk)
            barrier.wait()
            # a thread starts with no scope: open the organisation's, as a request does
            with scope(organisation=org):
                s.workorder_dispatch(by=desk, order=copy, technician=tech)
            results.append("ok")
        except InvalidTransition:
            results.append("409")
        except BaseException as exc:  # shown in the assertion below
            results.append(repr(exc))
            barrier.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=go, args=(t,)) for t in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(results) == ["409", "ok"]
    order.refresh_from_db()
    assert order.dispatch_seq == 1
