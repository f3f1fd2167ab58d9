"""The organisation pages cost a fixed number of queries whatever the number of rows: counts
are annotated, people and their roles prefetched, other apps' sections asked once per page."""

import pytest
from django.urls import reverse

from shouhou.org.models import Dealer, Department
from shouhou.org.tests.factories import MerchantFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

# Session, user, roles, the page's rows and counts, the office hours, other apps' sections.
LIST_QUERIES = 12
DETAIL_QUERIES = 16


def _rows(org, n):
    for i in range(n):
        store = StoreFactory(organisation=org, code=f"q{n}-{i}")
        dep = Department.objects.create(
            organisation=org, name=f"部门{n}-{i}", kind="other", store=store
        )
        merchant = MerchantFactory(organisation=org, store=store)
        Dealer.objects.create(organisation=org, name=f"经销商{n}-{i}")
        for code in ("clerk", "sales"):
            UserFactory(
                organisation=org, roles=[code], store=store, department=dep, merchant=merchant
            )


def _count(client, django_assert_max_num_queries, url, most):
    client.get(url)  # warm: the settings row is read once, then cached
    with django_assert_max_num_queries(most) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["org:stores", "org:stations", "org:departments", "org:merchants", "org:dealers"]
)
def test_a_list_page_costs_the_same_few_queries_for_two_rows_and_for_twenty(
    client, make_user, org, name, django_assert_max_num_queries
):
    client.force_login(make_user("general_manager"))
    _rows(org, 2)
    few = _count(client, django_assert_max_num_queries, reverse(name), LIST_QUERIES)
    _rows(org, 18)
    many = _count(client, django_assert_max_num_queries, reverse(name), LIST_QUERIES)
    assert many == few


def test_the_store_page_costs_the_same_few_queries_with_two_people_and_with_twenty(
    client, make_user, org, store, django_assert_max_num_queries
):
    client.force_login(make_user("general_manager"))
    url = reverse("org:store", args=[store.pk])
    for _i in range(2):
        UserFactory(organisation=org, roles=["clerk", "sales"], store=store)
        MerchantFactory(organisation=org, store=store)
        Department.objects.create(organisation=org, name=f"部门{_i}", kind="other", store=store)
    few = _count(client, django_assert_max_num_queries, url, DETAIL_QUERIES)
    for _i in range(18):
        UserFactory(organisation=org, roles=["clerk", "sales"], store=store)
        MerchantFactory(organisation=org, store=store)
        Department.objects.create(organisation=org, name=f"部门x{_i}", kind="other", store=store)
    many = _count(client, django_assert_max_num_queries, url, DETAIL_QUERIES)
    assert many == few


@pytest.mark.parametrize("name", ["org:department", "org:merchant"])
def test_a_department_or_merchant_page_costs_the_same_few_queries_whatever_its_people(
    client, make_user, org, store, name, django_assert_max_num_queries
):
    client.force_login(make_user("general_manager"))
    dep = Department.objects.create(organisation=org, name="客服部", kind="other", store=store)
    merchant = MerchantFactory(organisation=org, store=store)
    obj = dep if name == "org:department" else merchant
    url = reverse(name, args=[obj.pk])

    def people(n):
        for _i in range(n):
            UserFactory(organisation=org, roles=["clerk"], department=dep, merchant=merchant)

    people(2)
    few = _count(client, django_assert_max_num_queries, url, DETAIL_QUERIES)
    people(18)
    many = _count(client, django_assert_max_num_queries, url, DETAIL_QUERIES)
    assert many == few
