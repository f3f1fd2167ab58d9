"""/api/v1/stores/ and /api/v1/merchants/ (in shouhou/org/api.py, written with the sales app)."""

import pytest

from shouhou.core.models import AuditEvent
from shouhou.org.models import Merchant, Store
from shouhou.org.tests.factories import MerchantFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_office_roles_read_stores_and_merchants(api, clerk, store, merchant, other_org):
    StoreFactory(organisation=other_org)
    api.as_(clerk)
    stores = api.get("/api/v1/stores/").json()
    assert [s["id"] for s in stores["results"]] == [store.pk]
    merchants = api.get("/api/v1/merchants/").json()
    assert [m["id"] for m in merchants["results"]] == [merchant.pk]
    assert api.get(f"/api/v1/stores/{store.pk}/").json()["code"] == "s1"


def test_a_merchant_admin_sees_every_store_but_only_its_merchant(
    api, merchant_admin, merchant, other_merchant, store
):
    api.as_(merchant_admin)
    assert api.get("/api/v1/stores/").json()["count"] == 1
    assert [m["id"] for m in api.get("/api/v1/merchants/").json()["results"]] == [merchant.pk]
    assert api.get(f"/api/v1/merchants/{other_merchant.pk}/").status_code == 404
    assert api.post("/api/v1/merchants/", {"name": "新商户"}).status_code == 403


def test_other_organisations_rows_are_404(api, clerk, other_org):
    foreign = MerchantFactory(organisation=other_org)
    foreign_store = StoreFactory(organisation=other_org)
    api.as_(clerk)
    assert api.get(f"/api/v1/merchants/{foreign.pk}/").status_code == 404
    assert api.get(f"/api/v1/stores/{foreign_store.pk}/").status_code == 404


def test_administration_creates_and_updates(api, make_user, store):
    admin = make_user("administration")
    api.as_(admin)
    r = api.post(
        "/api/v1/stores/",
        {"name": "二号店", "code": "s2", "hotline": "4008002345"},
        **{"Idempotency-Key": "s-1"},
    )
    assert r.status_code == 201
    again = api.post(
        "/api/v1/stores/", {"name": "二号店", "code": "s2"}, **{"Idempotency-Key": "s-1"}
    )
    assert again.status_code == 201 and Store.objects.count() == 2
    dup = api.post("/api/v1/stores/", {"name": "三号店", "code": "s1"})
    assert dup.status_code == 409 and "code" in dup.json()["error"]["fields"]
    r = api.patch(f"/api/v1/stores/{store.pk}/", {"hotline": "4008009999"})
    assert r.status_code == 200 and r.json()["hotline"] == "4008009999"
    m = api.post("/api/v1/merchants/", {"name": "好家居", "booth": "A-12"})
    assert m.status_code == 201
    assert api.post("/api/v1/merchants/", {"name": "好家居"}).status_code == 409
    assert api.post("/api/v1/merchants/", {"booth": "A-1"}).status_code == 400
    assert AuditEvent.all_objects.filter(action="shouhou.store.created").count() == 1
    assert AuditEvent.all_objects.filter(action="shouhou.merchant.created").count() == 1
    assert Merchant.objects.filter(name="好家居").count() == 1


def test_clerks_and_technicians_cannot_write_and_technicians_cannot_read(
    api, clerk, make_user, store
):
    api.as_(clerk)
    assert api.post("/api/v1/stores/", {"name": "X", "code": "x"}).status_code == 403
    assert api.patch(f"/api/v1/stores/{store.pk}/", {"name": "X"}).status_code == 403
    api.as_(make_user("technician"))
    assert api.get("/api/v1/stores/").status_code == 403
    assert api.get("/api/v1/merchants/").status_code == 403
