"""Old parts (旧件): replaced parts to be returned are listed per order until the warehouse
keeper records that they came back; a page and an API."""

import pytest

from shouhou.core.errors import (
    Conflict,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.workorders import selectors
from shouhou.workorders import services as s
from shouhou.workorders.models import ReportPart

from .factories import at, make_customer, make_technician

PARTS = [
    {"name": "角阀", "quantity": 2, "reason": "阀芯漏水"},
    {"name": "进水软管", "quantity": 1, "reason": "老化", "return_old": False},
]


@pytest.fixture
def keeper(make_user):
    return make_user("warehouse_keeper", display_name="钱库管")


def finished(desk, tech, org, parts=PARTS, when=at(2026, 3, 9, 9)):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=when
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech, now=when)
    order = s.workorder_arrive(by=tech.user, order=order, now=when)
    return s.workorder_complete(
        by=tech.user, order=order, findings="漏水", work_done="更换角阀", parts=parts, now=when
    )


def valve(order) -> ReportPart:
    return ReportPart.all_objects.get(report__order=order, name="角阀")


def test_parts_to_return_are_listed_until_the_warehouse_receives_them(desk, tech, org, keeper):
    order = finished(desk, tech, org)
    listed = list(selectors.old_parts_list(user=keeper))
    assert [p.name for p in listed] == ["角阀"]  # the hose is not to be returned
    part = s.report_part_receive_old(by=keeper, part=listed[0], condition="scrap")
    assert part.old_returned_at is not None and part.old_received_by == keeper
    assert part.old_returned_quantity == 2 and part.old_condition == "scrap"
    assert not selectors.old_parts_list(user=keeper).exists()
    assert [p.pk for p in selectors.old_parts_list(user=keeper, state="received")] == [part.pk]
    assert AuditEvent.all_objects.filter(
        action="shouhou.report_part.old_received", object_id=str(order.pk)
    ).exists()


def test_an_old_part_is_received_once(desk, tech, org, keeper):
    part = valve(finished(desk, tech, org))
    first = s.report_part_receive_old(by=keeper, part=part, now=at(2026, 3, 10, 9))
    with pytest.raises(Conflict):
        s.report_part_receive_old(by=keeper, part=part, now=at(2026, 3, 11, 9))
    part.refresh_from_db()
    assert part.old_returned_at == first.old_returned_at == at(2026, 3, 10, 9)


def test_fewer_old_parts_than_replaced_need_a_note(desk, tech, org, keeper):
    part = valve(finished(desk, tech, org))
    with pytest.raises(ValidationFailed) as exc:
        s.report_part_receive_old(by=keeper, part=part, quantity=1)
    assert "note" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        s.report_part_receive_old(by=keeper, part=part, quantity=3, note="多了")
    assert "quantity" in exc.value.fields
    part.refresh_from_db()
    assert part.old_returned_at is None
    s.report_part_receive_old(by=keeper, part=part, quantity=1, note="客户留下一个")
    part.refresh_from_db()
    assert part.old_returned_quantity == 1 and part.old_return_note == "客户留下一个"


def test_only_the_warehouse_keeper_records_old_parts(desk, tech, org, clerk):
    part = valve(finished(desk, tech, org))
    for someone in (clerk, tech.user):
        with pytest.raises(PermissionDeniedError):
            s.report_part_receive_old(by=someone, part=part)


def test_a_keeper_of_another_organisation_never_sees_the_part(desk, tech, org, other_org):
    from shouhou.org.tests.factories import UserFactory

    part = valve(finished(desk, tech, org))
    stranger = UserFactory(roles=["warehouse_keeper"], organisation=other_org)
    assert not selectors.old_parts_list(user=stranger).exists()
    with pytest.raises(NotFoundError):
        selectors.old_part_get(user=stranger, pk=part.pk)
    with pytest.raises(NotFoundError):
        s.report_part_receive_old(by=stranger, part=part)


def test_parts_of_work_not_finished_are_not_listed_nor_received(desk, tech, org, keeper):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    order = s.workorder_arrive(by=tech.user, order=order)
    s.service_report_update(by=tech.user, order=order, findings="", work_done="拆下", parts=PARTS,
                            fee="0", fee_approval="", steps_done=[])  # fmt: skip
    assert not selectors.old_parts_list(user=keeper).exists()
    with pytest.raises(InvalidTransition):
        s.report_part_receive_old(by=keeper, part=valve(order))


def test_a_received_old_part_stays_when_the_report_is_corrected(desk, tech, org, keeper):
    order = finished(desk, tech, org)
    received = s.report_part_receive_old(by=keeper, part=valve(order))
    s.service_report_update(
        by=tech.user,
        order=order,
        findings="漏水",
        work_done="更换角阀和软管",
        parts=[{"name": "软管", "quantity": 1, "reason": "老化"}],
        fee="0",
        fee_approval="",
        steps_done=[],
    )
    names = set(ReportPart.all_objects.filter(report__order=order).values_list("name", flat=True))
    assert names == {"角阀", "软管"}
    assert ReportPart.all_objects.get(pk=received.pk).old_returned_at is not None


def test_a_technician_sees_only_the_old_parts_of_their_own_jobs(desk, tech, org):
    mine = finished(desk, tech, org)
    other = make_technician(org)
    finished(desk, other, org)
    assert {p.report.order_id for p in selectors.old_parts_list(user=tech.user)} == {mine.pk}


def test_the_old_parts_page_lists_what_is_missing_and_the_keeper_marks_it_received(
    client, desk, tech, org, keeper
):
    order = finished(desk, tech, org)
    part = valve(order)
    client.force_login(keeper)
    page = client.get("/workorders/old-parts/").content.decode()
    assert order.number in page and "角阀" in page and "进水软管" not in page
    r = client.post(
        f"/workorders/old-parts/{part.pk}/receive/",
        {"quantity": "2", "condition": "usable", "note": "", "next": "/workorders/old-parts/"},
    )
    assert r.status_code == 302 and r["Location"] == "/workorders/old-parts/"
    part.refresh_from_db()
    assert part.old_condition == "usable" and part.old_received_by == keeper
    row = f'id="part-{part.pk}"'
    assert row not in client.get("/workorders/old-parts/").content.decode()
    assert row in client.get("/workorders/old-parts/?state=received").content.decode()
    # a second submit changes nothing and says so
    again = client.post(f"/workorders/old-parts/{part.pk}/receive/", {"quantity": "2"}, follow=True)
    assert again.status_code == 200
    part.refresh_from_db()
    assert part.old_condition == "usable"


def test_the_office_sees_the_page_without_the_receive_form(client, desk, tech, org):
    order = finished(desk, tech, org)
    client.force_login(desk)
    page = client.get("/workorders/old-parts/").content.decode()
    assert order.number in page and "/receive/" not in page


def test_people_without_a_part_in_it_are_refused_the_page(client, make_user):
    client.force_login(make_user("security"))
    assert client.get("/workorders/old-parts/").status_code == 403


def test_the_api_lists_and_receives_old_parts(api, desk, tech, org, keeper):
    order = finished(desk, tech, org)
    part = valve(order)
    rows = api.as_(keeper).get("/api/v1/workorder-old-parts/").json()["results"]
    assert [(x["id"], x["order"]["number"], x["quantity"]) for x in rows] == [
        (part.pk, order.number, 2)
    ]
    r = api.as_(keeper).post(
        f"/api/v1/workorder-old-parts/{part.pk}/receive/", {"condition": "scrap"}
    )
    assert r.status_code == 200, r.json()
    assert r.json()["old_returned_quantity"] == 2 and r.json()["old_condition"] == "scrap"
    again = api.as_(keeper).post(f"/api/v1/workorder-old-parts/{part.pk}/receive/", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_received"
    assert api.as_(keeper).get("/api/v1/workorder-old-parts/").json()["results"] == []


def test_the_api_refuses_a_bad_quantity_and_writes_nothing(api, desk, tech, org, keeper):
    part = valve(finished(desk, tech, org))
    r = api.as_(keeper).post(f"/api/v1/workorder-old-parts/{part.pk}/receive/", {"quantity": 5})
    assert r.status_code == 400 and "quantity" in r.json()["error"]["fields"]
    part.refresh_from_db()
    assert part.old_returned_at is None
    r = api.as_(tech.user).post(f"/api/v1/workorder-old-parts/{part.pk}/receive/", {})
    assert r.status_code == 403
