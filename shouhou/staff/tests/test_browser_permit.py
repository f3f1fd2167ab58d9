"""The service desk issues a work permit in a real browser, then opens the printable card."""

import pytest
from django.urls import reverse

from shouhou.staff.models import WorkPermit
from shouhou.staff.tests.test_pages import _at_permit_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_desk_issues_a_permit_and_prints_the_card(
    page, browser_login, desk, finance, new_staff
):
    staff = _at_permit_step(new_staff, desk, finance)
    browser_login(page, desk)
    page.goto(page.base_url + reverse("staff:list") + "?step=permit")
    page.click(f"a[href='{reverse('staff:detail', args=[staff.pk])}']")
    page.click("#issue-permit")
    number = page.locator("#permit-number")
    number.wait_for()
    permit = WorkPermit.objects.get(staff=staff)
    assert number.inner_text() == permit.number
    assert page.locator("#permit-status").inner_text() == "有效"
    page.click("#print-permit")
    page.locator("#permit-card").wait_for()
    assert permit.number in page.locator("#card-number").inner_text()
