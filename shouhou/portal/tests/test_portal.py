"""The self-service page: one order through a signed, expiring link; the look-up by number and
phone digits, rate-limited; a request through the hotline's intake; the events told to the
customer once each."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shouhou.callbacks.tests.records_factories import appointed, dispatched, done
from shouhou.customers.models import OwnedProduct
from shouhou.notify.models import CustomerContact, Message
from shouhou.portal import links, receivers
from shouhou.portal.models import RequestPhoto
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at, make_customer

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 9, 10)


@pytest.fixture(autouse=True)
def frozen():
    cache.clear()
    with time_machine.travel(NOW, tick=False) as t:
        yield t


@pytest.fixture
def customer(org, store):
    return make_customer(org, store=store, name="张伟")


@pytest.fixture
def order(desk, tech, customer):
    return appointed(desk, tech, customer, NOW)


def url(order, now=None):
    return reverse("portal:order", kwargs={"token": links.order_token(order, now)})


def test_the_link_shows_the_progress_with_the_technicians_masked_phone(client, order, tech):
    r = client.get(url(order))
    assert r.status_code == 200
    body = r.content.decode()
    assert order.number in body and "王师傅" in body
    assert tech.mobile not in body and tech.mobile[:3] + "****" + tech.mobile[-4:] in body
    assert order.customer.mobile not in body and order.address not in body


def test_a_tampered_link_is_not_found(client, order):
    token = links.order_token(order)
    assert (
        client.get(reverse("portal:order", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    )
    forged = token.replace(token.split(":")[0], "eyJvIjo5OTksImciOjF9")
    assert client.get(reverse("portal:order", kwargs={"token": forged})).status_code == 404


def test_an_old_link_has_expired(client, order):
    assert client.get(url(order, NOW - dt.timedelta(days=31))).status_code == 410
    assert client.get(url(order, NOW - dt.timedelta(days=29))).status_code == 200


def test_a_link_opens_its_own_order_only(client, order, desk, tech, org, store):
    other = dispatched(desk, tech, make_customer(org, store=store, name="李娜"), NOW)
    body = client.get(url(order)).content.decode()
    assert other.number not in body and "李" not in body


def test_the_look_up_needs_the_number_and_the_phones_last_digits(client, order, org):
    find = reverse("portal:find", kwargs={"org_code": org.code})
    wrong = client.post(find, {"number": order.number, "last4": "0000"})
    assert wrong.status_code == 404 and order.customer.name not in wrong.content.decode()
    ok = client.post(find, {"number": order.number, "last4": order.customer.mobile[-4:]})
    assert ok.status_code == 302
    assert client.get(ok["Location"]).status_code == 200


def test_look_ups_are_rate_limited(client, order, org):
    find = reverse("portal:find", kwargs={"org_code": org.code})
    for _ in range(5):
        assert client.post(find, {"number": order.number, "last4": "0000"}).status_code == 404
    right = {"number": order.number, "last4": order.customer.mobile[-4:]}
    assert client.post(find, right).status_code == 429


def test_another_organisations_order_is_not_found_by_look_up(client, order, other_org):
    find = reverse("portal:find", kwargs={"org_code": other_org.code})
    r = client.post(find, {"number": order.number, "last4": order.customer.mobile[-4:]})
    assert r.status_code == 404


def _photo():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    return SimpleUploadedFile("leak.jpg", buf.getvalue(), content_type="image/jpeg")


def test_a_request_for_a_bought_product_goes_through_the_intake_and_joins_an_open_one(
    client, order, org, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from shouhou.catalog.models import Product

    faucet = Product.all_objects.create(organisation=org, name="厨房龙头")
    owned = OwnedProduct.all_objects.create(organisation=org, customer=customer, product=faucet)
    req = reverse("portal:request", kwargs={"token": links.order_token(order)})
    assert "厨房龙头" in client.get(req).content.decode()
    r = client.post(
        req,
        {"product": owned.pk, "kind": "repair", "description": "龙头漏水", "photos": [_photo()]},
    )
    assert r.status_code == 302
    new = WorkOrder.all_objects.get(product=faucet)
    assert new.source == "self_service" and new.customer == customer and new.pk != order.pk
    assert RequestPhoto.all_objects.get().order == new
    again = client.post(req, {"product": owned.pk, "kind": "repair", "description": "还在漏"})
    assert again.status_code == 302
    assert WorkOrder.all_objects.filter(product=faucet).count() == 1  # joined


def test_a_request_needs_a_description_and_the_customers_own_product(client, order, org, store):
    other = make_customer(org, store=store, name="李娜")
    theirs = OwnedProduct.all_objects.create(organisation=org, customer=other, description="沙发")
    req = reverse("portal:request", kwargs={"token": links.order_token(order)})
    r = client.post(req, {"product": theirs.pk, "kind": "repair", "description": ""})
    assert r.status_code == 400 and "沙发" not in r.content.decode()
    r = client.post(req, {"product": str(theirs.pk), "kind": "repair", "description": "坏了"})
    assert r.status_code == 400 and "沙发" not in r.content.decode()
    assert not WorkOrder.all_objects.filter(source="self_service").exists()


def test_not_a_photo_is_refused(client, order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    req = reverse("portal:request", kwargs={"token": links.order_token(order)})
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    r = client.post(req, {"kind": "repair", "description": "坏了", "photos": [bad]})
    assert r.status_code == 400 and RequestPhoto.all_objects.count() == 0


def test_the_customer_stops_messages_from_the_page(client, order):
    client.post(url(order), {"messages": "off"})
    assert CustomerContact.all_objects.get(customer=order.customer).opted_out


# --- the events, told once ---------------------------------------------------------------------
def test_the_order_is_received_appointed_and_done_each_told_once(
    desk, tech, customer, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = done(desk, tech, customer, NOW)
    events = list(Message.all_objects.filter(customer=customer).values_list("event", flat=True))
    assert sorted(events) == [
        "appointment_set",
        "order_received",
        "technician_on_way",
        "visit_done",
    ]
    visit = Message.all_objects.get(event="visit_done")
    assert "/callbacks/feedback/" in visit.body
    received = Message.all_objects.get(event="order_received")
    assert order.number in received.body and "/portal/o/" in received.body
    # The page links the same callbacks feedback form.
    body = client.get(url(order)).content.decode()
    assert 'id="feedback-link"' in body and "/callbacks/feedback/" in body


def test_a_duplicated_event_is_one_message(order):
    receivers.order_received(None, order=order, by=None)
    receivers.order_received(None, order=order, by=None)
    assert Message.all_objects.filter(event="order_received", customer=order.customer).count() == 1
