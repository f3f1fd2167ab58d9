from decimal import Decimal

import pytest

from shouhou.core.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.parts import services as ps
from shouhou.workorders import services as wo
from shouhou.workorders.models import ServiceReport

pytestmark = pytest.mark.django_db


def finish(tech, order, fee):
    return wo.workorder_complete(by=tech.user, order=order, findings="", work_done="修好",
                                 fee=fee, fee_approval="报价单", steps_done=[])  # fmt: skip


def test_the_quote_is_parts_at_sale_price_plus_labour_and_travel(tech, order, part):
    q = ps.quote_create(by=tech.user, work_order=order, lines=[{"part": part.pk, "quantity": 2}],
                        labour_hours="1.5", travel_km=16)  # fmt: skip
    # 2×58 + 1.5×50 + (30 + 6×1.50)
    assert (q.parts_total, q.labour, q.travel, q.total) == (
        Decimal("116.00"),
        Decimal("75.00"),
        Decimal("39.00"),
        Decimal("230.00"),
    )


def test_a_fee_without_an_accepted_quote_is_refused(tech, order):
    with pytest.raises(ValidationFailed) as exc:
        finish(tech, order, "80")
    assert "fee_approval" in exc.value.fields
    assert not ServiceReport.all_objects.exists()


def test_the_fee_must_equal_the_accepted_quote(tech, order, part):
    q = ps.quote_create(by=tech.user, work_order=order, lines=[], labour_hours="1")
    ps.quote_accept(by=tech.user, quote=q, customer_name="张伟")
    q.refresh_from_db()
    assert q.accepted_by_name == "张伟" and q.accepted_at and q.recorded_by == tech.user
    with pytest.raises(ValidationFailed) as exc:
        finish(tech, order, "120")
    assert exc.value.code == "fee_differs_from_quote"
    assert not ServiceReport.all_objects.exists()
    assert finish(tech, order, "80.00").report.fee == Decimal("80.00")  # 50 + 30


def test_a_supervisor_approves_a_changed_fee(tech, order, supervisor):
    q = ps.quote_create(by=tech.user, work_order=order, lines=[], labour_hours="1")
    ps.quote_accept(by=tech.user, quote=q, customer_name="张伟")
    with pytest.raises(PermissionDeniedError):
        ps.quote_change_approve(by=tech.user, quote=q, amount="120", reason="多换一根管")
    ps.quote_change_approve(by=supervisor, quote=q, amount="120", reason="多换一根管")
    with pytest.raises(ValidationFailed):
        finish(tech, order, "80")
    assert finish(tech, order, "120").report.fee == Decimal("120.00")


def test_a_quote_is_accepted_once_and_not_after_the_work(tech, order):
    q = ps.quote_create(by=tech.user, work_order=order, lines=[], labour_hours="0")
    with pytest.raises(ValidationFailed):
        ps.quote_accept(by=tech.user, quote=q, customer_name=" ")
    ps.quote_accept(by=tech.user, quote=q, customer_name="张伟")
    with pytest.raises(InvalidTransition):
        ps.quote_accept(by=tech.user, quote=q, customer_name="张伟")
