import pytest
from django.urls import reverse

from shouhou.catalog.models import Brand, Product, ProductModel

from .factories import ProductFactory, ProductModelFactory

pytestmark = pytest.mark.django_db


def test_the_product_list_searches(client, clerk, org):
    ProductFactory(organisation=org, name="燃气热水器")
    ProductFactory(organisation=org, name="真皮沙发")
    client.force_login(clerk)
    r = client.get(reverse("catalog:list"), {"q": "热水"})
    assert r.status_code == 200
    assert "燃气热水器" in r.content.decode() and "真皮沙发" not in r.content.decode()


def test_the_product_page_shows_models_and_the_timeline(client, clerk, org):
    p = ProductFactory(organisation=org, name="燃气热水器", needs_installation=True)
    ProductModelFactory(product=p, code="HW-13L", list_price="2299.00")
    client.force_login(clerk)
    html = client.get(reverse("catalog:detail", args=[p.pk])).content.decode()
    assert "HW-13L" in html and "¥2,299.00" in html
    assert 'class="timeline"' in html


def test_another_organisations_product_page_is_a_404(client, clerk, other_org):
    p = ProductFactory(organisation=other_org)
    client.force_login(clerk)
    assert client.get(reverse("catalog:detail", args=[p.pk])).status_code == 404
    assert client.get(reverse("catalog:edit", args=[p.pk])).status_code == 404


def test_creating_a_product_from_the_form(client, clerk):
    client.force_login(clerk)
    form = client.get(reverse("catalog:create"))
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "name": "隔热窗膜",
        "is_window_film": "on",
        "needs_installation": "on",
        "warranty_months": "60",
        "is_active": "on",
        "idempotency_key": key,
    }
    r = client.post(reverse("catalog:create"), data)
    product = Product.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("catalog:detail", args=[product.pk])
    assert product.is_window_film and product.warranty_months == 60
    # A double-clicked submit with the same key makes one product.
    again = client.post(reverse("catalog:create"), data)
    assert again.status_code == 302 and Product.objects.count() == 1


def test_a_bad_product_form_keeps_what_was_typed(client, clerk):
    client.force_login(clerk)
    r = client.post(
        reverse("catalog:create"),
        {"name": "", "warranty_months": "-5", "packaging_promise": "十年"},
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "十年" in html and 'class="error"' in html
    assert Product.objects.count() == 0


def test_a_service_error_shows_next_to_the_field(client, clerk, org):
    ProductModelFactory(product=ProductFactory(organisation=org), code="A1")
    p = Product.objects.get()
    client.force_login(clerk)
    r = client.post(reverse("catalog:model_create", args=[p.pk]), {"code": "A1", "is_active": "on"})
    assert r.status_code == 400
    assert r.context["form"].errors["code"]
    assert ProductModel.objects.count() == 1


def test_editing_a_product_and_a_model(client, clerk, org):
    p = ProductFactory(organisation=org, name="沙发", warranty_months=24)
    pm = ProductModelFactory(product=p, code="S1")
    client.force_login(clerk)
    r = client.post(reverse("catalog:edit", args=[p.pk]), {"name": "布艺沙发", "is_active": "on"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.name == "布艺沙发" and p.warranty_months == 24
    r = client.post(
        reverse("catalog:model_edit", args=[pm.pk]),
        {"code": "S2", "list_price": "3999", "is_active": "on"},
    )
    assert r.status_code == 302
    pm.refresh_from_db()
    assert pm.code == "S2"


def test_a_technician_may_look_but_not_add(client, make_user, org):
    tech = make_user("technician")
    client.force_login(tech)
    assert client.get(reverse("catalog:list")).status_code == 200
    assert client.get(reverse("catalog:create")).status_code == 403
    assert (
        client.post(reverse("catalog:references"), {"kind": "brand", "brand-name": "X"}).status_code
        == 403
    )


def test_the_references_page_adds_a_brand(client, clerk):
    client.force_login(clerk)
    r = client.post(reverse("catalog:references"), {"kind": "brand", "brand-name": "雅洁卫浴"})
    assert r.status_code == 302
    assert Brand.objects.get().name == "雅洁卫浴"
    r = client.post(reverse("catalog:references"), {"kind": "brand", "brand-name": "雅洁卫浴"})
    assert r.status_code == 400 and Brand.objects.count() == 1


def test_pages_need_a_login(client):
    r = client.get(reverse("catalog:list"))
    assert r.status_code == 302 and "login" in r["Location"]
