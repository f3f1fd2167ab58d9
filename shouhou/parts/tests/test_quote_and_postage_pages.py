"""The service clerk's quote and postage pages: they ask the services and show their answers."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shouhou.core.models import AuditEvent
from shouhou.parts import services as ps
from shouhou.parts.models import PostageWriteOff, Quote

pytestmark = pytest.mark.django_db


def test_a_quote_made_on_the_page_totals_parts_labour_and_travel_in_yuan(client, desk, order, part):
    client.force_login(desk)
    url = reverse("parts:quote_new", args=[order.pk])
    page = client.get(url)
    assert page.status_code == 200 and "50.00" in page.content.decode()  # the labour rate
    data = {"lines": "JSF-01 2", "labour_hours": "1.5", "travel_km": "16",
            "idempotency_key": "q1"}  # fmt: skip
    resp = client.post(url, data)
    again = client.post(url, data)
    assert resp.status_code == again.status_code == 302
    assert Quote.all_objects.count() == 1  # a double submit quotes once
    q = Quote.all_objects.get()
    # 2×58 + 1.5×50 + (30 + 6×1.50)
    assert q.total == Decimal("230.00")
    detail = client.get(resp["Location"]).content.decode()
    assert "¥230.00" in detail and "¥116.00" in detail and "进水阀" in detail
    printed = client.get(reverse("parts:quote_print", args=[q.pk])).content.decode()
    assert "¥230.00" in printed and "data-print" in printed


def test_a_quote_with_an_unknown_part_or_bad_hours_is_reshown_with_chinese_errors(
    client, desk, order
):
    client.force_login(desk)
    url = reverse("parts:quote_new", args=[order.pk])
    resp = client.post(url, {"lines": "NOPE 1", "labour_hours": "1"})
    assert resp.status_code == 400 and "第 1 行" in resp.content.decode()
    resp = client.post(url, {"lines": "", "labour_hours": "-1"})
    assert resp.status_code == 400 and "labour_hours" in resp.context["form"].errors
    assert Quote.all_objects.count() == 0


def test_the_customer_accepts_the_quote_on_the_page_with_their_name(client, desk, order):
    q = ps.quote_create(by=desk, work_order=order, lines=[], labour_hours="1")
    client.force_login(desk)
    act = reverse("parts:quote_action", args=[q.pk, "accept"])
    resp = client.post(act, {"customer_name": ""})
    assert resp.status_code == 400 and "accept_form" in resp.context
    assert client.post(act, {"customer_name": "张女士"}).status_code == 302
    q.refresh_from_db()
    assert (q.status, q.accepted_by_name, q.recorded_by) == ("accepted", "张女士", desk)
    assert AuditEvent.objects.filter(action="shouhou.quote.accepted").exists()
    # accepted once: a second answer is refused on the page
    resp = client.post(reverse("parts:quote_action", args=[q.pk, "decline"]))
    assert resp.status_code == 400


def test_a_declined_quote_and_a_supervisors_changed_fee(client, desk, supervisor, order):
    q = ps.quote_create(by=desk, work_order=order, lines=[], labour_hours="1")
    client.force_login(desk)
    assert client.post(reverse("parts:quote_action", args=[q.pk, "decline"])).status_code == 302
    q.refresh_from_db()
    assert q.status == "declined"
    q2 = ps.quote_create(by=desk, work_order=order, lines=[], labour_hours="1")
    ps.quote_accept(by=desk, quote=q2, customer_name="张女士")
    change = reverse("parts:quote_action", args=[q2.pk, "change"])
    assert client.post(change, {"amount": "80", "reason": "多换一个"}).status_code == 403
    client.force_login(supervisor)
    resp = client.post(change, {"amount": "80", "reason": ""})
    assert resp.status_code == 400 and "change_form" in resp.context
    assert client.post(change, {"amount": "80.00", "reason": "多换一个阀"}).status_code == 302
    q2.refresh_from_db()
    assert q2.agreed_fee == Decimal("80.00")


def test_another_organisations_quote_and_order_are_a_404(client, make_user, other_org, desk,
                                                        order):  # fmt: skip
    q = ps.quote_create(by=desk, work_order=order, lines=[], labour_hours="1")
    client.force_login(make_user("service_desk", organisation=other_org))
    assert client.get(reverse("parts:quote_detail", args=[q.pk])).status_code == 404
    assert client.get(reverse("parts:quote_print", args=[q.pk])).status_code == 404
    assert client.get(reverse("parts:quote_new", args=[order.pk])).status_code == 404
    resp = client.post(reverse("parts:quote_action", args=[q.pk, "accept"]),
                       {"customer_name": "冒充"})  # fmt: skip
    assert resp.status_code == 404
    q.refresh_from_db()
    assert q.status == "draft"


def test_a_warehouse_keeper_cannot_make_a_quote(client, keeper, order):
    client.force_login(keeper)
    assert client.get(reverse("parts:quote_new", args=[order.pk])).status_code == 403


def test_the_quote_list_pages_by_cursor_in_a_fixed_number_of_queries(
    client, desk, order, django_assert_max_num_queries
):
    for _n in range(3):
        ps.quote_create(by=desk, work_order=order, lines=[], labour_hours="1")
    client.force_login(desk)
    client.get(reverse("parts:quotes"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("parts:quotes") + "?page_size=2")
    assert page.status_code == 200 and "cursor=" in page.content.decode()
    q = Quote.all_objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("parts:quote_detail", args=[q.pk])).status_code == 200


def test_postage_is_recorded_on_the_page_once_and_signed_off_by_a_supervisor(
    client, keeper, supervisor, order, django_assert_max_num_queries
):
    client.force_login(keeper)
    url = reverse("parts:postage_new")
    page = client.get(url + f"?order={order.pk}")
    assert page.status_code == 200 and order.number in page.content.decode()
    data = {"carrier": "顺丰", "waybill": "SF100", "amount": "18.50", "description": "进水阀 ×2",
            "work_order": order.number, "idempotency_key": "p1"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    row = PostageWriteOff.all_objects.get()
    assert (row.amount, row.work_order_id, row.handler) == (Decimal("18.50"), order.pk, keeper)
    # the handler is not the second signature
    listing = client.get(reverse("parts:postage")).content.decode()
    assert reverse("parts:postage_approve", args=[row.pk]) not in listing
    client.force_login(supervisor)
    with django_assert_max_num_queries(10):
        listing = client.get(reverse("parts:postage")).content.decode()
    assert reverse("parts:postage_approve", args=[row.pk]) in listing
    assert client.post(reverse("parts:postage_approve", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.status == "written_off" and row.approved_by == supervisor


def test_postage_with_a_recorded_waybill_or_an_unknown_order_is_reshown_with_the_field(
    client, keeper
):
    ps.postage_record(by=keeper, carrier="顺丰", waybill="SF9", amount="8", description="x")
    client.force_login(keeper)
    url = reverse("parts:postage_new")
    resp = client.post(url, {"carrier": "顺丰", "waybill": "SF9", "amount": "8",
                             "description": "x"})  # fmt: skip
    assert resp.status_code == 400 and "waybill" in resp.context["form"].errors
    resp = client.post(url, {"carrier": "顺丰", "waybill": "SF10", "amount": "0",
                             "description": "x", "work_order": "WO-NOPE"})  # fmt: skip
    assert resp.status_code == 400 and "work_order" in resp.context["form"].errors
    assert PostageWriteOff.all_objects.count() == 1


def test_a_technician_cannot_record_postage_and_another_organisations_postage_is_a_404(
    client, tech, keeper, make_user, other_org
):
    row = ps.postage_record(by=keeper, carrier="顺丰", waybill="SF1", amount="8", description="x")
    client.force_login(tech.user)
    assert client.get(reverse("parts:postage_new")).status_code == 403
    client.force_login(make_user("workshop_supervisor", organisation=other_org))
    assert client.post(reverse("parts:postage_approve", args=[row.pk])).status_code == 404
    row.refresh_from_db()
    assert row.status == "handler"


def test_the_work_order_page_links_to_the_quote_requisition_and_postage_pages(client, desk, order):
    client.force_login(desk)
    body = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    assert reverse("parts:quote_new", args=[order.pk]) in body
    assert reverse("parts:requisition_new", args=[order.pk]) in body
    assert reverse("parts:postage_new") + f"?order={order.pk}" in body
