"""The contract journey in a real browser: find the customer by phone (htmx), add a line,
save once despite a double click, then open the three printable copies."""

import pytest
from django.urls import reverse

from shouhou.sales.models import Contract

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBMIT = "main button[type=submit]"


def test_a_clerk_signs_a_contract_with_two_lines_and_prints_it(
    page, browser_login, clerk, customer, store, goods
):
    product, m1, m2 = goods
    browser_login(page, clerk)
    page.goto(page.base_url + reverse("sales:create"))
    page.fill("#customer_q", "5678")
    page.locator("#customer-results input[name=customer]").first.wait_for()
    page.check(f"#customer-results input[value='{customer.pk}']")
    page.select_option("#id_lines-0-product", str(product.pk))
    page.select_option("#id_lines-0-model", str(m1.pk))
    page.fill("#id_lines-0-quantity", "2")
    page.fill("#id_lines-0-unit_price", "1999")
    page.click("text=添加一行")
    page.locator("#id_lines-1-product").wait_for()
    assert page.input_value("#id_lines-TOTAL_FORMS") == "2"
    page.select_option("#id_lines-1-product", str(product.pk))
    page.select_option("#id_lines-1-model", str(m2.pk))
    page.fill("#id_lines-1-unit_price", "2599.50")
    page.fill("#id_paid", "1000")
    page.select_option("#id_payment_method", "card")
    page.dblclick(SUBMIT)
    # The detail page's own heading: the form's "新建销售合同" would match "销售合同" too.
    page.wait_for_selector("h1:has-text('销售合同') span.badge")
    contract = Contract.objects.get()
    assert str(contract.total) == "6597.50" and contract.lines.count() == 2
    assert "¥5,597.50" in page.inner_text("main")
    page.click("text=打印三联")
    page.wait_for_selector("section.copy")
    assert page.locator("section.copy").count() == 3
    breaks = page.evaluate(
        "[...document.querySelectorAll('section.copy')].map(s => getComputedStyle(s).breakAfter)"
    )
    assert breaks[:2] == ["page", "page"]
