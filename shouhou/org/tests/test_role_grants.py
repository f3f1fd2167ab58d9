"""The role decisions of docs/roles.md: code and the role table (ROLE_PERMISSIONS) agree."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from shouhou.catalog import services as catalog
from shouhou.core.errors import PermissionDeniedError
from shouhou.customers import services as customers
from shouhou.org import roles as r
from shouhou.staff import selectors as staff_selectors
from shouhou.staff.models import Fine
from shouhou.staff.tests.factories import ServiceStaffFactory

pytestmark = pytest.mark.django_db

NOT_CATALOGUE = [
    r.WAREHOUSE_KEEPER,
    r.SALES,
    r.FINANCE,
    r.CALL_CENTRE,
    r.STORE_MANAGER,
    r.GENERAL_MANAGER,
]


def _perms(code):
    return set(Group.objects.get(name=code).permissions.values_list("codename", flat=True))


@pytest.mark.parametrize("role", NOT_CATALOGUE)
def test_only_the_catalogue_editors_edit_the_catalogue(make_user, store, role):
    with pytest.raises(PermissionDeniedError):
        catalog.brand_create(by=make_user(role, store=store), name="不该有的品牌")
    assert "add_brand" not in _perms(role) and "change_product" not in _perms(role)


@pytest.mark.parametrize("role", sorted(r.CATALOGUE_EDITORS))
def test_the_catalogue_editors_edit_it_and_the_table_says_so(make_user, store, role):
    assert catalog.brand_create(by=make_user(role, store=store), name=f"品牌{role}").pk
    assert {"add_brand", "change_product"} <= _perms(role)


def _customer(by, mobile):
    return customers.customer_create(
        by=by,
        name="王小明",
        mobile=mobile,
        district="金水区",
        address_detail="花园路88号3号楼2单元501",
        province="河南省",
        city="郑州市",
    )


@pytest.mark.parametrize("role", [r.FINANCE, r.ADMINISTRATION, r.GENERAL_MANAGER])
def test_reading_roles_do_not_write_customers(make_user, store, role):
    with pytest.raises(PermissionDeniedError):
        _customer(make_user(role, store=store), "13812345678")
    assert "change_customer" not in _perms(role)


def test_sales_writes_customers_because_a_contract_starts_the_archive(make_user, store):
    assert _customer(make_user(r.SALES, store=store), "13812345679").pk
    assert {"add_customer", "change_customer"} <= _perms(r.SALES)


def test_a_reading_role_gets_403_on_the_customer_form(client, make_user, store):
    client.force_login(make_user(r.FINANCE, store=store))
    assert client.get("/customers/new/").status_code == 403


@pytest.fixture
def fined(org, make_user, store):
    staff = ServiceStaffFactory(organisation=org)
    guard = make_user(r.SECURITY, store=store)
    reported = Fine.objects.create(
        organisation=org,
        staff=staff,
        category="late",
        description="迟到",
        amount=Decimal("50"),
        occurred_at=timezone.now(),
        due_at=timezone.now(),
        reported_by=guard,
    )
    other = Fine.objects.create(
        organisation=org,
        staff=staff,
        category="late",
        description="迟到",
        amount=Decimal("20"),
        occurred_at=timezone.now(),
        due_at=timezone.now(),
    )
    return staff, guard, reported, other


@pytest.mark.parametrize("role", [r.CLERK, r.CALL_CENTRE, r.SALES, r.ADMINISTRATION])
def test_office_roles_without_money_read_no_fine_or_ledger(client, make_user, store, fined, role):
    staff, _guard, reported, other = fined
    user = make_user(role, store=store)
    assert not staff_selectors.fines_list(user=user).exists()
    assert not staff_selectors.charges_list(user=user).exists()
    client.force_login(user)
    assert client.get(f"/staff/{staff.pk}/ledger/").status_code == 403
    assert client.get(f"/api/v1/staff/{staff.pk}/ledger/").status_code == 403
    assert client.get(f"/api/v1/staff-fines/{other.pk}/").status_code == 404
    detail = client.get(f"/staff/{staff.pk}/")
    assert detail.status_code == 200 and "ledger-link" not in detail.content.decode()


def test_security_reads_only_the_fines_it_reported(fined):
    _staff, guard, reported, other = fined
    assert list(staff_selectors.fines_list(user=guard)) == [reported]


@pytest.mark.parametrize("role", sorted(r.STAFF_MONEY_READERS))
def test_finance_desk_and_managers_read_every_fine_and_ledger(
    client, make_user, store, fined, role
):
    staff, *_ = fined
    user = make_user(role, store=store)
    assert staff_selectors.fines_list(user=user).count() == 2
    client.force_login(user)
    assert client.get(f"/api/v1/staff/{staff.pk}/ledger/").status_code == 200
