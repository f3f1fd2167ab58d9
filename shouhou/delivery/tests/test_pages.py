"""Pages: calendar (by day, by crew) and its Excel, a delivery's page and its actions, the
workshop queue, tasks, storage list, the crew's pages; errors re-render with status 400."""

import io

import pytest

from shouhou.delivery import jobs, services
from shouhou.delivery.models import Delivery, WorkshopRequest

from .conftest import START
from .factories import make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(sales, supervisor, crew, contract):
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-14")
    services.delivery_workshop_done(by=supervisor, delivery=d)
    return services.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A1")


def test_the_calendar_shows_the_days_runs_by_crew(client, supervisor, delivery):
    client.force_login(supervisor)
    resp = client.get("/delivery/?day=2026-09-14")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert delivery.contract.number in html and "刘师傅" in html


def test_the_excel_of_the_day_lists_each_run(client, sales, supervisor, delivery, store):
    from decimal import Decimal

    from openpyxl import load_workbook

    other_day = services.delivery_schedule(
        by=sales, contract=make_contract(sales, store), scheduled_date="2026-09-15"
    )
    client.force_login(supervisor)
    resp = client.get("/delivery/day.xlsx?day=2026-09-14")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.values)
    assert len(rows) == 2
    assert rows[1][0] == "刘师傅" and rows[1][2] == delivery.contract.number
    assert "****" in rows[1][4]  # phone masked
    assert other_day.contract.number not in [row[2] for row in rows]
    balance = ws.cell(2, 8)  # 4,000.00 of goods, 500.00 paid
    assert balance.data_type == "n" and Decimal(str(balance.value)) == Decimal("3500.00")
    assert balance.number_format == '"¥"#,##0.00'


def test_scheduling_page_creates_a_delivery_once(client, sales, contract):
    client.force_login(sales)
    assert client.get(f"/delivery/new/?contract={contract.pk}").status_code == 200
    data = {"contract": contract.pk, "scheduled_date": "2026-10-09", "idempotency_key": "x1"}
    first = client.post("/delivery/new/", data)
    assert first.status_code == 302
    assert client.post("/delivery/new/", data).status_code == 302
    assert Delivery.objects.count() == 1


def test_scheduling_page_shows_a_past_date_error_and_keeps_what_was_typed(client, sales, contract):
    client.force_login(sales)
    resp = client.post(
        "/delivery/new/",
        {"contract": contract.pk, "scheduled_date": "2026-09-01", "address": "新地址88号"},
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "新地址88号" in html
    assert Delivery.objects.count() == 0


def test_detail_page_and_an_action_error(client, supervisor, delivery):
    client.force_login(supervisor)
    assert client.get(f"/delivery/{delivery.pk}/").status_code == 200
    resp = client.post(f"/delivery/{delivery.pk}/reconfirm/", {})
    assert resp.status_code == 409


def test_workshop_queue_and_its_actions(client, sales, supervisor, workshop, store):
    contract = make_contract(sales, store)
    d = services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    req = services.workshop_request_create(by=supervisor, delivery=d, description="打蜡")
    client.force_login(workshop)
    resp = client.get("/delivery/workshop/")
    assert resp.status_code == 200 and "打蜡" in resp.content.decode()
    assert client.post(f"/delivery/workshop/{req.pk}/done/", {"note": "好了"}).status_code == 302
    client.force_login(supervisor)
    client.post(f"/delivery/workshop/{req.pk}/accept/")
    req.refresh_from_db()
    assert req.status == WorkshopRequest.Status.ACCEPTED


def test_tasks_and_storage_pages(client, supervisor, sales, delivery):
    jobs.daily(START)
    client.force_login(supervisor)
    assert client.get("/delivery/tasks/").status_code == 200
    assert client.get("/delivery/storage/").status_code == 200


def test_crew_pages(client, crew_user, delivery):
    client.force_login(crew_user)
    resp = client.get("/delivery/my-runs/")
    assert resp.status_code == 200 and delivery.customer.name in resp.content.decode()
    assert client.get(f"/delivery/{delivery.pk}/run/").status_code == 200
    # A signature before loading: refused on the page, nothing written.
    resp = client.post(
        f"/delivery/{delivery.pk}/complete/",
        {"from": "run", "signature": "x", "signer_name": "张", "satisfaction": "5"},
    )
    assert resp.status_code == 409
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.WORKSHOP_DONE


def test_a_crew_member_cannot_open_the_calendar(client, crew_user, travel):
    client.force_login(crew_user)
    assert client.get("/delivery/").status_code == 403


def test_the_dashboard_shows_delivery_cards(client, supervisor, delivery):
    client.force_login(supervisor)
    assert client.get("/").status_code == 200


def test_the_calendar_filters_by_crew(client, supervisor, delivery, crew):
    client.force_login(supervisor)
    html = client.get(f"/delivery/?day=2026-09-14&crew={crew.pk}").content.decode()
    assert delivery.contract.number in html
    html = client.get("/delivery/?day=2026-09-14&crew=999999").content.decode()
    assert delivery.contract.number not in html


def test_the_scheduling_page_lists_contracts_without_a_delivery(client, sales, contract, store):
    client.force_login(sales)
    html = client.get("/delivery/new/").content.decode()
    assert contract.number in html
    services.delivery_schedule(by=sales, contract=contract, scheduled_date="2026-09-30")
    assert contract.number not in client.get("/delivery/new/").content.decode()


def test_the_excel_of_the_day_writes_text_not_formulas_and_money_as_a_number(
    client, supervisor, delivery
):
    from openpyxl import load_workbook

    from shouhou.core.exports import MONEY_FORMAT

    Delivery.all_objects.filter(pk=delivery.pk).update(address="=1+2 @evil")
    client.force_login(supervisor)
    resp = client.get("/delivery/day.xlsx?day=2026-09-14")
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws["F2"].value == "=1+2 @evil" and ws["F2"].data_type == "s"
    assert ws["H2"].data_type == "n" and ws["H2"].number_format == MONEY_FORMAT


def test_late_delivery_tasks_show_an_overdue_badge_and_filter(client, supervisor, delivery):
    import datetime as dt

    from django.utils import timezone

    from shouhou.delivery.models import DeliveryTask

    today = timezone.localdate()
    late, later = (
        DeliveryTask.all_objects.create(
            organisation=delivery.organisation,
            delivery=delivery,
            kind=DeliveryTask.Kind.RECONFIRM,
            role="cs_supervisor",
            due_on=today + dt.timedelta(days=days),
            key=f"test-{days}",
        )
        for days in (-2, 5)
    )
    client.force_login(supervisor)
    html = client.get("/delivery/tasks/").content.decode()
    row = html[html.index(f'id="dtask-{late.pk}"') :]
    assert 'class="badge err"' in row[: row.index("</tr>")]
    assert f'id="dtask-{later.pk}"' in html
    only = client.get("/delivery/tasks/?due=overdue").content.decode()
    assert f'id="dtask-{late.pk}"' in only and f'id="dtask-{later.pk}"' not in only
