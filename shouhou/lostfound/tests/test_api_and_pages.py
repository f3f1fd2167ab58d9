"""The API under /api/v1/lost-items/ and the pages: clear errors, nothing written twice, no
personal data where it does not belong, other organisations' ids are 404."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from shouhou.lostfound import jobs, services
from shouhou.lostfound.models import EndOfDayList, LostItem

from .conftest import CLAIM, START, at

pytestmark = pytest.mark.django_db
URL = "/api/v1/lost-items/"
BODY = {
    "category": "wallet",
    "description": "棕色钱包",
    "found_place": "二楼洗手间",
    "finder_kind": "staff",
    "finder_name": "保洁员刘阿姨",
    "finder_phone": "13912345678",
}


def _error(resp, status, code=None):
    assert resp.status_code == status, resp.content
    body = resp.json()["error"]
    if code:
        assert body["code"] == code
    return body


def test_registering_through_the_api_is_idempotent(api, clerk, travel):
    first = api.as_(clerk).post(URL, BODY, **{"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "at_desk"
    assert first.json()["finder_phone"] == "139****5678"
    again = api.post(URL, BODY, **{"Idempotency-Key": "k1"})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert LostItem.objects.count() == 1


def test_bad_input_answers_with_field_names_and_writes_nothing(api, clerk, travel):
    body = _error(api.as_(clerk).post(URL, {**BODY, "finder_phone": "1", "description": ""}), 400)
    assert set(body["fields"]) == {"finder_phone", "description"}
    assert not LostItem.objects.exists()


def test_claiming_twice_through_the_api_is_a_conflict(api, register, clerk):
    item = register()
    url = f"{URL}{item.pk}/claim/"
    ok = api.as_(clerk).post(url, CLAIM)
    assert ok.status_code == 200, ok.content
    assert ok.json()["claimant_phone"] == "138****5678"
    assert ok.json()["claimant_id_masked"] == "110***********002X"
    _error(api.post(url, CLAIM), 409, "item_closed")


def test_another_organisations_item_is_not_found(api, register, outsider):
    item = register()
    _error(api.as_(outsider).get(f"{URL}{item.pk}/"), 404)
    _error(api.post(f"{URL}{item.pk}/claim/", CLAIM), 404)
    assert LostItem.objects.get().status == "at_desk"


def test_lists_and_guard_signature_through_the_api(api, register, clerk, guard):
    register()
    created = api.as_(clerk).post(f"{URL}lists/", {})
    assert created.status_code == 201, created.content
    assert created.json()["item_count"] == 1
    received = api.as_(guard).post(f"{URL}lists/{created.json()['id']}/receive/")
    assert received.status_code == 200 and received.json()["guard_signed_by"] == guard.pk
    assert LostItem.objects.get().status == "overnight"


def test_the_register_lists_by_cursor(api, register, clerk):
    for _ in range(3):
        register()
    page = api.as_(clerk).get(URL, page_size=2).json()
    assert len(page["results"]) == 2 and page["next"]


def test_a_role_outside_the_routine_cannot_read_the_register(api, make_user):
    tech = make_user("technician")
    _error(api.as_(tech).get(URL), 403)


# --- pages ---------------------------------------------------------------------------------


def test_the_desk_page_shows_todays_items_and_yesterdays_to_move(client, register, clerk, guard):
    register(description="黑色折叠伞")
    client.force_login(clerk)
    resp = client.get("/lostfound/")
    assert resp.status_code == 200 and "黑色折叠伞" in resp.content.decode()


def test_the_register_form_shows_the_error_next_to_the_field(client, clerk, store, travel):
    client.force_login(clerk)
    resp = client.post(
        "/lostfound/new/",
        {**BODY, "store": store.pk, "finder_phone": "12", "idempotency_key": "x1"},
    )
    assert resp.status_code == 400
    assert resp.context["form"].errors["finder_phone"]
    assert not LostItem.objects.exists()


def test_registering_on_the_page_twice_with_one_key_makes_one_item(client, clerk, store, travel):
    client.force_login(clerk)
    data = {**BODY, "store": store.pk, "idempotency_key": "same"}
    assert client.post("/lostfound/new/", data).status_code == 302
    assert client.post("/lostfound/new/", data).status_code == 302
    assert LostItem.objects.count() == 1


def test_the_printable_list_shows_the_count_and_both_signatures(client, register, clerk, guard):
    register()
    register()
    lst = services.day_list_create(by=clerk, now=at(START.date(), 21))
    services.day_list_receive(by=guard, day_list=lst, now=at(START.date(), 21, 10))
    client.force_login(clerk)
    html = client.get(f"/lostfound/lists/{lst.pk}/").content.decode()
    assert "王客服" in html and "褚保安" in html and lst.items.first().number in html
    assert EndOfDayList.objects.get().item_count == 2


def test_the_public_page_shows_category_date_and_place_but_nobody_personal(
    client, register, clerk, org, store
):
    item = register(finder_name="张三丰", finder_phone="13912345678")
    services.item_claim(by=clerk, item=register(description="另一把伞"), **CLAIM)
    html = client.get(f"/lostfound/found/{org.code}/{store.code}/").content.decode()
    assert item.found_place in html
    for secret in ("张三丰", "13912345678", "139****5678", "王女士", item.description, "另一把伞"):
        assert secret not in html
    assert client.get(f"/lostfound/found/{org.code}/nowhere/").status_code == 404


def test_the_screen_shows_the_public_address(client, clerk, org, store):
    client.force_login(clerk)
    html = client.get("/lostfound/screen/").content.decode()
    assert f"/lostfound/found/{org.code}/{store.code}/" in html


def test_the_excel_export_lists_the_register(client, register, clerk):
    register(description='=HYPERLINK("x")')
    client.force_login(clerk)
    resp = client.get("/lostfound/register.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws.cell(2, 1).value == LostItem.objects.get().number
    assert ws.cell(2, 4).quotePrefix  # a formula typed by someone is text, never run


def test_a_claim_on_the_page_with_a_bad_id_shows_the_error_next_to_the_field(
    client, register, clerk
):
    item = register()
    client.force_login(clerk)
    resp = client.post(
        f"/lostfound/{item.pk}/do/claim/", {**CLAIM, "id_number": "123", "idempotency_key": "c1"}
    )
    assert resp.status_code == 400
    assert resp.context["claim_form"].errors["id_number"]
    item.refresh_from_db()
    assert item.status == "at_desk"


def test_the_supervisors_page_signs_the_ticked_disposal_batch(client, register, org, supervisor):
    items = [register(), register()]
    jobs.daily_for(org.pk, at(dt.date(2026, 10, 16), 1))
    client.force_login(supervisor)
    resp = client.post(
        "/lostfound/supervisor/sign/", {"side": "cs", "item": [str(i.pk) for i in items]}
    )
    assert resp.status_code == 302
    assert LostItem.objects.filter(cs_signed_by=supervisor).count() == 2


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buf, format="PNG")
    return SimpleUploadedFile("伞.png", buf.getvalue(), content_type="image/png")


def test_a_photo_is_stored_under_our_own_name_and_shown_only_to_the_organisation(
    client, register, clerk, outsider, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = register()
    client.force_login(clerk)
    resp = client.post(f"{URL}{item.pk}/photos/", {"image": _png()})
    assert resp.status_code == 201, resp.content
    url = resp.json()["photos"][0]
    assert "伞" not in item.photos.get().image.name
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    fake = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
    bad = client.post(f"{URL}{item.pk}/photos/", {"image": fake})
    assert bad.status_code == 400 and "image" in bad.json()["error"]["fields"]


def test_the_manager_sees_the_unclaimed_report_on_the_signatures_page(
    client, register, org, make_user, store
):
    register()
    jobs.daily_for(org.pk, at(dt.date(2026, 10, 16), 1))
    manager = make_user("store_manager", store=store)
    client.force_login(manager)
    resp = client.get("/lostfound/supervisor/")
    assert resp.status_code == 200 and len(resp.context["reports"]) == 1
    done = client.post(
        f"/lostfound/reminders/{resp.context['reports'][0].pk}/done/", {"next": "supervisor"}
    )
    assert done.status_code == 302
    assert not client.get("/lostfound/supervisor/").context["reports"]
