"""The monthly complaint statistics (顾客投诉统计表, 顾客投诉因素分类统计表, returns and exchanges) by
content, in the API, the page and the Excel: which cases count, which do not, and the totals.
Money in the Excel is a number cell holding the exact Decimal, shown as yuan."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from shouhou.complaints import services
from shouhou.complaints.models import Case, ComplaintCause
from shouhou.promises.services import promise_decide
from shouhou.sales.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

STATS = "/api/v1/complaint-statistics/"


@pytest.fixture
def month_cases(
    clerk, supervisor, store_manager, customer, kettle, sold, org, other_org, make_user
):
    services.complaints_ensure_defaults(org)
    cause = {c.code: c for c in ComplaintCause.objects.filter(organisation=org)}
    c1 = services.case_register(
        by=clerk,
        kind="complaint",
        customer=customer,
        product=kettle,
        description="壶漏水",
        cause=cause["product_quality"],
    )
    services.case_set_responsibility(by=clerk, case=c1, responsibility="supplier", findings="阀坏")
    services.case_record_supplier_claim(by=clerk, case=c1, amount="200.00")
    services.case_submit(by=clerk, case=c1, resolution="补偿", compensation="300.50")
    c2 = services.case_register(
        by=clerk,
        kind="complaint",
        customer=customer,
        description="安装歪了",
        cause=cause["installation"],
    )
    services.case_refuse(by=supervisor, case=c2, reason="已按标准安装")
    c3 = services.case_register(by=clerk, kind="complaint", customer=customer, description="慢")
    services.case_set_responsibility(
        by=clerk, case=c3, responsibility="workmanship", findings="返工"
    )
    decision = promise_decide(by=clerk, contract_line=sold(kettle), wanted="exchange")
    c4 = services.case_register(
        by=clerk, kind="exchange", decision=decision, description="开关失灵"
    )
    services.case_submit(by=clerk, case=c4, resolution="换新", compensation="1000.00")
    services.case_sign(by=store_manager, case=c4)
    # not this month
    old = services.case_register(
        by=clerk, kind="complaint", customer=customer, description="上月", cause=cause["price"]
    )
    services.case_submit(by=clerk, case=old, resolution="补偿", compensation="999.00")
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=45))
    # another organisation
    outsider = make_user("clerk", organisation=other_org)
    services.case_register(
        by=outsider,
        kind="complaint",
        customer=CustomerFactory(organisation=other_org, name="别家", mobile="13900000001"),
        description="别家的投诉",
    )
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "old": old}


def _month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_the_api_counts_this_months_cases_of_this_organisation_only(api, clerk, month_cases):
    body = api.as_(clerk).get(STATS, month=_month()).json()
    assert body["total"] == 4 and body["complaints"] == 3
    summary = {row["kind"]: row for row in body["summary"]}
    assert (summary["complaint"]["total"], summary["complaint"]["refused"]) == (3, 1)
    assert summary["complaint"]["open"] == 2 and summary["complaint"]["done"] == 0
    assert (summary["exchange"]["total"], summary["exchange"]["open"]) == (1, 1)
    assert summary["return"]["total"] == 0
    assert body["cost"] == "1300.50"  # 300.50 + 1,000.00; last month's 999.00 is not counted
    assert body["claims"] == "200.00"
    causes = {row["cause"]: (row["count"], row["share"]) for row in body["causes"]}
    assert causes["商品质量"] == (1, 33.3)
    assert causes["安装质量"] == (1, 33.3)
    assert causes["未分类"] == (1, 33.3)
    assert causes["价格与收费"] == (0, 0)
    assert {r["responsibility"]: r["count"] for r in body["responsibility"]} == {
        "供应商产品问题": 1,
        "我方施工质量": 1,
        "尚未确定": 1,
    }
    assert [(r["kind"], r["count"]) for r in body["returns"]] == [("换货", 1)]


def test_last_month_has_only_last_months_case(api, clerk, month_cases):
    last = (timezone.localdate() - dt.timedelta(days=45)).strftime("%Y-%m")
    body = api.as_(clerk).get(STATS, month=last).json()
    assert body["total"] == 1 and body["cost"] == "999.00" and body["claims"] == "0.00"


def test_the_page_shows_the_counts_and_the_totals(client, clerk, month_cases):
    client.force_login(clerk)
    html = client.get(reverse("complaints:statistics"), {"month": _month()}).content.decode()
    assert "¥1,300.50" in html and "¥200.00" in html
    assert "¥999.00" not in html and "¥2,299.50" not in html
    complaints_row = html.split("<td>投诉</td>", 1)[1].split("</tr>", 1)[0]
    assert complaints_row == "<td>3</td><td>0</td><td>1</td><td>2</td>"
    assert "<td>商品质量</td><td>1</td><td>33.3</td>" in html


def test_the_excel_holds_the_same_figures_and_money_as_yuan_number_cells(
    client, clerk, month_cases
):
    client.force_login(clerk)
    resp = client.get(reverse("complaints:statistics"), {"month": _month(), "format": "xlsx"})
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    ws = wb.worksheets[0]
    rows = {row[0].value: row for row in ws.iter_rows() if row[0].value}
    assert [c.value for c in rows["投诉"][1:5]] == [3, 0, 1, 2]
    cost, claims = rows["总费用"][1], rows["向供应商索赔"][1]
    assert cost.data_type == "n" and Decimal(str(cost.value)) == Decimal("1300.50")
    assert Decimal(str(claims.value)) == Decimal("200.00")
    assert "¥" in cost.number_format and "0.00" in cost.number_format
    causes = {row[0]: row[1:] for row in wb.worksheets[1].values if row and row[0]}
    assert causes["商品质量"] == (1, 33.3)
    returns = list(wb.worksheets[2].values)
    assert [r[2] for r in returns[1:]] == [1]
