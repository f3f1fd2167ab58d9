"""A customer's own request (QR code) that the service desk turns down, saying why."""

import pytest
from django.core.cache import cache

from shouhou.core.errors import Conflict, NotFoundError, PermissionDeniedError, ValidationFailed
from shouhou.core.models import AuditEvent
from shouhou.workorders import selectors
from shouhou.workorders import services as s
from shouhou.workorders.models import PublicRequest, WorkOrder


@pytest.fixture
def request_sent(client, org, store):
    """A new customer's request through the public form: it waits for the service desk."""
    cache.clear()
    r = client.post(
        f"/workorders/r/{org.code}/{store.code}/",
        {
            "name": "吴女士",
            "mobile": "13655554444",
            "district": "朝阳区",
            "address_detail": "光华路2号",
            "kind": "installation",
            "description": "想装一台别家买的热水器",
        },
    )
    assert r.status_code == 302
    req = PublicRequest.all_objects.get()
    req.link = r["Location"]
    return req


def test_the_desk_rejects_a_request_with_a_reason_the_customer_sees(client, request_sent, desk):
    req = s.public_request_reject(by=desk, request=request_sent, reason="非本店售出的产品")
    assert req.status == "rejected" and req.reject_reason == "非本店售出的产品"
    assert req.handled_by == desk and req.handled_at is not None
    assert not selectors.public_requests_pending(user=desk).exists()
    assert WorkOrder.all_objects.count() == 0
    assert AuditEvent.all_objects.filter(action="shouhou.public_request.rejected").exists()
    client.logout()
    page = client.get(request_sent.link).content.decode()
    assert "非本店售出的产品" in page


def test_a_rejection_needs_a_reason_and_happens_once(request_sent, desk):
    with pytest.raises(ValidationFailed) as exc:
        s.public_request_reject(by=desk, request=request_sent, reason="  ")
    assert "reason" in exc.value.fields
    request_sent.refresh_from_db()
    assert request_sent.status == "pending"
    s.public_request_reject(by=desk, request=request_sent, reason="重复提交")
    with pytest.raises(Conflict):
        s.public_request_reject(by=desk, request=request_sent, reason="再来一次")
    request_sent.refresh_from_db()
    assert request_sent.reject_reason == "重复提交"


def test_an_accepted_request_cannot_be_rejected(client, request_sent, desk):
    client.force_login(desk)
    data = {
        "source": "hotline",
        "kind": "installation",
        "mobile": request_sent.mobile,
        "name": request_sent.name,
        "district": "朝阳区",
        "address_detail": "光华路2号",
        "description": "装热水器",
        "from_request": request_sent.pk,
        "idempotency_key": "acc-1",
    }
    assert client.post("/workorders/new/", data).status_code == 302
    request_sent.refresh_from_db()
    assert request_sent.status == "accepted"
    with pytest.raises(Conflict):
        s.public_request_reject(by=desk, request=request_sent, reason="太晚了")


def test_a_technician_cannot_reject_and_another_organisation_cannot_see_it(
    request_sent, tech, outsider
):
    with pytest.raises(PermissionDeniedError):
        s.public_request_reject(by=tech.user, request=request_sent, reason="不想去")
    with pytest.raises(NotFoundError):
        s.public_request_reject(by=outsider, request=request_sent, reason="不是我们的")
    with pytest.raises(NotFoundError):
        selectors.public_request_get(user=outsider, pk=request_sent.pk)
    request_sent.refresh_from_db()
    assert request_sent.status == "pending"


def test_the_reject_button_on_the_order_list(client, request_sent, desk):
    client.force_login(desk)
    page = client.get("/workorders/").content.decode()
    action = f"/workorders/requests/{request_sent.pk}/reject/"
    assert action in page
    r = client.post(action, {"reason": "超出服务范围"}, follow=True)
    assert r.status_code == 200
    request_sent.refresh_from_db()
    assert request_sent.status == "rejected" and request_sent.reject_reason == "超出服务范围"
    assert action not in r.content.decode()  # no longer waiting


def test_the_reject_button_without_a_reason_changes_nothing(client, request_sent, desk):
    client.force_login(desk)
    r = client.post(f"/workorders/requests/{request_sent.pk}/reject/", {"reason": ""}, follow=True)
    assert r.status_code == 200
    request_sent.refresh_from_db()
    assert request_sent.status == "pending"


def test_the_api_lists_waiting_requests_and_rejects_one(api, request_sent, desk, tech):
    rows = api.as_(desk).get("/api/v1/workorder-requests/").json()["results"]
    assert [x["id"] for x in rows] == [request_sent.pk]
    url = f"/api/v1/workorder-requests/{request_sent.pk}/reject/"
    bad = api.as_(desk).post(url, {"reason": ""})
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    ok = api.as_(desk).post(url, {"reason": "非本店产品"})
    assert ok.status_code == 200 and ok.json()["status"] == "rejected"
    again = api.as_(desk).post(url, {"reason": "再拒一次"})
    assert again.status_code == 409
    assert api.as_(tech.user).post(url, {"reason": "x"}).status_code == 404
