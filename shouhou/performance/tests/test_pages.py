"""The pages: ranking, Excel bonus sheet, one technician's month and its drill-down, my scores,
department targets, and the manager's forms (close, re-open, exclude)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from shouhou.performance import services
from shouhou.performance.models import Exclusion, MonthClose

from .factories import at, callback, complaint, visited

pytestmark = pytest.mark.django_db


@pytest.fixture
def june(org, tech, tech2, store):
    d = at(2026, 6, 10)
    for i in range(10):
        o = visited(org, tech, d + dt.timedelta(hours=i), store=store, late_contact=i == 0)
        if i == 1:
            complaint(o, number="TS-P1")
    for i in range(4):
        o = visited(org, tech2, d + dt.timedelta(hours=i), store=store)
        if i == 0:
            callback(o, satisfaction=2)
    return d


def test_the_ranking_shows_the_month_with_the_definitions(client, clerk, june, tech, tech2):
    client.force_login(clerk)
    resp = client.get("/performance/?month=2026-06")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert tech.name in html and tech2.name in html
    assert "23:59" in html  # the definition of the base orders is on the page
    assert f"/performance/technicians/{tech.pk}/orders/complaint/?month=2026-06" in html
    assert "close-form" not in html  # a clerk cannot close


def test_a_manager_sees_the_close_button_for_an_ended_month_and_closes_it(client, manager, june):
    client.force_login(manager)
    assert 'id="close-form"' in client.get("/performance/?month=2026-06").content.decode()
    resp = client.post("/performance/close/", {"month": "2026-06"})
    assert resp.status_code == 302
    assert MonthClose.all_objects.get().is_closed
    again = client.post("/performance/close/", {"month": "2026-06"})
    assert again.status_code == 409 and "2026-06" in again.content.decode()
    page = client.get("/performance/?month=2026-06").content.decode()
    assert 'id="reopen-form"' in page


def test_reopening_on_the_page_without_a_reason_shows_the_error(client, manager, june):
    services.month_close(by=manager, month="2026-06")
    client.force_login(manager)
    resp = client.post("/performance/reopen/", {"month": "2026-06", "reason": ""})
    assert resp.status_code == 400
    assert 'role="alert"' in resp.content.decode()
    assert MonthClose.all_objects.get().is_closed
    ok = client.post("/performance/reopen/", {"month": "2026-06", "reason": "补录回访记录"})
    assert ok.status_code == 302 and not MonthClose.all_objects.get().is_closed


def test_excluding_on_the_ranking_page_by_complaint_number(client, manager, june):
    client.force_login(manager)
    base = {
        "month": "2026-06",
        "kind": "complaint",
        "case": "TS-P1",
        "category": "malicious",
        "idempotency_key": "k-1",
    }
    bad = client.post("/performance/exclusions/", {**base, "reason": ""})
    assert bad.status_code == 400 and not Exclusion.all_objects.exists()
    unknown = client.post("/performance/exclusions/", {**base, "case": "NOPE", "reason": "恶意"})
    assert unknown.status_code == 400 and not Exclusion.all_objects.exists()
    assert "NOPE" in unknown.content.decode()  # what was typed stays in the form
    assert "Give the reason" in bad.content.decode() or "原因" in bad.content.decode()
    ok = client.post(
        "/performance/exclusions/",
        {**base, "idempotency_key": "k-2", "reason": "客户借投诉索要赔偿"},
    )
    assert ok.status_code == 302
    twice = client.post(
        "/performance/exclusions/",
        {**base, "idempotency_key": "k-2", "reason": "客户借投诉索要赔偿"},
    )
    assert twice.status_code == 302 and Exclusion.all_objects.count() == 1


def test_excluding_from_the_drill_down_returns_to_it(client, manager, june, tech):
    from shouhou.complaints.models import Case

    case = Case.all_objects.get(number="TS-P1")
    client.force_login(manager)
    url = f"/performance/technicians/{tech.pk}/orders/complaint/?month=2026-06"
    page = client.get(url).content.decode()
    assert "TS-P1" in page and 'class="inline exclude"' in page
    post = {
        "month": "2026-06",
        "kind": "complaint",
        "case": str(case.pk),
        "category": "product_quality",
        "technician": tech.pk,
        "rate": "complaint",
        "next": url,
        "idempotency_key": "d-1",
    }
    bad = client.post("/performance/exclusions/", {**post, "reason": ""})
    assert bad.status_code == 400 and "TS-P1" in bad.content.decode()
    ok = client.post(
        "/performance/exclusions/", {**post, "idempotency_key": "d-2", "reason": "产品质量问题"}
    )
    assert ok.status_code == 302 and ok["Location"] == url
    # the complaint is no longer behind the rate
    assert "TS-P1" not in client.get(url).content.decode().split("<tbody>")[1].split("</tbody>")[0]


def test_the_drill_down_lists_exactly_the_orders_behind_the_rate(client, clerk, june, tech):
    client.force_login(clerk)
    html = client.get(
        f"/performance/technicians/{tech.pk}/orders/not_contacted/?month=2026-06"
    ).content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("/workorders/") == 1
    base = client.get(f"/performance/technicians/{tech.pk}/orders/base/?month=2026-06")
    assert base.content.decode().split("<tbody>")[1].count("/workorders/") == 10
    assert client.get(f"/performance/technicians/{tech.pk}/orders/bogus/").status_code == 404


def test_the_technicians_month_page_links_each_rate_to_its_orders(client, clerk, june, tech):
    client.force_login(clerk)
    html = client.get(f"/performance/technicians/{tech.pk}/?month=2026-06").content.decode()
    for rate in ("not_contacted", "not_on_time", "not_satisfied", "complaint", "missed"):
        assert f"/performance/technicians/{tech.pk}/orders/{rate}/?month=2026-06" in html
    assert 'id="total"' in html


def test_a_technician_sees_only_their_own_scores(client, june, tech, tech2):
    client.force_login(tech.user)
    assert client.get("/performance/").status_code == 302  # to "my scores"
    me = client.get("/performance/me/?month=2026-06")
    assert me.status_code == 200 and tech.name in me.content.decode()
    assert client.get(f"/performance/technicians/{tech2.pk}/").status_code == 404
    assert client.get(f"/performance/technicians/{tech2.pk}/orders/base/").status_code == 404
    assert client.get("/performance/month.xlsx?month=2026-06").status_code == 403
    assert client.get("/performance/targets/").status_code == 403


def test_a_merchant_administrator_sees_only_the_merchants_technicians(
    client, make_user, merchant, june, tech, tech2
):
    tech2.merchant = merchant
    tech2.save(update_fields=["merchant"])
    client.force_login(make_user("merchant_admin", merchant=merchant))
    html = client.get("/performance/?month=2026-06").content.decode()
    assert tech2.name in html and tech.name not in html
    assert client.get(f"/performance/technicians/{tech.pk}/").status_code == 404


def test_another_organisation_gets_404_for_our_technician(client, outsider, june, tech):
    client.force_login(outsider)
    assert client.get(f"/performance/technicians/{tech.pk}/").status_code == 404
    assert tech.name not in client.get("/performance/?month=2026-06").content.decode()


def test_the_excel_bonus_sheet_has_the_header_and_one_row_per_technician(
    client, finance, manager, june, tech, tech2, org
):
    services.month_close(by=manager, month="2026-06")
    client.force_login(finance)
    resp = client.get("/performance/month.xlsx?month=2026-06")
    assert resp.status_code == 200
    assert "technician-scores-2026-06.xlsx" in resp["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws["B1"].value == org.name
    assert ws["B2"].value == "2026-06"
    assert "2026" in ws["B3"].value and manager.display_name in ws["B3"].value
    # the column header is the row above rank 1
    header_row = next(r for r in range(1, 15) if ws.cell(r + 1, 1).value == 1)
    assert ws.cell(header_row, 17).value in ("Bonus base (yuan)", "奖金基数（元）")
    rows = {ws.cell(r, 2).value: r for r in range(header_row + 1, header_row + 3)}
    r = rows[tech.name]
    assert ws.cell(r, 5).value == 10  # base orders
    assert ws.cell(r, 6).value == pytest.approx(0.10)  # not contacted 10 %
    assert ws.cell(r, 6).number_format == "0.00%"
    assert ws.cell(r, 11).value == 0  # score: above every tier
    # tech: 0 (10 % not contacted) ×20 % + 5×10 % + 5×20 % + 0 (10 % complaints)×30 % + 5×20 %
    # = 0 + 0.5 + 1 + 0 + 1 = 2.50
    assert ws.cell(r, 16).value == pytest.approx(2.5)
    assert ws.cell(r, 17).value == 0
    assert ws.cell(r, 17).data_type == "n" and ws.cell(r, 17).number_format == '"¥"#,##0.00'
    total_row = header_row + 3
    assert ws.cell(total_row, 5).value == 14
    assert ws.cell(total_row, 17).number_format == '"¥"#,##0.00'


def test_an_open_month_sheet_says_it_is_not_final(client, clerk, june):
    client.force_login(clerk)
    resp = client.get("/performance/month.xlsx?month=2026-06")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert "live" in ws["B3"].value or "未结" in ws["B3"].value or "实时" in ws["B3"].value


def test_the_department_targets_page(client, clerk, june, store):
    client.force_login(clerk)
    html = client.get("/performance/targets/?month=2026-06").content.decode()
    assert store.name in html and 'id="trend"' in html
    # 14 orders all on time = 100.00 %; 1 rated, unsatisfied = 0.00 %
    assert "100.00 %" in html and "0.00 %" in html


def test_a_bad_month_in_the_address_is_a_clear_400(client, clerk):
    client.force_login(clerk)
    resp = client.get("/performance/?month=June")
    assert resp.status_code == 400


def test_the_settings_page_is_read_only_for_a_clerk(client, clerk):
    client.force_login(clerk)
    html = client.get("/performance/settings/").content.decode()
    assert '<button class="primary">' not in html
    assert client.post("/performance/settings/", {}).status_code == 403
