"""The customer pages in a real browser, at a phone's size (Debian's chromium via Playwright)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from shouhou.customers.models import Customer
from shouhou.customers.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main button[type=submit]"  # the header has its own (log out) button


def test_on_a_phone_a_double_clicked_form_registers_one_customer_and_the_page_fits(
    phone_page, browser_login, clerk
):
    page = phone_page
    browser_login(page, clerk)
    page.goto(page.base_url + reverse("customers:create"))
    page.fill("#id_name", "阿依古丽·买买提")
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_district", "金水区")
    page.fill("#id_address_detail", "花园路88号3号楼2单元501")
    page.dblclick(SUBMIT)
    page.wait_for_selector("h1:has-text('阿依古丽·买买提')")
    assert Customer.objects.count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380  # no sideways scrolling on a 375px screen


def test_typing_a_known_mobile_offers_the_existing_customer_and_search_is_live(
    page, browser_login, clerk, org
):
    existing = CustomerFactory(organisation=org, name="李娜", mobile="13812345678")
    CustomerFactory(organisation=org, name="张伟", mobile="13811110001")
    browser_login(page, clerk)
    page.goto(page.base_url + reverse("customers:create"))
    page.fill("#id_mobile", "13812345678")
    page.press("#id_mobile", "Tab")
    link = page.locator("#mobile-lookup a")
    link.wait_for()
    assert link.get_attribute("href") == reverse("customers:detail", args=[existing.pk])

    page.goto(page.base_url + reverse("customers:list"))
    page.fill("#id_q", "0001")
    # a locator assertion, not wait_for_function: the page's CSP forbids eval
    expect(page.locator("#customer-results")).not_to_contain_text("李娜")
    assert "张伟" in page.inner_text("#customer-results")
