"""Goods reservations (2.2.2, 1.4.2-6) and goods taken back at the desk (2.2.2)."""

import datetime as dt
from decimal import Decimal

import pytest

from shouhou.core.errors import InvalidTransition, ValidationFailed
from shouhou.frontdesk import services, signals
from shouhou.frontdesk.models import Reservation

pytestmark = pytest.mark.django_db

LATER = dt.date.today() + dt.timedelta(days=7)


def _res(clerk, customer, **kw):
    kw.setdefault("description", "三人真皮沙发")
    kw.setdefault("deposit", "500.00")
    kw.setdefault("receipt_number", "SJ-0001")
    return services.reservation_create(by=clerk, customer=customer, promised_on=LATER, **kw)


def test_a_deposit_is_decimal_yuan_with_its_receipt(clerk, customer):
    r = _res(clerk, customer)
    assert r.deposit == Decimal("500.00") and r.number.startswith("YD")


def test_a_deposit_without_receipt_or_with_three_decimals_is_refused(clerk, customer):
    with pytest.raises(ValidationFailed) as exc:
        _res(clerk, customer, receipt_number="")
    assert "receipt_number" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        _res(clerk, customer, deposit="1.005")
    assert "deposit" in exc.value.fields
    assert Reservation.objects.count() == 0


def test_the_states_run_ordered_arrived_told_collected(clerk, customer):
    r = _res(clerk, customer)
    with pytest.raises(InvalidTransition):
        services.reservation_collect(by=clerk, reservation=r)
    r = services.reservation_arrive(by=clerk, reservation=r)
    r = services.reservation_tell(by=clerk, reservation=r)
    r = services.reservation_collect(by=clerk, reservation=r)
    assert r.status == "collected" and r.arrived_at and r.told_at and r.collected_at


def test_arrival_publishes_the_event_once_committed(
    clerk, customer, django_capture_on_commit_callbacks
):
    seen = []

    def listener(sender, reservation, by, **kw):
        seen.append(reservation.pk)

    signals.reservation_arrived.connect(listener)
    try:
        r = _res(clerk, customer)
        with django_capture_on_commit_callbacks(execute=True):
            services.reservation_arrive(by=clerk, reservation=r)
    finally:
        signals.reservation_arrived.disconnect(listener)
    assert seen == [r.pk]


def test_cancelling_refunds_the_deposit(clerk, customer):
    r = _res(clerk, customer)
    with pytest.raises(ValidationFailed) as exc:
        services.reservation_cancel(by=clerk, reservation=r, reason="不要了")
    assert "refund_receipt" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        services.reservation_cancel(
            by=clerk, reservation=r, reason="不要了", refund="600", refund_receipt="T1"
        )
    assert "refund" in exc.value.fields
    r = services.reservation_cancel(by=clerk, reservation=r, reason="不要了", refund_receipt="T1")
    assert r.status == "cancelled" and r.refund == Decimal("500.00")


def test_an_ordered_reservation_past_its_date_is_overdue(clerk, customer):
    from shouhou.frontdesk import selectors

    r = _res(clerk, customer)
    Reservation.objects.filter(pk=r.pk).update(promised_on=dt.date.today() - dt.timedelta(days=1))
    r.refresh_from_db()
    assert r.is_overdue
    assert list(selectors.reservation_list(user=clerk, overdue=True)) == [r]
    services.reservation_arrive(by=clerk, reservation=r)
    assert list(selectors.reservation_list(user=clerk, overdue=True)) == []


def test_the_reservation_api(api, clerk, customer):
    api.as_(clerk)
    resp = api.post(
        "/api/v1/reservations/",
        {
            "customer": customer.pk,
            "description": "餐桌",
            "deposit": "200.00",
            "receipt_number": "R9",
            "promised_on": LATER.isoformat(),
        },
    )
    assert resp.status_code == 201 and resp.json()["deposit"] == "200.00"
    pk = resp.json()["id"]
    assert api.post(f"/api/v1/reservations/{pk}/arrive/").json()["status"] == "arrived"
    assert api.post(f"/api/v1/reservations/{pk}/arrive/").status_code == 409


def test_goods_taken_back_are_followed_until_they_go_back(clerk, customer):
    row = services.desk_return_register(
        by=clerk,
        kind="exchange",
        customer=customer,
        item="电水壶",
        reason="不加热",
        condition="外包装完好",
        stored_at="服务台二号柜",
    )
    assert row.status == "held"
    with pytest.raises(ValidationFailed) as exc:
        services.desk_return_send_back(
            by=clerk, item=row, returned_to="merchant", returned_to_name=""
        )
    assert "returned_to_name" in exc.value.fields
    row = services.desk_return_send_back(
        by=clerk, item=row, returned_to="supplier", returned_to_name="美的供应 李师傅"
    )
    assert row.status == "returned" and row.returned_at
    with pytest.raises(InvalidTransition):
        services.desk_return_send_back(
            by=clerk, item=row, returned_to="supplier", returned_to_name="x"
        )


def test_registering_goods_taken_back_needs_what_why_condition_and_where(clerk, customer):
    with pytest.raises(ValidationFailed) as exc:
        services.desk_return_register(
            by=clerk,
            kind="return",
            customer=customer,
            item="",
            reason="",
            condition="",
            stored_at="",
        )
    assert set(exc.value.fields) == {"item", "reason", "condition", "stored_at"}
