"""The foundation's user journey in a real browser (Debian's chromium through Playwright)."""

import pytest
from django.urls import reverse

from shouhou.customers.models import Customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_in_is_told_the_phone_is_wrong_fixes_it_and_the_customer_is_saved(
    page, browser_login, clerk
):
    browser_login(page, clerk)
    page.goto(page.base_url + reverse("customers:create"))
    page.fill("#id_name", "张伟")
    page.fill("#id_mobile", "1381234")
    page.fill("#id_district", "金水区")
    page.fill("#id_address_detail", "花园路88号3号楼2单元501")
    page.click("main button[type=submit]")

    error = page.locator(".field.has-error .error").first
    error.wait_for()
    assert "手机" in error.inner_text() or "号码" in error.inner_text()
    assert page.input_value("#id_name") == "张伟"  # what was typed is kept
    assert Customer.objects.count() == 0

    page.fill("#id_mobile", "13812345678")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('张伟')")
    customer = Customer.objects.get()
    assert customer.mobile == "13812345678" and customer.organisation == clerk.organisation
    assert page.url.endswith(reverse("customers:detail", args=[customer.pk]))
