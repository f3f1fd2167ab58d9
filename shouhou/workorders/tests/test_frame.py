"""The page frame's pieces the work-order app fills in (issue 22.1): the global search and the
menu's count badges."""

import datetime as dt
import itertools
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from shouhou.workorders import states
from shouhou.workorders.models import WorkOrder

from .factories import make_customer, make_technician

pytestmark = pytest.mark.django_db
_numbers = itertools.count()


def _order(org, *, number=None, technician=None, **kw):
    return WorkOrder.all_objects.create(
        organisation=org,
        number=number or f"S{next(_numbers):05d}",
        kind="repair",
        source="hotline",
        status=kw.pop("status", states.NEW),
        customer=kw.pop("customer", None) or make_customer(org),
        contact_phone="13812345678",
        technician=technician,
        description="水管漏水",
        received_at=timezone.now(),
        **kw,
    )


@pytest.fixture(autouse=True)
def _no_cached_badges():
    cache.clear()


def test_searching_an_exact_order_number_opens_the_order(client, clerk, org):
    order = _order(org, number="WX20261203001")
    client.force_login(clerk)
    response = client.get(reverse("search"), {"q": "wx20261203001"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workorders:detail", args=[order.pk])


def test_searching_a_phone_lists_orders_and_customers_of_the_own_organisation_only(
    client, clerk, org, other_org
):
    mine = _order(org, customer=make_customer(org, name="张伟", mobile="13911112222"))
    theirs = _order(other_org, customer=make_customer(other_org, name="李娜", mobile="13911112222"))
    client.force_login(clerk)
    response = client.get(reverse("search"), {"q": "13911112222"})
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("workorders:detail", args=[mine.pk]) in body
    assert reverse("customers:detail", args=[mine.customer_id]) in body
    assert reverse("workorders:detail", args=[theirs.pk]) not in body
    assert "李娜" not in body


def test_a_technician_finds_only_his_own_jobs_and_no_customers(client, make_user, org):
    user = make_user("technician", username="tech-search")
    staff = make_technician(org, name="王师傅", user=user)
    own = _order(org, number="WX1", technician=staff, status=states.DISPATCHED)
    other = _order(org, number="WX2", technician=make_technician(org, name="刘师傅"))
    client.force_login(user)
    body = client.get(reverse("search"), {"q": "WX"}).content.decode()
    assert reverse("workorders:detail", args=[own.pk]) in body
    assert reverse("workorders:detail", args=[other.pk]) not in body
    assert reverse("customers:detail", args=[own.customer_id]) not in body


def test_a_one_character_search_asks_for_more(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("search"), {"q": "张"})
    assert response.status_code == 200
    assert "至少" in response.content.decode()


def test_the_search_costs_a_fixed_number_of_queries(
    client, clerk, org, django_assert_max_num_queries
):
    for _ in range(12):
        _order(org, customer=make_customer(org, name="张伟"))
    client.force_login(clerk)
    client.get(reverse("search"), {"q": "张伟"})  # sessions and caches warm
    with django_assert_max_num_queries(14):
        response = client.get(reverse("search"), {"q": "张伟"})
    assert "全部匹配的工单" in response.content.decode()


def test_the_overdue_badge_counts_late_orders_and_the_section_sums(client, clerk, org, other_org):
    past = timezone.now() - dt.timedelta(hours=1)
    future = timezone.now() + dt.timedelta(hours=1)
    _order(org, contact_due_at=past)
    _order(org, onsite_due_at=past, status=states.DISPATCHED)
    _order(org, fixed_due_at=past, status=states.CLOSED)  # closed: no longer waiting
    _order(org, contact_due_at=past, contacted_at=past)  # contacted: the next limit is later
    _order(org, contact_due_at=future)
    _order(org)
    _order(other_org, contact_due_at=past)
    client.force_login(clerk)
    response = client.get(reverse("nav-badges"))
    assert response.status_code == 200
    body = response.content.decode()
    badge = re.search(
        r'<span id="badge-workorders-list" class="count" hx-swap-oob="true">(.*?)</span>(\d+)</span>',
        body,
    )
    assert badge is not None and badge.group(2) == "2"
    section = re.search(
        r'id="badge-section-workorders" class="count" hx-swap-oob="true">.*?(\d+)</span>', body
    )
    assert section is not None and int(section.group(1)) >= 2


def test_the_page_frame_fetches_badges_after_load_and_groups_the_menu(client, clerk):
    client.force_login(clerk)
    body = client.get(reverse("workorders:list")).content.decode()
    assert f'hx-get="{reverse("nav-badges")}"' in body
    assert '<details class="section current" data-menu-section>' in body
    assert 'role="search"' in body
