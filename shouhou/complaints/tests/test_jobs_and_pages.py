"""The monthly statistics job (once per organisation and month) and the pages."""

import datetime as dt
from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shouhou.complaints import services
from shouhou.complaints.jobs import send_monthly_statistics
from shouhou.complaints.models import Case, MonthlyStatisticsSend, Notification

pytestmark = pytest.mark.django_db


def test_the_monthly_statistics_go_once_to_the_store_manager_and_department_heads(
    clerk, supervisor, store_manager, customer, org, django_capture_on_commit_callbacks
):
    case = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    last_month = timezone.now() - dt.timedelta(days=31)
    Case.objects.filter(pk=case.pk).update(created_at=last_month)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        result = send_monthly_statistics(now)
    assert result["sent"] >= 1
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        supervisor.pk,
        store_manager.pk,
    }
    assert "1" in Notification.objects.filter(recipient=store_manager).get().body
    assert mail.outbox and mail.outbox[0].to == [store_manager.email]
    again = send_monthly_statistics(now)
    assert again["sent"] == 0
    assert MonthlyStatisticsSend.objects.filter(organisation=org).count() == 1
    assert Notification.objects.count() == 2


def test_the_counter_shows_the_decision_and_the_rule(client, clerk, kettle, sold):
    line = sold(kettle, days=8)
    client.force_login(clerk)
    url = reverse("promises:counter") + f"?q={line.contract.number}&line={line.pk}"
    page = client.get(reverse("promises:counter"), {"q": line.contract.number})
    assert line.product.name in page.content.decode()
    r = client.post(
        url,
        {
            "cause": "quality",
            "wanted": "return",
            "installed_by": "not_installed",
            "opened": "on",
            "has_receipt": "on",
            "has_packaging": "on",
        },
    )
    body = r.content.decode()
    assert r.status_code == 200 and "r6-no-installation" in body
    assert 'name="decision"' in body


def test_registering_a_return_outside_the_promises_shows_why(client, clerk, kettle, sold):
    from shouhou.promises.services import promise_decide

    decision = promise_decide(by=clerk, contract_line=sold(kettle, days=9), wanted="return")
    client.force_login(clerk)
    r = client.post(
        reverse("complaints:create"),
        {"kind": "return", "decision": decision.pk, "description": "不想要了"},
    )
    assert r.status_code == 400 and not Case.objects.exists()


def test_the_detail_page_names_who_must_approve_and_refuses_the_wrong_role(client, clerk, customer):
    case = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    services.case_submit(by=clerk, case=case, resolution="赔偿", compensation="6000")
    client.force_login(clerk)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'id="required-approver">等待审批:店长<' in page.replace("\n", "")
    assert 'id="sign-covers"' not in page
    r = client.post(reverse("complaints:sign", args=[case.pk]), {"approve": "1"})
    assert r.status_code == 400
    assert not case.signatures.exists()


def test_the_general_manager_sees_and_gives_the_one_signature_that_settles_a_large_case(
    client, clerk, gm, customer
):
    case = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    services.case_submit(by=clerk, case=case, resolution="赔偿", compensation="6000")
    client.force_login(gm)
    page = client.get(reverse("complaints:detail", args=[case.pk])).content.decode()
    assert 'id="sign-covers">您的签字同时签署:店长、总经理<' in page
    r = client.post(reverse("complaints:sign", args=[case.pk]), {"approve": "1"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved" and case.signatures.count() == 2


def test_the_monthly_statistics_go_to_the_roles_the_organisation_set(
    clerk, supervisor, store_manager, gm, customer, org
):
    settings = services.settings_for(org)
    settings.statistics_recipient_roles = ["general_manager"]
    settings.save()
    case = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    send_monthly_statistics(timezone.now())
    assert set(Notification.objects.values_list("recipient", flat=True)) == {gm.pk}


def test_the_list_the_queue_the_statistics_and_excel_answer(client, cs_manager, clerk, customer):
    case = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    services.case_submit(by=clerk, case=case, resolution="赔偿", compensation="100")
    client.force_login(cs_manager)
    assert case.number in client.get(reverse("complaints:list")).content.decode()
    assert case.number in client.get(reverse("complaints:approvals")).content.decode()
    assert client.get(reverse("complaints:statistics")).status_code == 200
    r = client.get(reverse("complaints:statistics"), {"format": "xlsx"})
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(r.content))
    assert len(wb.sheetnames) == 3
    assert client.get(reverse("complaints:notifications")).status_code == 200
    assert client.get(reverse("promises:rules")).status_code == 200
