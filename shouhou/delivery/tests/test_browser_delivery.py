"""The crew member completes a delivery on a phone-sized screen: checklist, balance, the
customer's signature drawn on the canvas; the delivery is done and the callbacks exist."""

import pytest

from shouhou.callbacks.models import CallbackTask
from shouhou.delivery import services
from shouhou.delivery.models import Delivery

from .factories import make_contract, make_crew

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_crew_completes_a_delivery_on_a_phone(phone_page, browser_login, make_user, store):
    from django.utils import timezone

    page = phone_page
    sales = make_user("sales", store=store)
    supervisor = make_user("cs_supervisor", store=store)
    crew_user = make_user("delivery_crew", store=store, display_name="刘师傅")
    crew = make_crew(crew_user)
    contract = make_contract(sales, store)
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date=timezone.localdate())
    services.delivery_workshop_done(by=supervisor, delivery=d)
    services.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A12345")

    browser_login(page, crew_user)
    page.goto(page.base_url + "/delivery/my-runs/")
    page.click(f"a[href='/delivery/{d.pk}/run/']")

    # A checklist short of one item is refused, and nothing is loaded.
    lines = list(contract.lines.order_by("id"))
    for line in lines:
        page.fill(f"#quantity_{line.pk}", str(line.quantity))
        page.check(f"#accessories_{line.pk}")
    page.fill(f"#quantity_{lines[0].pk}", "1")
    page.check("#tool_kit")
    page.click("#checklist button.primary")
    page.wait_for_selector(".errors")
    assert Delivery.objects.get(pk=d.pk).status == Delivery.Status.WORKSHOP_DONE

    for line in lines:
        page.fill(f"#quantity_{line.pk}", str(line.quantity))
        page.check(f"#accessories_{line.pk}")
    page.check("#tool_kit")
    page.click("#checklist button.primary")
    page.click("form[action$='/depart/'] button")

    # The balance: the amount is filled in with what is due.
    page.wait_for_selector("#collect")
    assert page.input_value("#amount") == "3500.00"
    page.select_option("#method", "wechat")
    page.fill("#receipt_no", "SJ-0001")
    page.click("#collect button.primary")

    # The customer signs on the canvas.
    page.wait_for_selector("#pad")
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + 20 + i * 20, box["y"] + 30 + (i % 3) * 25)
    page.mouse.up()
    page.select_option("#satisfaction", "5")
    page.fill("#comments", "送货及时")
    page.click("#sign-form button.primary")
    page.wait_for_selector("#done")

    d.refresh_from_db()
    assert d.status == Delivery.Status.DELIVERED
    assert d.signature.startswith("data:image/png;base64,")
    assert d.collected_amount == 3500 and d.receipt_no == "SJ-0001"
    assert CallbackTask.objects.filter(source_key__startswith=f"delivery:{d.pk}:").count() == 4
    assert page.viewport_size["width"] == 375
