"""The API and the pages: JSON errors with field names, idempotent creates, and a dealer's login
seeing only its own dealer's data (another dealer's ids answer 404)."""

import pytest
from django.core import mail

from shouhou.dealers import claims, services
from shouhou.dealers.models import SupplierClaim, WarrantyCard

from .conftest import days_ago

pytestmark = pytest.mark.django_db


def card_body(dealer, kettle, number="API-1"):
    return {
        "dealer": dealer.pk,
        "number": number,
        "product": kettle.pk,
        "customer_name": "张伟",
        "customer_phone": "13812345678",
        "sold_on": str(days_ago(3)),
    }


def test_registering_a_card_answers_field_errors_and_writes_nothing(api, clerk, dealer):
    resp = api.as_(clerk).post(
        "/api/v1/dealer-cards/", {"dealer": dealer.pk, "customer_phone": "1"}
    )
    assert resp.status_code == 400
    fields = resp.json()["error"]["fields"]
    assert {"number", "product", "customer_name", "customer_phone", "sold_on"} <= set(fields)
    assert not WarrantyCard.objects.exists()


def test_a_double_submitted_card_is_registered_once(api, clerk, dealer, kettle):
    api.as_(clerk)
    first = api.post(
        "/api/v1/dealer-cards/", card_body(dealer, kettle), **{"Idempotency-Key": "k1"}
    )
    again = api.post(
        "/api/v1/dealer-cards/", card_body(dealer, kettle), **{"Idempotency-Key": "k1"}
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["due_on"] == str(days_ago(3).fromordinal(days_ago(3).toordinal() + 20))
    assert WarrantyCard.objects.count() == 1


def test_a_dealer_user_cannot_see_another_dealers_data(
    api, clerk, dealer_user, other_dealer_user, dealer, other_dealer, kettle
):
    mine = api.as_(dealer_user).post(
        "/api/v1/dealer-cards/", {**card_body(dealer, kettle), "dealer": None}
    )
    assert mine.status_code == 201 and mine.json()["dealer"] == dealer.pk
    theirs = services.card_register(
        by=clerk,
        dealer=other_dealer,
        number="B-1",
        product=kettle,
        customer_name="李娜",
        customer_phone="13912345678",
        sold_on=days_ago(2),
    )
    record = services.repair_record_create(
        by=clerk,
        dealer=other_dealer,
        customer_name="李娜",
        fault="漏水",
        work_done="换阀芯",
        repaired_on=days_ago(1),
        signed_by_customer="李娜",
    )
    api.as_(dealer_user)
    listed = api.get("/api/v1/dealer-cards/").json()["results"]
    assert [c["number"] for c in listed] == ["API-1"]
    assert api.get(f"/api/v1/dealer-cards/{theirs.pk}/").status_code == 404
    assert api.get(f"/api/v1/dealer-repairs/{record.pk}/").status_code == 404
    assert api.get(f"/api/v1/dealer-accounts/{other_dealer.pk}/").status_code == 404
    assert [a["id"] for a in api.get("/api/v1/dealer-accounts/").json()["results"]] == [dealer.pk]
    assert api.client.get(f"/dealers/{other_dealer.pk}/").status_code == 404
    assert api.client.get(f"/dealers/repairs/{record.pk}/").status_code == 404
    assert api.client.get(f"/dealers/{other_dealer.pk}/statement.xlsx").status_code == 404
    page = api.client.get("/dealers/", follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert dealer.name in html and other_dealer.name not in html and "B-1" not in html
    assert api.get("/api/v1/supplier-claims/").status_code == 403


def test_the_office_pages_show_the_lists_and_forms_show_errors(
    client, clerk, dealer, other_dealer, kettle
):
    services.card_register(
        by=clerk,
        dealer=dealer,
        number="L-1",
        product=kettle,
        customer_name="张伟",
        customer_phone="13812345678",
        sold_on=days_ago(30),
    )
    client.force_login(clerk)
    page = client.get("/dealers/")
    assert page.status_code == 200 and dealer.name in page.content.decode()
    assert client.get(f"/dealers/{dealer.pk}/").status_code == 200
    bad = client.post(f"/dealers/{dealer.pk}/card/", {"number": "", "customer_phone": "1"})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode()
    resp = client.get(f"/dealers/{dealer.pk}/statement.xlsx", {"month": "2026-09"})
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxml")


def test_a_claim_is_sent_acknowledged_and_settled_through_the_api(api, desk, kettle):
    api.as_(desk)
    resp = api.post(
        "/api/v1/supplier-claims/",
        {
            "supplier": kettle.supplier.pk,
            "fault": "漏电",
            "items": [{"kind": "goods", "amount": "299.00"}, {"kind": "freight", "amount": "abc"}],
        },
    )
    assert resp.status_code == 400 and "items.1.amount" in resp.json()["error"]["fields"]
    assert not SupplierClaim.objects.exists()
    claim = api.post(
        "/api/v1/supplier-claims/",
        {
            "supplier": kettle.supplier.pk,
            "fault": "漏电",
            "items": [{"kind": "goods", "amount": "299.00"}],
        },
    ).json()
    assert claim["status"] == "draft" and claim["claimed_total"] == "299.00"
    url = f"/api/v1/supplier-claims/{claim['id']}"
    assert set(api.post(f"{url}/send/", {}).json()["error"]["fields"]) == {"email_to"}
    sent = api.post(f"{url}/send/", {"email_to": "qa@supplier.example"}).json()
    assert sent["status"] == "sent" and sent["message_id"] and len(mail.outbox) == 1
    assert api.post(f"{url}/settle/", {"amount": "10"}).status_code == 409
    api.post(f"{url}/acknowledge/", {"name": "王经理"})
    settled = api.post(f"{url}/settle/", {"amount": "150.00"}).json()
    assert settled["status"] == "settled_part" and settled["settled_amount"] == "150.00"
    ageing = api.get("/api/v1/supplier-claims/ageing/")
    assert ageing.status_code == 200 and ageing.json() == []
    assert api.get("/api/v1/supplier-claims/monthly/", year=2026).status_code == 200


def test_the_claim_pages_walk_the_steps(client, desk, kettle):
    claim = claims.claim_create(by=desk, supplier=kettle.supplier, fault="漏电")
    client.force_login(desk)
    assert client.get("/dealers/claims/").status_code == 200
    assert (
        client.post(
            f"/dealers/claims/{claim.pk}/item/", {"kind": "goods", "amount": "x"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            f"/dealers/claims/{claim.pk}/item/", {"kind": "goods", "amount": "100"}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/dealers/claims/{claim.pk}/send/", {"email_to": "a@b.example"}).status_code
        == 302
    )
    assert client.get(f"/dealers/claims/{claim.pk}/claim.xlsx").status_code == 200
    claim.refresh_from_db()
    assert claim.status == "sent" and claim.message_id


def test_a_double_clicked_page_form_writes_one_repair_record(client, dealer_user, dealer):
    client.force_login(dealer_user)
    data = {
        "idempotency_key": "same-click",
        "customer_name": "张伟",
        "fault": "漏水",
        "work_done": "换阀芯",
        "repaired_on": str(days_ago(1)),
        "signed_by_customer": "张伟",
        "labour_hours": "1",
        "travel_km": "3",
    }
    assert client.post(f"/dealers/{dealer.pk}/repair/", data).status_code == 302
    assert client.post(f"/dealers/{dealer.pk}/repair/", data).status_code == 302
    from shouhou.dealers.models import RepairRecord

    assert RepairRecord.objects.filter(dealer=dealer).count() == 1
