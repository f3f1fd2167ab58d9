from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.parts import bands
from shouhou.parts import services as ps
from shouhou.parts.models import ApprovalBand, Move, Requisition, Stock

from .conftest import at

pytestmark = pytest.mark.django_db


def _stock(part, loc):
    return Stock.all_objects.get(part=part, location=loc)


def _ledger_sum(part, loc):
    ins = sum(m.quantity for m in Move.all_objects.filter(part=part, to_location=loc))
    outs = sum(m.quantity for m in Move.all_objects.filter(part=part, from_location=loc))
    return ins - outs


def test_a_receipt_books_each_line_into_stock_with_its_move(stocked, central):
    row = _stock(stocked, central)
    assert row.quantity == 10
    assert row.average_cost == Decimal("35.0000")
    move = Move.all_objects.get(part=stocked)
    assert (move.kind, move.document, move.quantity) == ("receipt", "receipt", 10)
    assert move.by.username and move.at


def test_the_average_cost_moves_with_a_dearer_receipt(keeper, stocked, central):
    ps.receipt_create(by=keeper, location=central, supplier="厂家",
                      lines=[{"part": stocked.code, "quantity": 5, "unit_cost": "41.00"}])  # fmt: skip
    row = _stock(stocked, central)
    assert row.quantity == 15
    assert row.average_cost == Decimal("37.0000")  # (10×35 + 5×41) / 15
    assert isinstance(row.average_cost, Decimal)


def test_a_receipt_with_bad_lines_names_each_field_and_writes_nothing(keeper, central, part):
    with pytest.raises(ValidationFailed) as exc:
        ps.receipt_create(by=keeper, location=central, supplier="",
                          lines=[{"part": "NOPE", "quantity": 1},
                                 {"part": part.pk, "quantity": 0, "unit_cost": "1.234"}])  # fmt: skip
    assert {"supplier", "lines.0.part", "lines.1.quantity", "lines.1.unit_cost"} <= set(
        exc.value.fields
    )
    assert not Move.all_objects.exists()


def test_only_the_warehouse_keeper_receives(tech, central, part):
    with pytest.raises(PermissionDeniedError):
        ps.receipt_create(by=tech.user, location=central, supplier="x",
                          lines=[{"part": part.pk, "quantity": 1}])  # fmt: skip


def test_the_database_refuses_negative_stock_whatever_the_code_does(stocked, central):
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.all_objects.filter(part=stocked, location=central).update(quantity=-1)


def test_the_approval_band_follows_the_value_and_its_boundary(tech, order, central, stocked):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 2}], proposal="换进水阀")  # fmt: skip
    assert (req.total_value, req.approver_role) == (Decimal("70.00"), "workshop_supervisor")
    bs = [bands.Band(lo, hi, role) for lo, hi, role in bands.DEFAULT_BANDS]
    assert bands.band_for(Decimal("500.00"), bs).role == "workshop_supervisor"
    assert bands.band_for(Decimal("500.01"), bs).role == "store_manager"
    assert bands.band_for(Decimal("2000.01"), bs).role == "general_manager"


def test_the_organisation_configures_the_bands(org, tech, order, central, stocked):
    ApprovalBand.all_objects.create(organisation=org, min_value=None, max_value=Decimal("50"),
                                    role="workshop_supervisor", order=1)  # fmt: skip
    ApprovalBand.all_objects.create(organisation=org, min_value=Decimal("50"), max_value=None,
                                    role="vp_operations", order=2)  # fmt: skip
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 2}], proposal="换")  # fmt: skip
    assert req.approver_role == "vp_operations"


def test_a_lower_role_cannot_approve_and_the_technician_not_their_own(
    tech, order, central, stocked, keeper, supervisor, manager
):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 2}], proposal="换")  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        ps.requisition_approve(by=keeper, requisition=req)
    with pytest.raises(PermissionDeniedError):
        ps.requisition_approve(by=tech.user, requisition=req)
    # the store manager ranks above the band's workshop supervisor
    assert ps.requisition_approve(by=manager, requisition=req).status == "approved"


def test_only_an_approved_requisition_is_issued(tech, order, central, stocked, keeper, supervisor):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 2}], proposal="换")  # fmt: skip
    with pytest.raises(InvalidTransition):
        ps.requisition_issue(by=keeper, requisition=req)
    ps.requisition_approve(by=supervisor, requisition=req)
    req = ps.requisition_issue(by=keeper, requisition=req, now=at(2026, 3, 10, 9, 30))
    assert req.status == "issued"
    bag = ps.technician_location(tech.user)
    assert _stock(stocked, central).quantity == 8
    assert _stock(stocked, bag).quantity == 2
    assert _ledger_sum(stocked, central) == 8 and _ledger_sum(stocked, bag) == 2
    with pytest.raises(InvalidTransition):
        ps.requisition_issue(by=keeper, requisition=req)  # not twice
    assert _stock(stocked, central).quantity == 8


def test_issuing_more_than_on_hand_is_a_conflict_naming_the_part(
    tech, order, central, stocked, keeper, manager
):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 11}], proposal="换")  # fmt: skip
    ps.requisition_approve(by=manager, requisition=req)
    with pytest.raises(Conflict) as exc:
        ps.requisition_issue(by=keeper, requisition=req)
    assert exc.value.code == "out_of_stock"
    assert "进水阀" in str(exc.value.message) and exc.value.extra["part"] == "JSF-01"
    assert _stock(stocked, central).quantity == 10
    assert Requisition.all_objects.get(pk=req.pk).status == "approved"


def test_unused_parts_come_back_and_cancel_returns_the_rest(
    tech, order, central, stocked, keeper, supervisor
):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 3}], proposal="换")  # fmt: skip
    ps.requisition_approve(by=supervisor, requisition=req)
    ps.requisition_issue(by=keeper, requisition=req)
    line = req.lines.get()
    ps.requisition_line_return(by=keeper, line=line, quantity=1)
    with pytest.raises(ValidationFailed):
        ps.requisition_line_return(by=keeper, line=line, quantity=5)
    assert _stock(stocked, central).quantity == 8
    req = ps.requisition_cancel(by=keeper, requisition=req, note="客户改期")
    assert req.status == "cancelled"
    assert _stock(stocked, central).quantity == 10
    assert _stock(stocked, ps.technician_location(tech.user)).quantity == 0
    kinds = list(
        Move.all_objects.filter(part=stocked).order_by("id").values_list("kind", flat=True)
    )
    assert kinds == ["receipt", "issue", "return", "return"]


def test_a_stock_count_difference_posts_an_adjustment_only_once_approved(
    keeper, manager, central, stocked
):
    count = ps.stock_count_create(by=keeper, location=central,
                                  lines=[{"part": stocked.pk, "counted": 9}])  # fmt: skip
    assert _stock(stocked, central).quantity == 10
    with pytest.raises(PermissionDeniedError):
        ps.stock_count_decide(by=keeper, count=count, approve=True)
    ps.stock_count_decide(by=manager, count=count, approve=True)
    assert _stock(stocked, central).quantity == 9
    adj = Move.all_objects.get(kind="adjustment")
    assert (adj.from_location_id, adj.quantity, adj.document) == (central.pk, 1, "stock_count")
    with pytest.raises(InvalidTransition):
        ps.stock_count_decide(by=manager, count=count, approve=True)
    assert _stock(stocked, central).quantity == 9
