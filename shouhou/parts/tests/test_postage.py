import pytest
from django.db import IntegrityError, transaction

from shouhou.core.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from shouhou.parts import services as ps
from shouhou.parts.models import PostageWriteOff

pytestmark = pytest.mark.django_db


def test_postage_is_written_off_with_the_handlers_and_a_supervisors_signature(
    keeper, supervisor, make_user
):
    row = ps.postage_record(by=keeper, carrier="顺丰", waybill="SF1", amount="18.00",
                            description="寄往服务站：主板1块")  # fmt: skip
    assert row.status == "handler"
    with pytest.raises(PermissionDeniedError):
        ps.postage_approve(by=keeper, postage=row)  # not the handler, not a store keeper
    both = make_user("warehouse_keeper", "workshop_supervisor")
    own = ps.postage_record(by=both, carrier="顺丰", waybill="SF2", amount="5", description="x")
    with pytest.raises(PermissionDeniedError):
        ps.postage_approve(by=both, postage=own)  # the second signature is someone else's
    row = ps.postage_approve(by=supervisor, postage=row)
    assert (row.status, row.approved_by) == ("written_off", supervisor)
    with pytest.raises(InvalidTransition):
        ps.postage_approve(by=supervisor, postage=row)


def test_postage_input_is_checked_and_a_waybill_recorded_once(keeper):
    with pytest.raises(ValidationFailed) as exc:
        ps.postage_record(by=keeper, carrier="", waybill="", amount="0", description="")
    assert {"carrier", "waybill", "amount", "description"} <= set(exc.value.fields)
    ps.postage_record(by=keeper, carrier="顺丰", waybill="SF9", amount="8", description="x")
    with pytest.raises(ValidationFailed):
        ps.postage_record(by=keeper, carrier="顺丰", waybill="SF9", amount="8", description="x")


def test_a_written_off_postage_without_a_supervisor_cannot_be_stored(org, keeper):
    with pytest.raises(IntegrityError), transaction.atomic():
        PostageWriteOff.all_objects.create(
            organisation=org, carrier="c", waybill="w", amount=1, description="d",
            handler=keeper, handled_at="2026-03-01T00:00Z", status="written_off",
        )  # fmt: skip
