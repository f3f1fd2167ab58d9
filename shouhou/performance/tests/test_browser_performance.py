"""A manager opens the month's ranking in the browser, closes the month and downloads the
finance clerk's Excel sheet."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shouhou.performance.models import MonthClose

from .factories import at, complaint, make_technician, visited

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_opens_the_ranking_closes_the_month_and_downloads_the_excel(
    page, browser_login, make_user, org, store
):
    manager = make_user("cs_manager", store=store, display_name="李经理")
    tech = make_technician(org, name="王师傅")
    other = make_technician(org, name="赵师傅")
    for i in range(10):
        o = visited(org, tech, at(2026, 6, 3) + dt.timedelta(hours=i), store=store)
        if i == 0:
            complaint(o)
        visited(org, other, at(2026, 6, 4) + dt.timedelta(hours=i), store=store)

    browser_login(page, manager)
    page.goto(page.base_url + "/performance/?month=2026-06")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2
    # ranked by total: 赵师傅 5.00 first, 王师傅 (10 % complaints → 0) 3.50 second
    assert "赵师傅" in rows.nth(0).inner_text() and "5.00" in rows.nth(0).inner_text()
    assert "王师傅" in rows.nth(1).inner_text() and "3.50" in rows.nth(1).inner_text()

    page.once("dialog", lambda d: d.accept())
    page.click("#close-form button")
    page.wait_for_selector("#reopen-form")
    assert MonthClose.objects.get(organisation=org).is_closed

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "technician-scores-2026-06.xlsx"
    with open(download.path(), "rb") as fh:  # Playwright's file has no .xlsx suffix
        ws = load_workbook(io.BytesIO(fh.read())).active
    assert ws["B1"].value == org.name and ws["B2"].value == "2026-06"
    assert "李经理" in ws["B3"].value
    names = [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)]
    assert names.index("赵师傅") < names.index("王师傅")
    r = names.index("王师傅") + 1
    assert ws.cell(r, 16).value == pytest.approx(3.5)
