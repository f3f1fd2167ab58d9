"""The caller lookup and the contacts API."""

import pytest

from shouhou.frontdesk import services
from shouhou.frontdesk.models import Contact

pytestmark = pytest.mark.django_db


def _history(clerk, customer, n):
    for i in range(n):
        services.contact_log(
            by=clerk,
            channel="hotline",
            kind="consultation",
            subject=f"问题{i}",
            phone=customer.mobile,
        )
    services.contact_log(
        by=clerk,
        channel="hotline",
        kind="service_request",
        subject="漏水",
        phone=customer.mobile,
        convert=True,
    )
    services.contact_log(
        by=clerk,
        channel="walk_in",
        kind="complaint",
        subject="态度差",
        phone=customer.mobile,
        convert=True,
    )
    services.reservation_create(
        by=clerk,
        customer=customer,
        description="三人沙发",
        deposit="500.00",
        receipt_number="R1",
        promised_on=__import__("datetime").date(2099, 1, 1),
    )


def test_the_lookup_returns_customer_orders_complaints_reservations_and_last_contacts(
    api, clerk, customer
):
    _history(clerk, customer, 3)
    body = api.as_(clerk).get("/api/v1/contacts/lookup/", phone="138 1234 5678").json()
    assert body["customer"]["name"] == "张伟"
    assert len(body["orders"]) == 1 and len(body["complaints"]) == 1
    assert body["reservations"][0]["goods"] == "三人沙发"
    assert len(body["contacts"]) == 5  # lookup_recent_contacts
    assert body["contacts"][0]["kind"] == "complaint"


def test_the_lookup_costs_the_same_few_queries_whatever_the_history(
    api, clerk, customer, django_assert_max_num_queries
):
    _history(clerk, customer, 2)
    api.as_(clerk)
    with django_assert_max_num_queries(18):
        assert api.get("/api/v1/contacts/lookup/", phone=customer.mobile).status_code == 200
    _history(clerk, customer, 12)
    with django_assert_max_num_queries(18):
        assert api.get("/api/v1/contacts/lookup/", phone=customer.mobile).status_code == 200


def test_an_unknown_number_gives_no_customer_and_a_bad_one_a_field_error(api, clerk):
    api.as_(clerk)
    body = api.get("/api/v1/contacts/lookup/", phone="13900009999").json()
    assert body["customer"] is None and body["orders"] == []
    resp = api.get("/api/v1/contacts/lookup/", phone="abc")
    assert resp.status_code == 400 and "phone" in resp.json()["error"]["fields"]


def test_the_lookup_is_for_office_roles_only(api, make_user):
    resp = api.as_(make_user("technician")).get("/api/v1/contacts/lookup/", phone="13812345678")
    assert resp.status_code == 403


def test_logging_by_api_converts_and_warns_about_language(api, clerk, customer):
    resp = api.as_(clerk).post(
        "/api/v1/contacts/",
        {
            "channel": "hotline",
            "kind": "service_request",
            "subject": "漏水",
            "phone": customer.mobile,
            "convert": True,
            "answer": "我不知道什么时候能来",
        },
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["work_order_number"]
    assert body["language"]["forbidden"] == ["我不知道"]
    assert body["language"]["preferred"]


def test_the_api_names_bad_fields_and_writes_nothing(api, clerk):
    resp = api.as_(clerk).post(
        "/api/v1/contacts/", {"channel": "hotline", "kind": "praise", "subject": ""}
    )
    assert resp.status_code == 400 and "subject" in resp.json()["error"]["fields"]
    assert Contact.objects.count() == 0


def test_a_double_submit_with_the_same_key_logs_once(api, clerk):
    data = {"channel": "wechat", "kind": "suggestion", "subject": "建议延长营业时间"}
    api.as_(clerk)
    a = api.post("/api/v1/contacts/", data, **{"Idempotency-Key": "k1"})
    b = api.post("/api/v1/contacts/", data, **{"Idempotency-Key": "k1"})
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    assert Contact.objects.count() == 1


def test_follow_up_and_answer_by_api(api, clerk):
    c = services.contact_log(by=clerk, channel="letter", kind="consultation", subject="来函询问")
    api.as_(clerk)
    r1 = api.post(f"/api/v1/contacts/{c.pk}/follow-up/", {"note": "查询中"})
    assert r1.status_code == 200 and r1.json()["follow_up_due_at"]
    r2 = api.post(
        f"/api/v1/contacts/{c.pk}/answer/", {"answer": "已复函", "reply_channel": "letter"}
    )
    assert r2.json()["status"] == "answered"
    r3 = api.post(f"/api/v1/contacts/{c.pk}/answer/", {"answer": "again"})
    assert r3.status_code == 409


def test_another_organisation_gets_404(api, clerk, outsider):
    c = services.contact_log(by=clerk, channel="hotline", kind="praise", subject="表扬王师傅")
    assert api.as_(outsider).get(f"/api/v1/contacts/{c.pk}/").status_code == 404


def test_the_pages_log_look_up_and_convert(client, clerk, customer):
    client.force_login(clerk)
    resp = client.post(
        "/frontdesk/new/",
        {
            "channel": "hotline",
            "kind": "service_request",
            "phone": customer.mobile,
            "subject": "洗衣机不转",
            "convert": "on",
            "work_kind": "repair",
            "idempotency_key": "p1",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    c = Contact.objects.get()
    assert c.work_order_id
    page = client.get(f"/frontdesk/contacts/{c.pk}/")
    assert c.work_order.number in page.content.decode()
    look = client.get("/frontdesk/lookup/", {"phone": customer.mobile})
    assert "张伟" in look.content.decode() and c.work_order.number in look.content.decode()


def test_the_page_form_shows_errors_next_to_the_fields(client, clerk):
    client.force_login(clerk)
    resp = client.post("/frontdesk/new/", {"channel": "hotline", "kind": "praise", "phone": "1"})
    assert resp.status_code == 400
    assert Contact.objects.count() == 0
