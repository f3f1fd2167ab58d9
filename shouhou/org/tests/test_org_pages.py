"""The organisation pages (/org/): who sees what, who edits what, and that every edit is
audited. The rule is `org.access` (docs/org.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from shouhou.core.models import AuditEvent
from shouhou.org import roles as r
from shouhou.org.models import Dealer, Department, Merchant, Store
from shouhou.org.tests.factories import MerchantFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_store(org):
    return StoreFactory(organisation=org, name="二号店", code="s2", hotline="0371-65559876")


@pytest.fixture
def store_manager(make_user, store):
    return make_user("store_manager", store=store, display_name="赵店长")


@pytest.fixture
def owner(make_user):
    return make_user("general_manager", display_name="孙总")


def _edit(client, user, url, data):
    client.force_login(user)
    return client.post(url, {"idempotency_key": "", **data})


def test_a_store_manager_edits_the_hotline_and_hours_of_their_own_store(
    client, store_manager, store
):
    url = reverse("org:store_edit", args=[store.pk])
    client.force_login(store_manager)
    page = client.get(url)
    assert page.status_code == 200
    # the code, kind and whether the store is open are the owners', not on the manager's form
    assert "hotline" in page.context["form"].fields
    assert "code" not in page.context["form"].fields
    assert "is_active" not in page.context["form"].fields
    resp = client.post(
        url,
        {
            "name": store.name,
            "hotline": "0371 6555 4321",
            "address": "花园路88号",
            "opens_at": "08:30",
            "closes_at": "21:00",
        },
    )
    assert resp.status_code == 302
    store.refresh_from_db()
    assert store.hotline == "0371-65554321"
    assert (store.opens_at, store.closes_at) == (dt.time(8, 30), dt.time(21, 0))


def test_a_store_manager_cannot_edit_another_store(client, store_manager, second_store):
    client.force_login(store_manager)
    url = reverse("org:store_edit", args=[second_store.pk])
    assert client.get(url).status_code == 403
    resp = client.post(url, {"name": "改名", "hotline": "4008001234"})
    assert resp.status_code == 403
    second_store.refresh_from_db()
    assert second_store.name == "二号店"
    # the store page itself offers no edit to them
    detail = client.get(reverse("org:store", args=[second_store.pk]))
    assert detail.status_code == 200 and not detail.context["can_edit"]


def test_a_store_managers_edit_of_another_store_through_the_api_is_refused(
    api, store_manager, second_store
):
    api.as_(store_manager)
    resp = api.patch(f"/api/v1/stores/{second_store.pk}/", {"hotline": "4008001234"})
    assert resp.status_code == 403
    second_store.refresh_from_db()
    assert second_store.hotline == "0371-65559876"


def test_a_store_manager_may_not_close_their_own_store(api, store_manager, store):
    api.as_(store_manager)
    resp = api.patch(f"/api/v1/stores/{store.pk}/", {"is_active": False})
    assert resp.status_code == 403 and "is_active" in resp.json()["error"]["fields"]
    store.refresh_from_db()
    assert store.is_active


def test_an_edit_is_audited_with_before_and_after_and_shows_on_the_timeline(client, owner, store):
    resp = _edit(
        client,
        owner,
        reverse("org:store_edit", args=[store.pk]),
        {
            "name": store.name,
            "code": store.code,
            "kind": "station",
            "hotline": "400-600-5678",
            "address": "",
            "is_active": "on",
        },
    )
    assert resp.status_code == 302
    event = AuditEvent.all_objects.get(action="shouhou.store.updated")
    assert event.before["hotline"] == "4008001234" and event.after["hotline"] == "4006005678"
    assert event.before["kind"] == "store" and event.after["kind"] == "station"
    assert event.actor == owner
    page = client.get(reverse("org:store", args=[store.pk]))
    assert [e.action for e in page.context["events"]] == ["shouhou.store.updated"]
    assert "4006005678" in page.content.decode()


def test_an_edit_that_changes_nothing_writes_no_audit_event(api, owner, store):
    api.as_(owner)
    assert api.patch(f"/api/v1/stores/{store.pk}/", {"name": store.name}).status_code == 200
    assert not AuditEvent.all_objects.filter(action="shouhou.store.updated").exists()


def test_an_invalid_hotline_shows_the_form_again_with_the_message(client, owner, store):
    resp = _edit(
        client,
        owner,
        reverse("org:store_edit", args=[store.pk]),
        {"name": store.name, "code": store.code, "kind": "store", "hotline": "12345"},
    )
    assert resp.status_code == 400
    assert resp.context["form"].errors["hotline"]
    assert resp.context["form"]["hotline"].value() == "12345"  # what was typed stays
    store.refresh_from_db()
    assert store.hotline == "4008001234"
    assert not AuditEvent.all_objects.filter(action="shouhou.store.updated").exists()


@pytest.mark.parametrize("hotline", ["0371-65551234", "4008001234", "010 8456 1234"])
def test_landlines_with_an_area_code_and_400_numbers_are_valid_hotlines(api, owner, store, hotline):
    api.as_(owner)
    assert api.patch(f"/api/v1/stores/{store.pk}/", {"hotline": hotline}).status_code == 200


def test_a_closing_time_before_the_opening_is_refused_naming_the_field(client, owner, store):
    resp = _edit(
        client,
        owner,
        reverse("org:store_edit", args=[store.pk]),
        {
            "name": store.name,
            "code": store.code,
            "kind": "store",
            "opens_at": "18:00",
            "closes_at": "09:00",
        },
    )
    assert resp.status_code == 400 and resp.context["form"].errors["closes_at"]


def test_a_double_submitted_edit_is_saved_once(client, owner, store):
    url = reverse("org:store_edit", args=[store.pk])
    client.force_login(owner)
    data = {
        "idempotency_key": "k-1",
        "name": "新名字",
        "code": store.code,
        "kind": "store",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert AuditEvent.all_objects.filter(action="shouhou.store.updated").count() == 1


def test_a_store_without_its_own_hours_shows_the_organisations_office_hours(client, clerk, store):
    client.force_login(clerk)
    page = client.get(reverse("org:store", args=[store.pk]))
    assert page.context["hours"] == {"opens": dt.time(9), "closes": dt.time(18), "own": False}


def test_the_store_page_shows_its_people_with_their_roles_departments_and_merchants(
    client, clerk, store, store_manager, org
):
    dep = Department.objects.create(
        organisation=org, name="客服部", kind="customer_service", store=store
    )
    MerchantFactory(organisation=org, name="恒洁卫浴", store=store)
    MerchantFactory(organisation=org, name="别处商户")
    client.force_login(clerk)
    page = client.get(reverse("org:store", args=[store.pk]))
    people = {str(p): p.role_labels for p in page.context["people"]}
    with translation.override("zh-hans"):
        assert people == {
            "王客服": [str(r.ROLES["clerk"])],
            "赵店长": [str(r.ROLES["store_manager"])],
        }
    assert [d.pk for d in page.context["departments"]] == [dep.pk]
    assert [m.name for m in page.context["merchants"]] == ["恒洁卫浴"]


def test_a_merchant_user_sees_only_its_merchant(client, make_user, merchant, org):
    other = MerchantFactory(organisation=org, name="别家商户")
    user = make_user("merchant_admin", merchant=merchant)
    client.force_login(user)
    page = client.get(reverse("org:merchants"))
    assert [m.pk for m in page.context["page"]] == [merchant.pk]
    assert client.get(reverse("org:merchant", args=[other.pk])).status_code == 404
    assert client.get(reverse("org:merchant_edit", args=[other.pk])).status_code == 404


def test_a_merchant_user_keeps_its_own_contact_but_not_its_booth(client, api, make_user, merchant):
    user = make_user("merchant_admin", merchant=merchant)
    client.force_login(user)
    form = client.get(reverse("org:merchant_edit", args=[merchant.pk])).context["form"]
    assert set(form.fields) == {"idempotency_key", "contact_name", "phone"}
    resp = client.post(
        reverse("org:merchant_edit", args=[merchant.pk]),
        {"contact_name": "刘经理", "phone": "13903710009"},
    )
    assert resp.status_code == 302
    merchant.refresh_from_db()
    assert (merchant.contact_name, merchant.phone) == ("刘经理", "13903710009")
    api.as_(user)
    assert api.patch(f"/api/v1/merchants/{merchant.pk}/", {"booth": "Z-9"}).status_code == 403


def test_the_customer_service_manager_edits_departments_and_a_clerk_cannot(
    client, make_user, clerk, org, store
):
    dep = Department.objects.create(organisation=org, name="客服部", kind="customer_service")
    url = reverse("org:department_edit", args=[dep.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(make_user("cs_manager"))
    resp = client.post(
        url,
        {
            "name": "客户服务部",
            "kind": "customer_service",
            "store": store.pk,
            "phone": "0371-65551200",
        },
    )
    assert resp.status_code == 302
    dep.refresh_from_db()
    assert (dep.name, dep.store_id, dep.phone) == ("客户服务部", store.pk, "0371-65551200")
    event = AuditEvent.all_objects.get(action="shouhou.department.updated")
    assert event.before["name"] == "客服部" and event.after["name"] == "客户服务部"


def test_a_store_manager_edits_the_departments_of_their_store_only(
    api, store_manager, org, store, second_store
):
    own = Department.objects.create(
        organisation=org, name="客服部", kind="customer_service", store=store
    )
    other = Department.objects.create(
        organisation=org, name="东区客服部", kind="customer_service", store=second_store
    )
    api.as_(store_manager)
    assert (
        api.patch(f"/api/v1/departments/{own.pk}/", {"phone": "0371-65551200"}).status_code == 200
    )
    assert (
        api.patch(f"/api/v1/departments/{other.pk}/", {"phone": "0371-65551200"}).status_code == 403
    )
    # nor may they move their department to another store
    moved = api.patch(f"/api/v1/departments/{own.pk}/", {"store": second_store.pk})
    assert moved.status_code == 403


def test_a_dealer_user_sees_only_its_own_dealer(client, api, org, monkeypatch):
    from shouhou.dealers.models import DealerMember

    mine = Dealer.objects.create(organisation=org, name="石家庄经销商", region="河北")
    other = Dealer.objects.create(organisation=org, name="保定经销商", region="河北")
    user = UserFactory(organisation=org, roles=["dealer"])
    DealerMember.all_objects.create(organisation=org, user=user, dealer=mine)
    client.force_login(user)
    page = client.get(reverse("org:dealers"))
    assert [d.pk for d in page.context["page"]] == [mine.pk]
    assert client.get(reverse("org:dealer", args=[other.pk])).status_code == 404
    resp = client.post(
        reverse("org:dealer_edit", args=[mine.pk]),
        {"contact_name": "马经理", "phone": "13831100002"},
    )
    assert resp.status_code == 302
    api.as_(user)
    assert [d["id"] for d in api.get("/api/v1/dealers/").json()["results"]] == [mine.pk]
    assert api.get(f"/api/v1/dealers/{other.pk}/").status_code == 404
    assert api.patch(f"/api/v1/dealers/{mine.pk}/", {"name": "改名"}).status_code == 403


def test_a_dealer_role_without_its_dealer_link_sees_no_dealer(client, org):
    Dealer.objects.create(organisation=org, name="石家庄经销商")
    client.force_login(UserFactory(organisation=org, roles=["dealer"]))
    assert list(client.get(reverse("org:dealers")).context["page"]) == []


def test_a_forged_id_of_another_organisation_is_a_404(client, owner, other_org):
    foreign_store = StoreFactory(organisation=other_org)
    foreign_dep = Department.objects.create(organisation=other_org, name="客服部", kind="other")
    foreign_merchant = MerchantFactory(organisation=other_org)
    foreign_dealer = Dealer.objects.create(organisation=other_org, name="外地经销商")
    client.force_login(owner)
    for name, pk in [
        ("org:store", foreign_store.pk),
        ("org:store_edit", foreign_store.pk),
        ("org:department", foreign_dep.pk),
        ("org:department_edit", foreign_dep.pk),
        ("org:merchant", foreign_merchant.pk),
        ("org:merchant_edit", foreign_merchant.pk),
        ("org:dealer", foreign_dealer.pk),
        ("org:dealer_edit", foreign_dealer.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
        assert client.post(reverse(name, args=[pk]), {"name": "x"}).status_code in (404, 405), name
    foreign_store.refresh_from_db()
    assert foreign_store.name != "x"


def test_the_stations_list_shows_only_service_stations(client, clerk, org, store):
    station = StoreFactory(organisation=org, name="天津服务站", code="tj", kind=Store.Kind.STATION)
    client.force_login(clerk)
    assert [s.pk for s in client.get(reverse("org:stations")).context["page"]] == [station.pk]
    assert {s.pk for s in client.get(reverse("org:stores")).context["page"]} == {
        store.pk,
        station.pk,
    }


def test_a_technician_is_refused_the_organisation_pages(client, make_user, store):
    client.force_login(make_user("technician"))
    for name in ("org:stores", "org:departments", "org:merchants", "org:dealers"):
        assert client.get(reverse(name)).status_code == 403, name


def test_the_pages_are_in_chinese_and_english(client, clerk, store):
    client.force_login(clerk)
    assert "营业时间" in client.get(reverse("org:stores")).content.decode()
    client.cookies["django_language"] = "en"
    assert (
        "Opening hours"
        in client.get(reverse("org:stores"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_merchants_and_departments_are_listed_for_the_office(client, clerk, merchant, org):
    Department.objects.create(organisation=org, name="客服部", kind="customer_service")
    client.force_login(clerk)
    assert [m.pk for m in client.get(reverse("org:merchants")).context["page"]] == [merchant.pk]
    assert client.get(reverse("org:departments")).context["page"].paginator.count == 1
    assert Merchant.objects.count() == 1
