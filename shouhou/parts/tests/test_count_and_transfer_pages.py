"""The store keeper's count and transfer pages: they ask the services and show their answers."""

import pytest
from django.urls import reverse

from shouhou.core.models import AuditEvent
from shouhou.parts import services as ps
from shouhou.parts.models import Location, Move, Stock, StockCount

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(org):
    return Location.all_objects.create(organisation=org, code="st1", name="一号服务站",
                                       kind="station")  # fmt: skip


def _count_url(loc):
    return reverse("parts:count_new") + f"?location={loc.pk}"


def test_a_count_entered_on_the_sheet_shows_the_difference_and_a_manager_posts_it(
    client, keeper, manager, central, stocked
):
    client.force_login(keeper)
    sheet = client.get(_count_url(central))
    body = sheet.content.decode()
    assert sheet.status_code == 200 and "JSF-01" in body
    assert 'inputmode="numeric"' in body  # a phone shows the number pad
    box = f"c_{stocked.pk}"
    resp = client.post(_count_url(central),
                       {"location": central.pk, box: "7", "idempotency_key": "c1"})  # fmt: skip
    again = client.post(_count_url(central),
                        {"location": central.pk, box: "7", "idempotency_key": "c1"})  # fmt: skip
    assert resp.status_code == again.status_code == 302
    assert StockCount.all_objects.count() == 1  # a double submit counts once
    count = StockCount.all_objects.get()
    detail = client.get(resp["Location"]).content.decode()
    assert '<td data-label="差异">-3</td>' in detail  # 7 counted, 10 on the books
    # The counter may not approve their own count: no buttons, and a forced post is refused.
    assert reverse("parts:count_action", args=[count.pk, "approve"]) not in detail
    assert client.post(reverse("parts:count_action", args=[count.pk, "approve"])).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("parts:count_detail", args=[count.pk])).content.decode()
    assert reverse("parts:count_action", args=[count.pk, "approve"]) in page
    resp = client.post(reverse("parts:count_action", args=[count.pk, "approve"]))
    assert resp.status_code == 302
    assert Stock.all_objects.get(part=stocked, location=central).quantity == 7
    assert Move.all_objects.filter(kind="adjustment", quantity=3).count() == 1
    assert AuditEvent.objects.filter(action="shouhou.stock_count.approved").exists()


def test_a_manager_who_counted_cannot_approve_their_own_count_on_the_page(
    client, make_user, store, manager, central, stocked
):
    counter = make_user("warehouse_keeper", "store_manager", store=store)
    count = ps.stock_count_create(by=counter, location=central,
                                  lines=[{"part": stocked.pk, "counted": 9}])  # fmt: skip
    client.force_login(counter)
    resp = client.post(reverse("parts:count_action", args=[count.pk, "approve"]))
    assert resp.status_code == 400 and "自己" in resp.content.decode()
    count.refresh_from_db()
    assert count.status == "submitted"


def test_a_blank_box_is_not_counted_and_a_count_with_no_number_is_reshown_in_chinese(
    client, keeper, central, stocked
):
    client.force_login(keeper)
    resp = client.post(_count_url(central), {"location": central.pk, f"c_{stocked.pk}": ""})
    assert resp.status_code == 400 and "至少" in resp.content.decode()
    resp = client.post(_count_url(central), {"location": central.pk, f"c_{stocked.pk}": "-1"})
    assert resp.status_code == 400 and "大于或等于0" in resp.content.decode().replace(" ", "")
    resp = client.post(_count_url(central), {"location": central.pk, "extra": "NOPE 2"})
    assert resp.status_code == 400 and "第 1 行" in resp.content.decode()
    assert StockCount.all_objects.count() == 0


def test_a_part_found_that_is_not_on_the_books_is_counted_from_the_extra_lines(
    client, keeper, central, stocked, org
):
    from shouhou.parts.models import Part

    Part.all_objects.create(organisation=org, code="FLQ-02", name="法兰圈")
    client.force_login(keeper)
    resp = client.post(_count_url(central),
                       {"location": central.pk, "extra": "FLQ-02 2", "idempotency_key": "e"})  # fmt: skip
    assert resp.status_code == 302
    line = StockCount.all_objects.get().lines.get()
    assert (line.part.code, line.booked, line.counted) == ("FLQ-02", 0, 2)


def test_the_count_sheet_prints_without_the_books_quantities(client, keeper, central, stocked):
    client.force_login(keeper)
    page = client.get(reverse("parts:count_sheet") + f"?location={central.pk}")
    body = page.content.decode()
    assert page.status_code == 200 and "JSF-01" in body and "data-print" in body
    assert "<td>10</td>" not in body  # a blind count: the books' 10 is not on the sheet


def test_a_technician_cannot_start_a_count_and_a_forged_location_is_a_404(
    client, tech, keeper, make_user, other_org, central
):
    client.force_login(tech.user)
    assert client.get(_count_url(central)).status_code == 403
    foreign = Location.all_objects.create(organisation=other_org, code="x", name="别家库",
                                          kind="central")  # fmt: skip
    client.force_login(keeper)
    assert client.get(_count_url(foreign)).status_code == 404
    assert client.get(reverse("parts:count_sheet") + f"?location={foreign.pk}").status_code == 404


def test_another_organisations_count_is_a_404(client, keeper, make_user, other_org, central,
                                              stocked):  # fmt: skip
    count = ps.stock_count_create(by=keeper, location=central,
                                  lines=[{"part": stocked.pk, "counted": 9}])  # fmt: skip
    client.force_login(make_user("store_manager", organisation=other_org))
    assert client.get(reverse("parts:count_detail", args=[count.pk])).status_code == 404
    assert client.post(reverse("parts:count_action", args=[count.pk, "approve"])).status_code == 404
    count.refresh_from_db()
    assert count.status == "submitted"


def test_the_count_list_pages_by_cursor_in_a_fixed_number_of_queries(
    client, keeper, central, stocked, django_assert_max_num_queries
):
    for n in range(3):
        ps.stock_count_create(by=keeper, location=central,
                              lines=[{"part": stocked.pk, "counted": n}])  # fmt: skip
    client.force_login(keeper)
    client.get(reverse("parts:counts"))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("parts:counts") + "?page_size=2")
    assert page.status_code == 200 and "cursor=" in page.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("parts:count_new") + f"?location={central.pk}").status_code == 200
    count = StockCount.all_objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("parts:count_detail", args=[count.pk])).status_code == 200


def test_a_transfer_of_more_than_on_hand_is_refused_on_the_quantity_field(
    client, keeper, central, station, stocked
):
    client.force_login(keeper)
    url = reverse("parts:transfer_new")
    assert client.get(url + f"?src={central.pk}&part=JSF-01").status_code == 200
    resp = client.post(url, {"part": "JSF-01", "src": central.pk, "dst": station.pk,
                             "quantity": 11, "idempotency_key": "t0"})  # fmt: skip
    assert resp.status_code == 400
    assert "quantity" in resp.context["form"].errors
    assert "10" in resp.context["form"].errors["quantity"][0]  # what is on hand
    assert Stock.all_objects.get(part=stocked, location=central).quantity == 10


def test_a_transfer_moves_the_stock_once_and_shows_on_the_transfer_list(
    client, keeper, central, station, stocked, django_assert_max_num_queries
):
    client.force_login(keeper)
    data = {"part": "JSF-01", "src": central.pk, "dst": station.pk, "quantity": 4,
            "idempotency_key": "t1"}  # fmt: skip
    assert client.post(reverse("parts:transfer_new"), data).status_code == 302
    assert client.post(reverse("parts:transfer_new"), data).status_code == 302
    assert Stock.all_objects.get(part=stocked, location=central).quantity == 6
    assert Stock.all_objects.get(part=stocked, location=station).quantity == 4
    assert AuditEvent.objects.filter(action="shouhou.stock.transferred").count() == 1
    with django_assert_max_num_queries(10):
        page = client.get(reverse("parts:transfers"))
    assert "一号服务站" in page.content.decode()


def test_a_transfer_with_an_unknown_part_or_to_the_same_store_is_reshown_with_the_field(
    client, keeper, central, stocked
):
    client.force_login(keeper)
    url = reverse("parts:transfer_new")
    resp = client.post(url, {"part": "NOPE", "src": central.pk, "dst": central.pk, "quantity": 1})
    assert resp.status_code == 400 and "part" in resp.context["form"].errors
    resp = client.post(url, {"part": "JSF-01", "src": central.pk, "dst": central.pk,
                             "quantity": 1})  # fmt: skip
    assert resp.status_code == 400 and "dst" in resp.context["form"].errors


def test_the_stock_page_links_to_the_count_and_transfer_pages(client, keeper, central, stocked):
    client.force_login(keeper)
    body = client.get(reverse("parts:stock") + f"?location={central.pk}").content.decode()
    assert reverse("parts:count_new") + f"?location={central.pk}" in body
    assert reverse("parts:transfer_new") + f"?src={central.pk}" in body
    assert reverse("parts:counts") in body and reverse("parts:postage") in body
