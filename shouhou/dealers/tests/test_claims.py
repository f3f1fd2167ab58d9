"""Supplier claims (二次索赔): drafted when a case is decided as the supplier's responsibility,
items in Decimal, draft → sent → acknowledged → settled in full / in part / rejected, each step
attributed; sending e-mails the supplier with the claim as Excel; the signed link."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core import mail
from django.utils import timezone

from shouhou.complaints import services as complaints
from shouhou.core.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
)
from shouhou.core.models import AuditEvent
from shouhou.dealers import claims, selectors
from shouhou.dealers.models import SupplierClaim

pytestmark = pytest.mark.django_db


def draft(desk, kettle, **kw):
    return claims.claim_create(
        by=desk,
        supplier=kettle.supplier,
        products="电水壶 SN-1001",
        fault="底座漏电",
        evidence="检测报告；旧件鉴定",
        email_to="claims@supplier.example",
        items=[
            {"kind": "goods", "amount": "299.00", "description": "换新的电水壶"},
            {"kind": "freight", "amount": "20.50"},
            {"kind": "compensation", "amount": "50.00"},
        ],
        **kw,
    )


def test_a_case_decided_as_the_suppliers_responsibility_gets_a_claim_draft_once(
    clerk, customer, kettle
):
    case = complaints.case_register(
        by=clerk, kind="complaint", customer=customer, product=kettle, description="底座漏电"
    )
    case = complaints.case_set_responsibility(by=clerk, case=case, responsibility="supplier")
    claim = SupplierClaim.objects.get(case=case)
    assert (
        claim.status == "draft" and claim.supplier == kettle.supplier and claim.fault == "底座漏电"
    )
    complaints.case_set_responsibility(by=clerk, case=case, responsibility="supplier")
    assert SupplierClaim.objects.filter(case=case).count() == 1


def test_a_case_of_our_own_workmanship_gets_no_claim(clerk, customer, kettle):
    case = complaints.case_register(
        by=clerk, kind="complaint", customer=customer, product=kettle, description="装歪了"
    )
    complaints.case_set_responsibility(by=clerk, case=case, responsibility="workmanship")
    assert not SupplierClaim.objects.filter(case=case).exists()


def test_claim_amounts_are_decimal_with_at_most_two_decimals(desk, kettle):
    claim = draft(desk, kettle)
    assert claim.claimed_total == Decimal("369.50")
    with pytest.raises(ValidationFailed) as err:
        claims.claim_create(
            by=desk,
            supplier=kettle.supplier,
            items=[{"kind": "parts", "amount": "0.005"}, {"kind": "x", "amount": "1"}],
        )
    assert set(err.value.fields) == {"items.0.amount", "items.1.kind"}


def test_sending_emails_the_supplier_with_the_claim_as_excel_and_keeps_the_message_id(desk, kettle):
    claim = draft(desk, kettle)
    claim = claims.claim_send(by=desk, claim=claim)
    assert claim.status == "sent" and claim.sent_by == desk and claim.sent_at
    [message] = mail.outbox
    assert message.to == ["claims@supplier.example"]
    assert message.extra_headers["Message-ID"] == claim.message_id
    assert claim.number in message.subject
    name, content, mimetype = message.attachments[0]
    assert name == f"{claim.number}.xlsx"
    values = [
        c
        for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
        for c in row
    ]
    assert "底座漏电" in values
    assert "/dealers/claim-ack/" in message.body
    with pytest.raises(InvalidTransition):
        claims.claim_send(by=desk, claim=claim)
    assert len(mail.outbox) == 1


def test_a_claim_without_items_or_address_is_not_sent(desk, kettle):
    claim = claims.claim_create(by=desk, supplier=kettle.supplier)
    with pytest.raises(ValidationFailed) as err:
        claims.claim_send(by=desk, claim=claim)
    assert set(err.value.fields) == {"email_to", "items"}
    assert mail.outbox == []
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_the_supplier_acknowledges_through_the_signed_link(desk, kettle, client):
    claim = claims.claim_send(by=desk, claim=draft(desk, kettle))
    token = claims.ack_token(claim)
    page = client.get(f"/dealers/claim-ack/{token}/")
    assert page.status_code == 200 and claim.number in page.content.decode()
    assert client.get(f"/dealers/claim-ack/{token}x/").status_code == 404
    assert client.post(f"/dealers/claim-ack/{token}/", {"name": ""}).status_code == 400
    assert client.post(f"/dealers/claim-ack/{token}/", {"name": "供应商王经理"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "acknowledged" and claim.acknowledged_name == "供应商王经理"
    assert claim.acknowledged_by is None
    assert AuditEvent.objects.filter(action="shouhou.supplier_claim.acknowledged_by_link").exists()


def test_settled_in_full_or_in_part_by_the_amount_recovered(desk, kettle):
    full = claims.claim_acknowledge(
        by=desk, claim=claims.claim_send(by=desk, claim=draft(desk, kettle)), name="王经理"
    )
    assert full.acknowledged_by == desk
    with pytest.raises(ValidationFailed):
        claims.claim_settle(by=desk, claim=full, amount="369.51")
    with pytest.raises(ValidationFailed):
        claims.claim_settle(by=desk, claim=full, amount="0")
    full = claims.claim_settle(by=desk, claim=full, amount="369.50")
    assert full.status == "settled_full" and full.settled_by == desk and full.settled_on
    part = claims.claim_acknowledge(
        by=desk, claim=claims.claim_send(by=desk, claim=draft(desk, kettle))
    )
    part = claims.claim_settle(by=desk, claim=part, amount="200.00", note="运费不认")
    assert part.status == "settled_part" and part.settled_amount == Decimal("200.00")
    with pytest.raises(InvalidTransition):
        claims.claim_settle(by=desk, claim=part, amount="100")


def test_a_draft_cannot_be_settled_and_a_rejection_needs_the_reason(desk, kettle):
    claim = draft(desk, kettle)
    with pytest.raises(InvalidTransition):
        claims.claim_settle(by=desk, claim=claim, amount="10")
    claim = claims.claim_send(by=desk, claim=claim)
    with pytest.raises(ValidationFailed):
        claims.claim_reject(by=desk, claim=claim, note="")
    claim = claims.claim_reject(by=desk, claim=claim, note="供应商认为是使用不当")
    assert claim.status == "rejected" and claim.settled_amount == Decimal("0.00")


def test_ageing_lists_open_claims_and_monthly_totals_compare_claimed_and_recovered(desk, kettle):
    sent = claims.claim_send(
        by=desk, claim=draft(desk, kettle), now=timezone.now() - dt.timedelta(days=45)
    )
    settled = claims.claim_acknowledge(
        by=desk, claim=claims.claim_send(by=desk, claim=draft(desk, kettle))
    )
    claims.claim_settle(by=desk, claim=settled, amount="100.00")
    ageing = selectors.claim_ageing(user=desk)
    assert [(r["claim"].pk, r["bucket"]) for r in ageing] == [(sent.pk, "31–60")]
    today = timezone.localdate()
    months = {m["month"]: m for m in selectors.claim_monthly(user=desk, year=today.year)}
    assert months[today.month]["recovered"] == Decimal("100.00")
    assert sum(m["claimed"] for m in months.values()) == Decimal("739.00")


def test_claims_belong_to_the_office_not_to_dealers_nor_to_other_organisations(
    desk, kettle, dealer_user, outsider, clerk
):
    claim = draft(desk, kettle)
    with pytest.raises(PermissionDeniedError):
        claims.claim_send(by=dealer_user, claim=claim)
    with pytest.raises(PermissionDeniedError):
        claims.claim_create(by=clerk, supplier=kettle.supplier)
    with pytest.raises(NotFoundError):
        selectors.claim_get(user=outsider, pk=claim.pk)
    with pytest.raises(NotFoundError):
        selectors.claim_get(user=dealer_user, pk=claim.pk)
