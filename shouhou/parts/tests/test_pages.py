import datetime as dt

import pytest
from django.urls import reverse

from shouhou.parts import services as ps
from shouhou.parts.models import OldPart, Requisition, Stock

pytestmark = pytest.mark.django_db


def test_the_requisition_journey_through_the_pages(
    client, tech, order, central, stocked, keeper, supervisor
):
    client.force_login(tech.user)
    url = reverse("parts:requisition_new", args=[order.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"location": central.pk, "proposal": "换", "lines": "JSF-01 0"})
    assert bad.status_code == 400 and "第 1 行" in bad.content.decode()
    resp = client.post(url, {"location": central.pk, "proposal": "换进水阀",
                             "lines": "JSF-01 2", "idempotency_key": "k"})  # fmt: skip
    again = client.post(url, {"location": central.pk, "proposal": "换进水阀",
                              "lines": "JSF-01 2", "idempotency_key": "k"})  # fmt: skip
    assert resp.status_code == again.status_code == 302
    assert Requisition.all_objects.count() == 1  # a double submit makes one
    req = Requisition.all_objects.get()
    client.force_login(supervisor)
    assert req.number in client.get(reverse("parts:approvals")).content.decode()
    act = reverse("parts:requisition_action", args=[req.pk, "approve"])
    assert client.post(act, {"note": "同意"}).status_code == 302
    client.force_login(keeper)
    assert (
        client.post(reverse("parts:requisition_action", args=[req.pk, "issue"])).status_code == 302
    )
    assert Stock.all_objects.get(part=stocked, location=central).quantity == 8
    page = client.get(reverse("parts:requisition_print", args=[req.pk]))
    assert page.status_code == 200 and "进水阀" in page.content.decode()
    client.force_login(tech.user)
    assert "进水阀" in client.get(reverse("parts:with_me")).content.decode()


def test_old_part_register_appraisal_and_disposal_pages(
    client, tech, order, central, stocked, keeper, supervisor, manager
):
    req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                lines=[{"part": stocked.pk, "quantity": 1}], proposal="换")  # fmt: skip
    ps.requisition_approve(by=supervisor, requisition=req)
    ps.requisition_issue(by=keeper, requisition=req)
    line = req.lines.get()
    client.force_login(keeper)
    assert client.get(reverse("parts:old_parts")).status_code == 200
    resp = client.post(reverse("parts:old_part_new", args=[line.pk]),
                       {"line": line.pk, "serial": "SN1", "idempotency_key": "x"})  # fmt: skip
    assert resp.status_code == 302
    old = OldPart.all_objects.get()
    client.force_login(supervisor)
    resp = client.post(reverse("parts:old_part_appraise", args=[old.pk]),
                       {"verdict": "warranty_fault", "condition": "scrap"})  # fmt: skip
    assert resp.status_code == 302
    client.force_login(keeper)
    month = dt.date.today().strftime("%Y-%m")
    resp = client.post(reverse("parts:batches"), {"month": month})
    assert resp.status_code == 302
    batch_url = resp["Location"]
    assert "SN1" not in client.get(batch_url).content.decode()  # shows part, not serial
    assert old.part.name in client.get(batch_url).content.decode()
    bad = client.post(batch_url + "submit/", {"method": ""})
    assert bad.status_code == 400


def test_a_technician_cannot_open_the_store_pages(client, tech):
    client.force_login(tech.user)
    assert client.get(reverse("parts:stock")).status_code == 403
    assert client.get(reverse("parts:old_parts")).status_code == 403
