"""In a real browser: the clerk finds the contract at the service counter, the promises decide an
exchange, the clerk files it with ¥3,000 compensation; the CS manager, the store manager and the
VP of operations sign in turn, then the clerk carries it out and closes it."""

import pytest
from django.urls import reverse

from shouhou.complaints.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, browser_login, user):
    page.context.clear_cookies()
    browser_login(page, user)


def _sign(page, browser_login, user, case):
    _as(page, browser_login, user)
    page.goto(page.base_url + reverse("complaints:approvals"))
    page.click(f"text={case.number}")
    page.click("#sign button[type=submit]")
    page.wait_for_load_state()


def test_an_exchange_that_needs_the_vp_is_walked_to_done(
    page, browser_login, clerk, cs_manager, store_manager, vp, kettle, sold
):
    line = sold(kettle, days=5)
    _as(page, browser_login, clerk)
    page.goto(page.base_url + reverse("promises:counter"))
    page.fill("#counter_q", line.contract.number)
    page.press("#counter_q", "Enter")
    page.click("a.pick-line")
    page.select_option("#id_wanted", "exchange")
    page.click("#facts-form button[type=submit]")
    page.wait_for_selector("#decision")
    assert "换货" in page.inner_text("#decision")
    assert "第6条" in page.inner_text("#decision")
    page.select_option("#start-form #id_kind", "exchange")
    page.fill("#start-form #id_description", "壶底漏水")
    page.click("#start-form button[type=submit]")
    page.wait_for_selector("#case-status")
    case = Case.objects.get()
    assert case.kind == "exchange" and case.status == "registered"

    page.fill("#submit #id_resolution", "换新并补偿误工")
    page.fill("#submit #id_compensation", "3000")
    page.click("#submit button[type=submit]")
    page.wait_for_selector("#required-approver")
    assert "待审批" in page.inner_text("#case-status")
    case.refresh_from_db()
    assert case.route_roles == ["store_manager", "vp_operations"]

    # Over ¥2,000 the CS manager has no step and cannot sign: the page says who must.
    _as(page, browser_login, cs_manager)
    page.goto(page.base_url + reverse("complaints:detail", args=[case.pk]))
    assert page.locator("#sign").count() == 0
    assert "店长" in page.inner_text("#required-approver")

    _sign(page, browser_login, store_manager, case)
    _sign(page, browser_login, vp, case)
    page.wait_for_selector("#case-status:has-text('已批准')")

    _as(page, browser_login, clerk)
    page.goto(page.base_url + reverse("complaints:detail", args=[case.pk]))
    page.click("#carry-out button[type=submit]")
    page.wait_for_selector("#case-status:has-text('已执行')")
    page.click("#close button[type=submit]")
    page.wait_for_selector("#case-status:has-text('已完成')")
    case.refresh_from_db()
    assert case.status == "done" and case.signatures.count() == 2
