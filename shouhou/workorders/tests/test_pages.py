"""Pages: they render for the right roles, the public form and the signed progress link."""

from django.core import signing

from shouhou.core.links import load_customer_link
from shouhou.workorders import services as s
from shouhou.workorders.models import PublicRequest, ServiceReport, WorkOrder
from shouhou.workorders.views import PROGRESS_SALT, progress_token

from .factories import make_customer


def test_office_pages_render(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    client.force_login(desk)
    for url in [
        "/workorders/",
        f"/workorders/{order.pk}/",
        "/workorders/new/",
        "/workorders/reports/",
        "/",
    ]:
        assert client.get(url).status_code == 200, url
    x = client.get("/workorders/reports.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"


def test_the_hotline_form_creates_once_on_a_double_click(client, desk):
    client.force_login(desk)
    data = {
        "source": "hotline",
        "kind": "repair",
        "mobile": "13700001111",
        "name": "陈先生",
        "district": "西城区",
        "address_detail": "金融街1号",
        "description": "龙头漏水",
        "idempotency_key": "abc",
    }
    r1 = client.post("/workorders/new/", data)
    r2 = client.post("/workorders/new/", data)
    assert r1.status_code == 302 and r2.status_code == 302
    assert WorkOrder.all_objects.count() == 1


def test_the_hotline_form_shows_errors_and_keeps_what_was_typed(client, desk):
    client.force_login(desk)
    r = client.post(
        "/workorders/new/",
        {
            "source": "hotline",
            "kind": "repair",
            "mobile": "123",
            "name": "某先生",
            "description": "x",
        },
    )
    assert r.status_code == 400
    assert "某先生" in r.content.decode()
    assert WorkOrder.all_objects.count() == 0


def test_dispatch_and_technician_steps_from_the_pages(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    client.force_login(desk)
    client.post(f"/workorders/{order.pk}/do/dispatch/", {"technician": tech.pk})
    assert WorkOrder.all_objects.get(pk=order.pk).status == "dispatched"
    client.force_login(tech.user)
    assert order.number in client.get("/workorders/my-jobs/").content.decode()
    assert client.get(f"/workorders/my-jobs/{order.pk}/").status_code == 200
    client.post(f"/workorders/{order.pk}/do/contact/", {"next": "/workorders/my-jobs/"})
    assert WorkOrder.all_objects.get(pk=order.pk).status == "contacted"


def test_the_public_form_for_a_known_customer_opens_an_order_and_shows_progress(client, org, store):
    customer = make_customer(org, store=store)
    r = client.post(
        f"/workorders/r/{org.code}/{store.code}/",
        {
            "name": "张伟",
            "mobile": customer.mobile,
            "district": "朝阳区",
            "address_detail": "x",
            "kind": "repair",
            "description": "漏水",
        },
    )
    assert r.status_code == 302
    order = WorkOrder.all_objects.get()
    assert order.source == "self_service" and order.customer == customer
    page = client.get(r["Location"])
    assert page.status_code == 200 and order.number in page.content.decode()


def test_the_public_form_for_a_new_customer_waits_for_the_desk(client, org, store, desk):
    r = client.post(
        f"/workorders/r/{org.code}/{store.code}/",
        {
            "name": "吴女士",
            "mobile": "13655554444",
            "district": "朝阳区",
            "address_detail": "x",
            "kind": "repair",
            "description": "漏水",
        },
    )
    assert r.status_code == 302
    assert WorkOrder.all_objects.count() == 0
    req = PublicRequest.all_objects.get()
    assert req.status == "pending"
    client.force_login(desk)
    assert "吴女士" in client.get("/workorders/").content.decode()


def test_the_public_form_is_rate_limited(client, org, store):
    from django.core.cache import cache

    cache.clear()
    data = {
        "name": "吴女士",
        "mobile": "13655554444",
        "district": "朝阳区",
        "address_detail": "x",
        "kind": "repair",
        "description": "漏水",
    }
    codes = [
        client.post(f"/workorders/r/{org.code}/{store.code}/", data).status_code for _ in range(6)
    ]
    assert codes[-1] == 429
    assert PublicRequest.all_objects.count() == 5


def test_a_forged_order_id_in_the_customer_link_is_404(client, desk, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    other = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    token = progress_token(order)
    assert client.get(f"/workorders/p/{token}/").status_code == 200
    payload, sig = token.split(":", 1)
    forged = signing.dumps({"o": other.pk, "g": org.pk}, salt="wrong")
    assert client.get(f"/workorders/p/{forged}/").status_code == 404
    tampered = token.replace(token[0], "A" if token[0] != "A" else "B", 1)
    assert client.get(f"/workorders/p/{tampered}/").status_code == 404
    assert load_customer_link(token, salt=PROGRESS_SALT)["o"] == order.pk


def test_the_customer_confirms_through_the_signed_link_once(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    order = s.workorder_arrive(by=tech.user, order=order)
    s.workorder_complete(by=tech.user, order=order, findings="", work_done="修好")
    url = f"/workorders/p/{progress_token(order)}/"
    assert client.post(url, {"signer_name": "张伟"}).status_code == 302
    report = ServiceReport.all_objects.get(order=order)
    assert report.signed_via == "link" and report.signer_name == "张伟"
    client.post(url, {"signer_name": "别人"})
    assert ServiceReport.all_objects.get(order=order).signer_name == "张伟"


def test_a_technician_opening_the_order_list_sees_their_jobs(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    s.workorder_dispatch(by=desk, order=order, technician=tech)
    client.force_login(tech.user)
    r = client.get("/workorders/")
    assert r.status_code == 200 and order.number in r.content.decode()
