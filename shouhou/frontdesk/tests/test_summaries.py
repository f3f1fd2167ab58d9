"""The daily desk summary (2.3.2) and the weekly complaint summary, section by section, and the
job that sends them."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from shouhou.complaints.models import Case
from shouhou.frontdesk import jobs, reports, selectors, services
from shouhou.frontdesk.models import Contact, Reservation, SummarySend

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(clerk, customer, log):
    log(kind="consultation", subject="营业时间", answer="九点到九点")
    log(kind="praise", subject="表扬王师傅", answer="谢谢您")
    log(kind="complaint", subject="送货晚了", convert=True)
    log(kind="complaint", subject="送货还是没到", convert=True)
    services.desk_return_register(
        by=clerk,
        kind="return",
        customer=customer,
        item="电水壶",
        reason="不加热",
        condition="完好",
        stored_at="二号柜",
    )
    services.reservation_create(
        by=clerk,
        customer=customer,
        description="餐桌",
        deposit="300.00",
        receipt_number="R1",
        promised_on=timezone.localdate() + dt.timedelta(days=3),
    )
    return timezone.localdate()


def test_the_contacts_section_counts_each_kind_repeats_and_open(day, org):
    s = selectors.daily_summary(organisation=org, day=day)["contacts"]
    counts = {k["kind"]: k["count"] for k in s["by_kind"]}
    assert s["total"] == 4 and sum(counts.values()) == 4
    assert s["repeats"] == 1 and s["not_answered"] == 2


def test_the_complaints_section_lists_the_days_complaints(day, org):
    s = selectors.daily_summary(organisation=org, day=day)
    assert [c["description"] for c in s["complaints"]] == ["送货晚了"]
    assert s["complaints"][0]["number"] == Case.objects.get().number


def test_the_returns_section_lists_goods_taken_back(day, org):
    s = selectors.daily_summary(organisation=org, day=day)
    assert [x["item"] for x in s["taken_back"]] == ["电水壶"]


def test_the_reservations_section_lists_the_days_reservations(day, org):
    s = selectors.daily_summary(organisation=org, day=day)["reservations"]
    assert [x["goods"] for x in s["taken"]] == ["餐桌"] and str(
        s["taken"][0]["deposit"]
    ) == "300.00"


def test_another_day_is_empty(day, org):
    s = selectors.daily_summary(organisation=org, day=day - dt.timedelta(days=1))
    assert (
        s["contacts"]["total"] == 0 and s["complaints"] == [] and s["reservations"]["taken"] == []
    )


def test_the_weekly_summary_counts_complaints_causes_and_repeats(day, org):
    s = selectors.weekly_complaint_summary(organisation=org, start=day)
    assert s["total"] == 1 and s["open"] == 1
    assert s["complaint_contacts"] == 2 and s["repeat_contacts"] == 1
    assert s["causes"][0]["count"] == 1
    assert s["cases"][0]["description"] == "送货晚了"


def test_the_workbook_has_one_sheet_per_section(day, org):
    from io import BytesIO

    from openpyxl import load_workbook

    data = reports.workbook(
        reports.daily_sections(selectors.daily_summary(organisation=org, day=day))
    )
    wb = load_workbook(BytesIO(data))
    assert len(wb.sheetnames) == 4
    reservations = wb.worksheets[3]
    assert reservations.cell(2, 2).value == "张伟" and float(reservations.cell(2, 4).value) == 300.0


def test_the_job_sends_each_summary_once_to_the_configured_recipients(
    day, org, manager, django_capture_on_commit_callbacks
):
    now = timezone.now() + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        first = jobs.send_summaries(now)
    with django_capture_on_commit_callbacks(execute=True):
        second = jobs.send_summaries(now)
    assert first["sent"] >= 2 and second["sent"] == 0
    assert SummarySend.objects.filter(organisation=org).count() == 2
    mine = [m for m in mail.outbox if "li@example.com" in m.to]
    assert len(mine) == 2
    assert all(m.attachments and m.attachments[0][0].endswith(".xlsx") for m in mine)


def test_the_summary_page_api_and_excel(client, api, clerk, day):
    client.force_login(clerk)
    page = client.get("/frontdesk/summary/", {"day": day.isoformat()}).content.decode()
    assert "送货晚了" in page and "电水壶" in page and "餐桌" in page
    xlsx = client.get("/frontdesk/summary/export/", {"kind": "weekly", "week": day.isoformat()})
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    body = api.as_(clerk).get("/api/v1/desk-summaries/daily/", day=day.isoformat()).json()
    assert body["contacts"]["total"] == 4
    assert api.get("/api/v1/desk-summaries/daily/", day="x").status_code == 400


def test_warnings_are_counted_per_person_per_month(clerk, colleague, log):
    log(answer="我不知道")
    log(answer="你自己解决")
    log(by=colleague, answer="我不知道")
    rows = selectors.language_report(user=clerk, month=timezone.localdate())
    assert [(r["name"], r["warnings"]) for r in rows] == [("王客服", 2), ("刘客服", 1)]
    assert Contact.objects.count() == 3 and Reservation.objects.count() == 0
