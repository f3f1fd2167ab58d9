import pytest

from shouhou.catalog import selectors
from shouhou.core.errors import NotFoundError
from shouhou.org.tests.factories import MerchantFactory

from .factories import BrandFactory, CategoryFactory, ProductFactory, ProductModelFactory

pytestmark = pytest.mark.django_db


def test_search_matches_name_brand_and_model_number(clerk, org):
    brand = BrandFactory(organisation=org, name="恒温电器")
    heater = ProductFactory(organisation=org, name="热水器", brand=brand)
    sofa = ProductFactory(organisation=org, name="沙发")
    ProductModelFactory(product=sofa, code="HY-S301")
    assert list(selectors.product_list(user=clerk, q="恒温")) == [heater]
    assert list(selectors.product_list(user=clerk, q="s301")) == [sofa]
    assert list(selectors.product_list(user=clerk, q="热水")) == [heater]


def test_a_category_filter_includes_its_sub_categories(clerk, org):
    bath = CategoryFactory(organisation=org, name="卫浴")
    toilets = CategoryFactory(organisation=org, name="座便器", parent=bath)
    smart = CategoryFactory(organisation=org, name="智能", parent=toilets)
    p1 = ProductFactory(organisation=org, category=toilets)
    p2 = ProductFactory(organisation=org, category=smart)
    ProductFactory(organisation=org)
    assert set(selectors.product_list(user=clerk, category=bath)) == {p1, p2}
    assert set(selectors.product_list(user=clerk, category=smart)) == {p2}


def test_installation_and_brand_filters(clerk, org):
    brand = BrandFactory(organisation=org)
    installed = ProductFactory(organisation=org, needs_installation=True, brand=brand)
    loose = ProductFactory(organisation=org, needs_installation=False)
    assert list(selectors.product_list(user=clerk, needs_installation=True)) == [installed]
    assert list(selectors.product_list(user=clerk, needs_installation=False)) == [loose]
    assert list(selectors.product_list(user=clerk, brand=brand)) == [installed]


def test_another_organisations_products_are_invisible(clerk, other_org):
    foreign = ProductFactory(organisation=other_org)
    assert not selectors.product_list(user=clerk).exists()
    with pytest.raises(NotFoundError):
        selectors.product_get(user=clerk, pk=foreign.pk)
    with pytest.raises(NotFoundError):
        selectors.model_get(user=clerk, pk=ProductModelFactory(product=foreign).pk)


def test_a_merchant_admin_sees_shared_and_own_products_only(make_user, org):
    mine, theirs = MerchantFactory(organisation=org), MerchantFactory(organisation=org)
    admin = make_user("merchant_admin", merchant=mine)
    shared = ProductFactory(organisation=org)
    own = ProductFactory(organisation=org, merchant=mine)
    other = ProductFactory(organisation=org, merchant=theirs)
    assert set(selectors.product_list(user=admin)) == {shared, own}
    with pytest.raises(NotFoundError):
        selectors.product_get(user=admin, pk=other.pk)
    assert selectors.can_edit_product(admin, own)
    assert not selectors.can_edit_product(admin, shared)


def test_product_get_refuses_junk_ids(clerk):
    with pytest.raises(NotFoundError):
        selectors.product_get(user=clerk, pk="abc")
