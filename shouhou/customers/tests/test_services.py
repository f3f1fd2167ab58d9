"""Writing customers: validation, duplicates by phone, roles, merchants, audit, archives."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError

from shouhou.core.errors import (
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.customers import services
from shouhou.customers.models import Customer, CustomerAddress, CustomerPhone, OwnedProduct
from shouhou.customers.tests.factories import CustomerFactory
from shouhou.customers.tests.helpers import make_contract, make_model, make_product

pytestmark = pytest.mark.django_db


def counts():
    return (
        Customer.objects.count(),
        CustomerPhone.objects.count(),
        CustomerAddress.objects.count(),
        AuditEvent.all_objects.filter(action__startswith="shouhou.customer.").count(),
    )


def test_a_clerk_registers_a_customer_with_address_phones_and_an_audit_event(clerk, good):
    customer = services.customer_create(
        by=clerk, **good, other_phones=["0371-65432100", "139 1234 5678"], gender="m"
    )
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.organisation == clerk.organisation
    assert customer.store == clerk.store  # the clerk's store by default
    assert customer.name_is_full and customer.created_by == clerk
    assert customer.default_address.detail == "花园路88号3号楼2单元501"
    assert sorted(customer.phones.values_list("number", flat=True)) == [
        "0371-65432100",
        "13912345678",
    ]
    event = AuditEvent.all_objects.get(action="shouhou.customer.created")
    assert event.actor == clerk and event.object_id == str(customer.pk)
    assert event.after["mobile"] == "13812345678"
    assert event.after["address"].endswith("花园路88号3号楼2单元501")


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(clerk):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(
            by=clerk,
            name="某先生",
            mobile="1381234",
            district="",
            address_detail="同上",
            other_phones=["12345"],
            birthday=dt.date(2999, 1, 1),
        )
    assert set(exc.value.fields) == {
        "name",
        "mobile",
        "district",
        "address_detail",
        "other_phones",
        "birthday",
    }
    assert counts() == before


def test_a_known_mobile_is_a_duplicate_naming_the_existing_customer_and_nothing_is_written(
    clerk, good
):
    first = services.customer_create(by=clerk, **good)
    before = counts()
    with pytest.raises(DuplicateError) as exc:
        services.customer_create(by=clerk, **{**good, "name": "李娜", "mobile": "138-1234-5678"})
    assert exc.value.status == 409
    assert exc.value.extra == {"existing_id": first.pk}
    assert "王小明" in str(exc.value.message)
    assert "mobile" in exc.value.fields
    assert counts() == before


def test_the_phone_is_looked_up_before_the_other_fields_are_judged(clerk, good):
    first = services.customer_create(by=clerk, **good)
    with pytest.raises(DuplicateError) as exc:
        services.customer_create(
            by=clerk, name="", mobile=good["mobile"], district="", address_detail=""
        )
    assert exc.value.extra["existing_id"] == first.pk


def test_an_other_phone_that_belongs_to_a_customer_is_a_duplicate(clerk, good):
    first = services.customer_create(by=clerk, **good, other_phones=["0371-65432100"])
    with pytest.raises(DuplicateError) as exc:
        services.customer_create(
            by=clerk, **{**good, "mobile": "13900001111"}, other_phones=["037165432100"]
        )
    assert exc.value.extra["existing_id"] == first.pk
    assert "other_phones" in exc.value.fields
    # ... and a new mobile that is someone's other phone is found too.
    services.customer_add_phone(by=clerk, customer=first, number="13700001111")
    with pytest.raises(DuplicateError):
        services.customer_create(by=clerk, **{**good, "mobile": "13700001111"})


def test_the_same_mobile_may_be_registered_in_another_organisation(clerk, outsider, good):
    services.customer_create(by=clerk, **good)
    services.customer_create(by=outsider, **good)
    assert Customer.objects.filter(mobile=good["mobile"]).count() == 2


def test_the_database_refuses_a_second_customer_with_the_same_mobile(org):
    CustomerFactory(organisation=org, mobile="13812345678")
    with pytest.raises(IntegrityError):
        Customer.objects.create(organisation=org, name="李娜", mobile="13812345678")


def test_a_race_lost_at_the_database_is_answered_as_a_duplicate(clerk, good, monkeypatch):
    existing = CustomerFactory(organisation=clerk.organisation, mobile=good["mobile"])
    # The first look-up misses (the other request had not committed yet); the insert fails.
    calls = []
    real = services.records._find_owner

    def miss_once(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services.records, "_find_owner", miss_once)
    with pytest.raises(DuplicateError) as exc:
        services.customer_create(by=clerk, **good)
    assert exc.value.extra["existing_id"] == existing.pk
    assert Customer.objects.count() == 1


def test_a_surname_with_honorific_is_kept_only_when_allowed(clerk, good):
    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(by=clerk, **{**good, "name": "李先生"})
    assert "name" in exc.value.fields
    customer = services.customer_create(
        by=clerk, **{**good, "name": "李先生"}, allow_honorific=True
    )
    assert customer.name == "李先生" and customer.name_is_full is False


def test_a_merchant_admins_new_customer_belongs_to_their_merchant(merchant_admin, good, org):
    from shouhou.org.tests.factories import MerchantFactory

    other = MerchantFactory(organisation=org)
    customer = services.customer_create(by=merchant_admin, **good, merchant=other)
    assert customer.merchant == merchant_admin.merchant


def test_technicians_may_not_register_customers(technician, good):
    with pytest.raises(PermissionDeniedError):
        services.customer_create(by=technician, **good)
    assert Customer.objects.count() == 0


def test_a_store_of_another_organisation_is_refused(clerk, good, other_org):
    from shouhou.org.tests.factories import StoreFactory

    with pytest.raises(ValidationFailed) as exc:
        services.customer_create(by=clerk, **good, store=StoreFactory(organisation=other_org))
    assert set(exc.value.fields) == {"store"}


def test_the_archive_is_due_the_configured_number_of_days_after_registration(clerk, good):
    from shouhou.org.models import OrganisationSettings

    OrganisationSettings.objects.filter(organisation=clerk.organisation).update(
        archive_within_days=3
    )
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        customer = services.customer_create(by=clerk, **good)  # a Monday
    assert customer.archive_due_at is not None
    assert customer.archive_due_at.date() >= dt.date(2025, 6, 5)
    assert customer.archive_completed_at is None


# --- update --------------------------------------------------------------------------------------


def test_an_update_changes_facts_and_address_and_records_before_and_after(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    services.customer_update(
        by=clerk,
        customer=customer,
        name="王晓明",
        address_detail="文化路1号7号楼101",
        preferences="喜欢白色",
    )
    customer.refresh_from_db()
    assert customer.name == "王晓明" and customer.preferences == "喜欢白色"
    assert customer.default_address.detail == "文化路1号7号楼101"
    event = AuditEvent.all_objects.get(action="shouhou.customer.updated")
    assert event.before["name"] == "王小明" and event.after["name"] == "王晓明"
    assert "mobile" not in event.after  # only what changed


def test_changing_the_mobile_to_another_customers_number_is_a_duplicate(clerk, good):
    a = services.customer_create(by=clerk, **good)
    b = services.customer_create(by=clerk, **{**good, "name": "李娜", "mobile": "13900001111"})
    with pytest.raises(DuplicateError) as exc:
        services.customer_update(by=clerk, customer=b, mobile=good["mobile"])
    assert exc.value.extra["existing_id"] == a.pk
    b.refresh_from_db()
    assert b.mobile == "13900001111"


def test_an_update_with_bad_fields_reports_them_all_and_changes_nothing(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_update(by=clerk, customer=customer, name="XX", mobile="123", district="")
    assert set(exc.value.fields) == {"name", "mobile", "district"}
    customer.refresh_from_db()
    assert customer.name == "王小明"


def test_saving_an_unchanged_honorific_name_needs_no_honorific_permission(clerk, good):
    customer = services.customer_create(
        by=clerk, **{**good, "name": "李先生"}, allow_honorific=True
    )
    services.customer_update(by=clerk, customer=customer, name="李先生", notes="晚上联系")
    customer.refresh_from_db()
    assert customer.notes == "晚上联系"


def test_a_merchant_admin_cannot_edit_another_merchants_customer(merchant_admin, clerk, good):
    customer = services.customer_create(by=clerk, **good)  # no merchant
    with pytest.raises(NotFoundError):
        services.customer_update(by=merchant_admin, customer=customer, notes="x")


def test_an_update_that_changes_nothing_writes_no_event(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    services.customer_update(by=clerk, customer=customer, notes="")
    assert not AuditEvent.all_objects.filter(action="shouhou.customer.updated").exists()


# --- phones and addresses --------------------------------------------------------------------


def test_adding_a_phone_that_another_customer_has_is_a_duplicate(clerk, good):
    a = services.customer_create(by=clerk, **good)
    b = services.customer_create(by=clerk, **{**good, "name": "李娜", "mobile": "13900001111"})
    with pytest.raises(DuplicateError) as exc:
        services.customer_add_phone(by=clerk, customer=b, number=good["mobile"])
    assert exc.value.extra["existing_id"] == a.pk
    with pytest.raises(ValidationFailed):
        services.customer_add_phone(by=clerk, customer=b, number="13900001111")  # its own
    phone = services.customer_add_phone(by=clerk, customer=b, number="010-68001234", label="办公室")
    assert phone.number == "010-68001234"
    assert AuditEvent.all_objects.filter(action="shouhou.customer.phone_added").count() == 1


def test_a_new_default_address_replaces_the_old_default(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    services.customer_add_address(
        by=clerk, customer=customer, district="二七区", detail="大学路10号", label="新房"
    )
    assert customer.addresses.get(is_default=True).district == "金水区"
    services.customer_add_address(
        by=clerk, customer=customer, district="中原区", detail="建设西路5号", make_default=True
    )
    assert list(customer.addresses.filter(is_default=True).values_list("district", flat=True)) == [
        "中原区"
    ]


def test_an_unclear_extra_address_is_refused(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_add_address(by=clerk, customer=customer, district="", detail="家里")
    assert set(exc.value.fields) == {"district", "detail"}


# --- products owned --------------------------------------------------------------------------


def test_a_products_warranty_runs_from_purchase_for_the_models_months(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    product = make_product(clerk.organisation, warranty_months=12)
    model = make_model(product, warranty_months=36)
    owned = services.customer_record_owned_product(
        by=clerk, customer=customer, model=model, purchased_on=dt.date(2024, 3, 15)
    )
    assert owned.product == product
    assert owned.warranty_until == dt.date(2027, 3, 14)


def test_a_model_without_its_own_warranty_uses_the_products(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    product = make_product(clerk.organisation, warranty_months=12, needs_installation=True)
    model = make_model(product)
    owned = services.customer_record_owned_product(
        by=clerk,
        customer=customer,
        product=product,
        model=model,
        purchased_on=dt.date(2024, 1, 31),
        installed_on=dt.date(2024, 2, 10),
    )
    # Installed products: the warranty starts when installed.
    assert owned.warranty_until == dt.date(2025, 2, 9)
    assert AuditEvent.all_objects.filter(action="shouhou.customer.product_recorded").exists()


def test_a_contract_line_is_recorded_once_with_its_date_and_quantity(clerk, good, store):
    customer = services.customer_create(by=clerk, **good)
    product = make_product(clerk.organisation, warranty_months=24)
    _contract, line = make_contract(customer, store, product=product)
    first = services.customer_record_owned_product(by=clerk, customer=customer, contract_line=line)
    again = services.customer_record_owned_product(by=clerk, customer=customer, contract_line=line)
    assert first.pk == again.pk and OwnedProduct.objects.count() == 1
    assert first.quantity == 2 and first.purchased_on == dt.date(2025, 3, 15)
    assert first.warranty_until == dt.date(2027, 3, 14)


def test_a_product_needs_a_product_or_a_description_and_no_future_dates(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_record_owned_product(
            by=clerk, customer=customer, purchased_on=dt.date(2999, 1, 1)
        )
    assert set(exc.value.fields) == {"description", "purchased_on"}
    owned = services.customer_record_owned_product(
        by=clerk, customer=customer, description="旧热水器（外购）"
    )
    assert owned.warranty_until is None


def test_another_organisations_product_is_refused(clerk, good, other_org):
    customer = services.customer_create(by=clerk, **good)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_record_owned_product(
            by=clerk, customer=customer, product=make_product(other_org)
        )
    assert "product" in exc.value.fields


# --- archive ---------------------------------------------------------------------------------


def test_completing_the_archive_saves_what_was_learnt_and_keeps_the_first_time(clerk, good):
    customer = services.customer_create(
        by=clerk, **{**good, "name": "王女士"}, allow_honorific=True
    )
    services.customer_complete_archive(
        by=clerk,
        customer=customer,
        full_name="王丽娟",
        birthday=dt.date(1980, 5, 1),
        preferences="喜欢简约风格",
        gender="f",
    )
    customer.refresh_from_db()
    assert customer.name == "王丽娟" and customer.name_is_full
    assert customer.birthday == dt.date(1980, 5, 1) and customer.gender == "f"
    first = customer.archive_completed_at
    assert first is not None
    services.customer_complete_archive(by=clerk, customer=customer, preferences="喜欢北欧风格")
    customer.refresh_from_db()
    assert customer.archive_completed_at == first
    assert customer.preferences == "喜欢北欧风格"
    assert AuditEvent.all_objects.filter(action="shouhou.customer.archive_completed").count() == 2


def test_an_archive_with_a_placeholder_full_name_is_refused(clerk, good):
    customer = services.customer_create(by=clerk, **good)
    with pytest.raises(ValidationFailed) as exc:
        services.customer_complete_archive(by=clerk, customer=customer, full_name="某某")
    assert set(exc.value.fields) == {"full_name"}
    customer.refresh_from_db()
    assert customer.archive_completed_at is None
