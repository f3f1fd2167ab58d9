"""Guarded transitions: a stale view of a delivery cannot move it twice."""

import pytest

from shouhou.core.errors import InvalidTransition
from shouhou.delivery import services
from shouhou.delivery.models import Delivery

pytestmark = pytest.mark.django_db


def test_a_guarded_move_from_a_stale_status_is_refused(sales, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    stale = Delivery.objects.get(pk=d.pk)
    Delivery.objects.filter(pk=d.pk).update(status=Delivery.Status.RECONFIRMED)
    with pytest.raises(InvalidTransition):
        services._move(stale, "reconfirm", Delivery.Status.RECONFIRMED)


def test_every_action_names_only_known_statuses():
    known = set(Delivery.Status.values)
    for states in services.ALLOWED_FROM.values():
        assert states <= known
    # Terminal statuses allow nothing but the report after delivery.
    assert not any(Delivery.Status.CANCELLED in s for s in services.ALLOWED_FROM.values())
    assert not any(Delivery.Status.REPORTED in s for s in services.ALLOWED_FROM.values())


def test_cancelling_twice_is_refused(sales, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    services.delivery_cancel(by=sales, delivery=d, reason="客户取消")
    with pytest.raises(InvalidTransition):
        services.delivery_cancel(by=sales, delivery=d, reason="客户取消")
