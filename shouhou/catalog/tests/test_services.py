from decimal import Decimal

import pytest

from shouhou.catalog import services
from shouhou.catalog.models import Brand, CatalogSettings, Category, Product, ProductModel
from shouhou.catalog.selectors import effective_warranty_months
from shouhou.core.errors import NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.org.tests.factories import MerchantFactory

from .factories import BrandFactory, CategoryFactory, ProductFactory, ProductModelFactory

pytestmark = pytest.mark.django_db


def test_clerk_creates_a_brand_and_the_event_is_audited(clerk):
    brand = services.brand_create(by=clerk, name=" 雅洁卫浴 ")
    assert brand.name == "雅洁卫浴"
    assert brand.organisation_id == clerk.organisation_id
    event = AuditEvent.all_objects.get(action="shouhou.brand.created")
    assert event.actor == clerk and event.after["name"] == "雅洁卫浴"


def test_a_second_brand_with_the_same_name_is_refused_on_the_name_field(clerk):
    services.brand_create(by=clerk, name="雅洁卫浴")
    with pytest.raises(ValidationFailed) as exc:
        services.brand_create(by=clerk, name="雅洁卫浴")
    assert "name" in exc.value.fields
    assert Brand.objects.count() == 1


def test_the_same_brand_name_is_fine_in_another_organisation(clerk, outsider):
    services.brand_create(by=clerk, name="雅洁卫浴")
    services.brand_create(by=outsider, name="雅洁卫浴")
    assert Brand.objects.count() == 2


def test_a_technician_cannot_write_the_catalogue(make_user):
    tech = make_user("technician")
    with pytest.raises(PermissionDeniedError):
        services.brand_create(by=tech, name="X")
    with pytest.raises(PermissionDeniedError):
        services.product_create(by=tech, name="X")
    assert Brand.objects.count() == 0 and Product.objects.count() == 0


def test_the_service_desk_creates_a_product_with_models(make_user, org):
    # docs/roles.md: the warehouse keeper (a merchant's staff) no longer edits the catalogue.
    keeper = make_user("service_desk")
    brand = BrandFactory(organisation=org)
    product = services.product_create(
        by=keeper,
        name="燃气热水器",
        brand=brand.pk,
        needs_installation=True,
        is_electronic=True,
        warranty_months=6,
        models=[
            {"code": "HW-13L", "list_price": "2299.00", "warranty_months": 36},
            {"code": "HW-16L", "list_price": Decimal("3599.5")},
        ],
    )
    assert product.brand == brand and product.needs_installation and product.is_electronic
    codes = {m.code: m for m in product.models.all()}
    assert set(codes) == {"HW-13L", "HW-16L"}
    assert codes["HW-16L"].list_price == Decimal("3599.50")
    assert effective_warranty_months(codes["HW-13L"]) == 36
    assert effective_warranty_months(codes["HW-16L"]) == 6
    assert AuditEvent.all_objects.filter(action="shouhou.product_model.created").count() == 2


def test_a_product_without_warranty_takes_the_organisation_default(clerk, org):
    CatalogSettings.objects.update_or_create(
        organisation=org, defaults={"default_warranty_months": 18}
    )
    product = services.product_create(by=clerk, name="实木床")
    assert product.warranty_months == 18


def test_every_bad_product_field_is_reported_at_once_and_nothing_is_written(clerk, other_org):
    foreign_brand = BrandFactory(organisation=other_org)
    events = AuditEvent.all_objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(
            by=clerk,
            name="  ",
            brand=foreign_brand,
            category=999999,
            supplier="abc",
            warranty_months=-1,
            models=[{"code": ""}, {"code": "A", "list_price": "1.234"}, {"code": "A"}],
        )
    fields = exc.value.fields
    for key in (
        "name",
        "brand",
        "category",
        "supplier",
        "warranty_months",
        "models.0.code",
        "models.1.list_price",
        "models.2.code",
    ):
        assert key in fields, key
    assert Product.objects.count() == 0 and ProductModel.objects.count() == 0
    assert AuditEvent.all_objects.count() == events


def test_a_merchant_admins_product_belongs_to_its_merchant(make_user, org):
    merchant = MerchantFactory(organisation=org)
    admin = make_user("merchant_admin", merchant=merchant)
    product = services.product_create(by=admin, name="瓷砖胶", is_adhesive=True)
    assert product.merchant == merchant


def test_a_merchant_admin_cannot_create_for_another_merchant(make_user, org):
    mine, theirs = MerchantFactory(organisation=org), MerchantFactory(organisation=org)
    admin = make_user("merchant_admin", merchant=mine)
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(by=admin, name="瓷砖胶", merchant=theirs)
    assert "merchant" in exc.value.fields
    assert Product.objects.count() == 0


def test_a_merchant_admin_cannot_touch_another_merchants_or_the_shared_products(make_user, org):
    mine, theirs = MerchantFactory(organisation=org), MerchantFactory(organisation=org)
    admin = make_user("merchant_admin", merchant=mine)
    other = ProductFactory(organisation=org, merchant=theirs)
    shared = ProductFactory(organisation=org)
    with pytest.raises(NotFoundError):
        services.product_update(by=admin, product=other, name="改")
    with pytest.raises(PermissionDeniedError):
        services.product_update(by=admin, product=shared, name="改")
    with pytest.raises(ValidationFailed) as exc:
        services.model_create(by=admin, product=other.pk, code="X1")
    assert "product" in exc.value.fields
    own = ProductFactory(organisation=org, merchant=mine)
    assert services.product_update(by=admin, product=own, name="改").name == "改"


def test_a_merchant_admin_without_a_merchant_cannot_add_products(make_user):
    admin = make_user("merchant_admin")
    with pytest.raises(PermissionDeniedError):
        services.product_create(by=admin, name="X")


def test_updating_a_product_changes_only_the_given_fields_and_audits_before_and_after(clerk, org):
    product = ProductFactory(organisation=org, name="沙发", warranty_months=24)
    services.product_update(by=clerk, product=product, needs_installation=True)
    product.refresh_from_db()
    assert product.name == "沙发" and product.warranty_months == 24 and product.needs_installation
    event = AuditEvent.all_objects.get(action="shouhou.product.updated")
    assert event.before["needs_installation"] is False and event.after["needs_installation"] is True


def test_another_organisations_product_is_not_found_for_update(clerk, other_org):
    product = ProductFactory(organisation=other_org)
    with pytest.raises(NotFoundError):
        services.product_update(by=clerk, product=product, name="X")


def test_a_model_number_is_unique_within_its_product(clerk, org):
    pm = ProductModelFactory(product=ProductFactory(organisation=org), code="A1")
    with pytest.raises(ValidationFailed) as exc:
        services.model_create(by=clerk, product=pm.product, code="A1")
    assert "code" in exc.value.fields
    other = services.model_create(by=clerk, product=pm.product, code="A2", list_price="10")
    with pytest.raises(ValidationFailed):
        services.model_update(by=clerk, model=other, code="A1")
    assert ProductModel.objects.count() == 2


def test_a_model_warranty_overrides_the_product_and_empty_falls_back(clerk, org):
    product = ProductFactory(organisation=org, warranty_months=12)
    pm = services.model_create(by=clerk, product=product, code="X", warranty_months=36)
    assert effective_warranty_months(pm) == 36
    services.model_update(by=clerk, model=pm, warranty_months=None)
    pm.refresh_from_db()
    assert effective_warranty_months(pm) == 12
    assert effective_warranty_months(None, product=product) == 12


def test_a_category_cannot_be_moved_under_its_own_child(clerk, org):
    parent = services.category_create(by=clerk, name="卫浴")
    child = services.category_create(by=clerk, name="座便器", parent=parent.pk)
    with pytest.raises(ValidationFailed) as exc:
        services.category_update(by=clerk, category=parent, parent=child)
    assert "parent" in exc.value.fields
    with pytest.raises(ValidationFailed):
        services.category_create(by=clerk, name="座便器", parent=parent)
    assert Category.objects.count() == 2


def test_a_category_parent_from_another_organisation_is_unknown(clerk, other_org):
    foreign = CategoryFactory(organisation=other_org)
    with pytest.raises(ValidationFailed) as exc:
        services.category_create(by=clerk, name="X", parent=foreign.pk)
    assert "parent" in exc.value.fields


def test_supplier_create_and_update(clerk):
    s = services.supplier_create(by=clerk, name="佛山陶瓷", phone="0757-82345678")
    s = services.supplier_update(by=clerk, supplier=s, contact_name="陈经理")
    assert s.contact_name == "陈经理" and s.phone == "0757-82345678"
    with pytest.raises(ValidationFailed) as exc:
        services.supplier_create(by=clerk, name="佛山陶瓷", address="x" * 201)
    assert {"name", "address"} <= set(exc.value.fields)
