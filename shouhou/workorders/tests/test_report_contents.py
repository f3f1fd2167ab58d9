"""The daily report (seed 001) by content, in the page, the API and the Excel file: which orders
each section lists and which it leaves out.

The day: Tuesday 10 March 2026, 15:00 (no holiday near it). Orders:
- A dispatched Thu 5 March, no news since                        → no news (3 working days)
- B dispatched Fri 6 March, no news since                        → no news (2 working days)
- C dispatched Mon 9 March, no news since                        → not yet (1 working day)
- D dispatched Thu 5 March, the technician called the same day   → not (it has news)
- E dispatched Fri 6 March, re-issued today (no-show)            → re-issued + missed today
- F dispatched Wed 4 March, re-issued yesterday                  → neither today; both on the 9th
- G on site, waiting for parts                                  → needs another visit
- H customer not reachable                                       → unreachable
"""

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from shouhou.workorders import services as s

from .factories import at, make_customer

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 10, 15)
REPORT = "/api/v1/workorders/daily-report/"
SECTIONS = ["no_news", "missed", "reissued", "needs_revisit", "unreachable"]


@pytest.fixture
def orders(desk, tech, call_centre, org):
    def dispatched(when):
        order = s.workorder_intake(
            by=desk,
            source="hotline",
            kind="repair",
            customer=make_customer(org),
            description="马桶漏水",
            now=when,
        ).order
        return s.workorder_dispatch(by=desk, order=order, technician=tech, now=when)

    o = {
        "A": dispatched(at(2026, 3, 5, 10)),
        "B": dispatched(at(2026, 3, 6, 10)),
        "C": dispatched(at(2026, 3, 9, 10)),
        "D": dispatched(at(2026, 3, 5, 10)),
        "E": dispatched(at(2026, 3, 6, 9)),
        "F": dispatched(at(2026, 3, 4, 9)),
        "G": dispatched(at(2026, 3, 9, 9)),
        "H": dispatched(at(2026, 3, 9, 9)),
    }
    s.workorder_contact(by=tech.user, order=o["D"], now=at(2026, 3, 5, 12))
    s.workorder_reissue(by=call_centre, order=o["E"], note="未上门", now=at(2026, 3, 10, 11))
    s.workorder_reissue(by=call_centre, order=o["F"], note="未上门", now=at(2026, 3, 9, 11))
    s.workorder_arrive(by=tech.user, order=o["G"], now=at(2026, 3, 9, 14))
    s.workorder_wait_parts(by=tech.user, order=o["G"], note="缺阀门", now=at(2026, 3, 9, 15))
    s.workorder_unreachable(by=tech.user, order=o["H"], note="无人接听", now=at(2026, 3, 9, 10))
    return {k: v.number for k, v in o.items()}


EXPECTED_TODAY = {
    "no_news": ["A", "B"],
    "missed": ["E"],
    "reissued": ["E"],
    "needs_revisit": ["G"],
    "unreachable": ["H"],
}


def _letters(numbers, orders) -> list[str]:
    by_number = {v: k for k, v in orders.items()}
    return [by_number.get(n, n) for n in numbers]


def test_the_api_lists_exactly_the_orders_of_each_section(api, desk, orders):
    with time_machine.travel(NOW, tick=False):
        body = api.as_(desk).get(REPORT, day="2026-03-10").json()
    assert body["day"] == "2026-03-10"
    got = {k: _letters([row["number"] for row in body[k]], orders) for k in SECTIONS}
    assert got == EXPECTED_TODAY
    assert body["reissued"][0]["detail"] == "重发1次"
    assert body["missed"][0]["detail"].endswith("¥50.00")
    assert all("****" in row["phone"] for k in SECTIONS for row in body[k])


def test_yesterdays_report_lists_yesterdays_reissue_and_missed_service(api, desk, orders):
    with time_machine.travel(NOW, tick=False):
        body = api.as_(desk).get(REPORT, day="2026-03-09").json()
    assert _letters([row["number"] for row in body["reissued"]], orders) == ["F"]
    assert _letters([row["number"] for row in body["missed"]], orders) == ["F"]


def _page_sections(html: str) -> dict[str, str]:
    parts = html.split('<h2 id="')[1:]
    return {p.split('"', 1)[0]: p for p in parts}


def test_the_page_shows_each_order_in_its_section_and_nowhere_else(client, desk, orders):
    client.force_login(desk)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("workorders:reports"), {"day": "2026-03-10"}).content.decode()
    sections = _page_sections(html)
    # the five lists, then the response tiers' table (counts per tier, seed 002)
    assert list(sections) == [*SECTIONS, "tiers"]
    for key in SECTIONS:
        shown = [k for k, number in orders.items() if number in sections[key]]
        assert shown == EXPECTED_TODAY[key], key
        assert f"({len(EXPECTED_TODAY[key])})" in sections[key].split("</h2>", 1)[0]


def test_the_excel_has_one_sheet_per_section_with_exactly_its_orders(client, desk, orders):
    client.force_login(desk)
    with time_machine.travel(NOW, tick=False):
        resp = client.get(reverse("workorders:reports_xlsx"), {"day": "2026-03-10"})
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert len(wb.worksheets) == len(SECTIONS) + 1
    assert wb.worksheets[0].title.startswith("派出超过2个工作日")
    tiers = list(wb.worksheets[-1].values)
    assert wb.worksheets[-1].title == "响应等级"
    assert tiers[0] == ("响应等级", "本月工单数", "按时", "超时")
    assert all(isinstance(n, int) for row in tiers[1:] for n in row[1:])
    for ws, key in zip(wb.worksheets[: len(SECTIONS)], SECTIONS, strict=True):
        rows = list(ws.values)
        assert rows[0][0] == "工单"
        assert _letters([row[0] for row in rows[1:]], orders) == EXPECTED_TODAY[key], key
    reissued = list(wb.worksheets[2].values)[1]
    assert reissued[7] == "重发1次" and "****" in reissued[2]


def test_the_no_news_cutoff_counts_working_days_not_calendar_days(api, desk, tech, org):
    """Dispatched Friday before the Spring Festival (13 Feb 2026): on Saturday 14 Feb (a make-up
    working day) one working day has passed; on Tuesday 24 Feb, eleven calendar days later but
    after the nine days off, two have (14 and 24 Feb) and it is listed."""
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org), now=at(2026, 2, 13)
    ).order
    s.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 2, 13))
    url = REPORT
    with time_machine.travel(at(2026, 2, 14, 15), tick=False):
        assert api.as_(desk).get(url).json()["no_news"] == []
    with time_machine.travel(at(2026, 2, 24, 15), tick=False):
        # ten days on: log in again (a session lasts 12 hours)
        assert [row["number"] for row in api.as_(desk).get(url).json()["no_news"]] == [order.number]


def test_another_organisations_orders_are_in_no_section(api, orders, other_org, make_user):
    outsider_desk = make_user("service_desk", organisation=other_org)
    with time_machine.travel(NOW, tick=False):
        body = api.as_(outsider_desk).get(REPORT).json()
    assert all(body[k] == [] for k in SECTIONS)


def test_a_day_without_events_has_empty_dated_sections(api, desk, orders):
    with time_machine.travel(NOW, tick=False):
        body = api.as_(desk).get(REPORT, day="2026-03-02").json()
    assert body["missed"] == [] and body["reissued"] == []


def test_the_report_date_is_a_date(api, desk):
    assert dt.date.fromisoformat(api.as_(desk).get(REPORT).json()["day"])


def test_the_no_news_limit_is_the_organisations_and_the_title_says_it(client, desk, org, orders):
    from shouhou.workorders import config

    cfg = config.settings_for(org)
    cfg.no_news_after_days = 3
    cfg.save()
    client.force_login(desk)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("workorders:reports"), {"day": "2026-03-10"}).content.decode()
        resp = client.get(reverse("workorders:reports_xlsx"), {"day": "2026-03-10"})
    no_news = _page_sections(html)["no_news"]
    assert "派出超过3个工作日仍无消息 (1)" in no_news
    assert orders["A"] in no_news and orders["B"] not in no_news
    assert (
        openpyxl.load_workbook(io.BytesIO(resp.content))
        .worksheets[0]
        .title.startswith("派出超过3个工作日")
    )


def test_a_long_section_shows_its_first_rows_and_its_full_count(
    api, client, desk, orders, settings
):
    settings.SHOUHOU_REPORT_SECTION_ROWS = 1
    with time_machine.travel(NOW, tick=False):
        body = api.as_(desk).get(REPORT, day="2026-03-10").json()
        client.force_login(desk)
        html = client.get(reverse("workorders:reports"), {"day": "2026-03-10"}).content.decode()
        xlsx = client.get(reverse("workorders:reports_xlsx"), {"day": "2026-03-10"})
    # the two no-news orders: the oldest is shown, the count says there are two
    assert _letters([row["number"] for row in body["no_news"]], orders) == ["A"]
    assert body["counts"] == {
        "no_news": 2,
        "missed": 1,
        "reissued": 1,
        "needs_revisit": 1,
        "unreachable": 1,
    }
    no_news = _page_sections(html)["no_news"]
    assert "(2)" in no_news.split("</h2>", 1)[0] and orders["B"] not in no_news
    # the Excel file is the longer export, so both are in it
    sheet = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values)
    assert _letters([row[0] for row in sheet[1:]], orders) == ["A", "B"]


def test_the_report_costs_the_same_queries_for_one_row_or_many(
    api, desk, tech, call_centre, org, django_assert_max_num_queries
):
    """Missed services name the order's technician: joined, not fetched per row."""
    for hour in range(9, 15):
        order = s.workorder_intake(
            by=desk,
            source="hotline",
            kind="repair",
            customer=make_customer(org),
            now=at(2026, 3, 6, hour),
        ).order
        s.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 6, hour))
        s.workorder_reissue(by=call_centre, order=order, note="未上门", now=at(2026, 3, 10, 11))
    c = api.as_(desk)
    with time_machine.travel(NOW, tick=False):
        c.get(REPORT, day="2026-03-10")
        with django_assert_max_num_queries(11):
            body = c.get(REPORT, day="2026-03-10").json()
    assert len(body["missed"]) == 6 and body["missed"][0]["technician"]
