"""Work-order lists page by keyset (cursor) with a fixed number of queries and summary rows."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from .factories import make_customer, make_technician

URL = "/api/v1/workorders/"
_numbers = itertools.count()
pytestmark = pytest.mark.django_db


def _orders(org, n, *, technician=None, **kw):
    customer = make_customer(org)
    now = timezone.now()
    return WorkOrder.all_objects.bulk_create(
        [
            WorkOrder(
                organisation=org,
                number=f"T{next(_numbers):05d}",
                kind="repair",
                source="hotline",
                status=kw.get("status", states.DISPATCHED if technician else states.NEW),
                customer=customer,
                contact_phone="13812345678",
                technician=technician,
                description="水管漏水" * 50,
                # every third order shares its received time with the next: ties need the id
                received_at=now - dt.timedelta(minutes=i - i % 3),
                is_reissued=i % 10 == 0,
            )
            for i in range(n)
        ]
    )


def _walk(api, url, **params):
    rows, pages = [], 0
    body = api.get(url, **params).json()
    while True:
        pages += 1
        rows += body["results"]
        if not body["next"]:
            return rows, pages
        body = api.client.get(body["next"]).json()


def test_cursor_pages_walk_every_order_once_in_the_list_order(api, desk, org):
    _orders(org, 23)
    api.as_(desk)
    rows, pages = _walk(api, URL, page_size=5)
    assert pages == 5 and len(rows) == 23
    assert len({r["id"] for r in rows}) == 23
    expected = list(
        WorkOrder.all_objects.order_by("-is_reissued", "-received_at", "-id").values_list(
            "id", flat=True
        )
    )
    assert [r["id"] for r in rows] == expected
    assert rows[0]["is_reissued"] is True


def test_a_list_page_costs_the_same_queries_on_page_one_and_deep_down(
    api, desk, org, django_assert_max_num_queries
):
    tech = make_technician(org)
    _orders(org, 60, technician=tech)
    api.as_(desk)
    with django_assert_max_num_queries(5):
        first = api.get(URL, page_size=10).json()
    body = first
    for _ in range(4):
        body = api.client.get(body["next"]).json()
    with django_assert_max_num_queries(5):
        deep = api.client.get(body["next"]).json()
    assert len(deep["results"]) == 10 and deep["results"][0]["technician"]["id"] == tech.pk
    assert "count" not in first  # no COUNT of the table per page


def test_a_list_row_is_a_summary_with_a_masked_phone_and_a_short_description(api, desk, org):
    (order,) = _orders(org, 1)
    row = api.as_(desk).get(URL).json()["results"][0]
    assert row["contact_phone"] == "138****5678"
    assert len(row["description"]) == 80 and row["description"].endswith("…")
    assert "report" not in row and "not_home_note" not in row
    detail = api.get(f"{URL}{order.pk}/").json()
    assert detail["description"] == order.description and detail["contact_phone"] == "13812345678"


def test_page_size_is_capped_and_a_bad_cursor_is_a_400(api, desk, org):
    _orders(org, 3)
    api.as_(desk)
    assert api.get(URL, page_size=1000).json()["page_size"] == 200
    r = api.get(URL, cursor="not-a-cursor")
    assert r.status_code == 400 and "cursor" in r.json()["error"]["fields"]
    assert api.get(URL, page_size=0).status_code == 400


def test_the_list_filters_by_technician_store_overdue_and_category(api, desk, org, store):
    tech = make_technician(org)
    mine = _orders(org, 2, technician=tech)
    _orders(org, 3)
    WorkOrder.all_objects.filter(pk=mine[0].pk).update(contact_overdue=True, store=store)
    api.as_(desk)
    ids = {r["id"] for r in api.get(URL, technician=tech.pk).json()["results"]}
    assert ids == {o.pk for o in mine}
    assert [r["id"] for r in api.get(URL, overdue="true").json()["results"]] == [mine[0].pk]
    assert [r["id"] for r in api.get(URL, store=store.pk).json()["results"]] == [mine[0].pk]
    assert len(api.get(URL, status="open").json()["results"]) == 5
    assert api.get(URL, status="resolved").json()["results"] == []


def test_the_html_list_pages_with_the_same_cursor(client, desk, org):
    _orders(org, 55)
    client.force_login(desk)
    page = client.get("/workorders/")
    html = page.content.decode()
    assert page.status_code == 200 and "cursor=" in html
    assert html.count('href="/workorders/') >= 50
