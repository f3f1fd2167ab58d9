import datetime as dt

from shouhou.maintenance import jobs
from shouhou.maintenance.models import Asset, DutyItem, Plan, Visit
from shouhou.workorders.tests.factories import at


def test_creating_a_plan_through_the_api_reports_bad_fields_and_writes_nothing(
    api, supervisor, customer
):
    api.as_(supervisor)
    resp = api.post(
        "/api/v1/maintenance/plans/",
        {"customer": customer.pk, "name": "热水器", "tasks": [], "accepted_on": "2026-01-12"},
    )
    assert resp.status_code == 400
    fields = resp.json()["error"]["fields"]
    assert "tasks" in fields and "team" in fields
    assert not Plan.all_objects.exists()
    assert not Asset.all_objects.exists()


def test_a_plan_created_through_the_api_is_listed(api, supervisor, customer, tech):
    api.as_(supervisor)
    resp = api.post(
        "/api/v1/maintenance/plans/",
        {
            "customer": customer.pk,
            "name": "热水器",
            "serial_no": "WH-1",
            "tasks": ["检查燃气管路"],
            "interval_months": 6,
            "accepted_on": "2026-01-12",
            "technician": tech.pk,
        },
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["next_due_on"] == "2026-07-13"
    listed = api.get("/api/v1/maintenance/plans/")
    assert [p["serial_no"] for p in listed.json()["results"]] == ["WH-1"]


def test_a_clerk_cannot_create_a_plan_through_the_api(api, clerk, customer):
    api.as_(clerk)
    resp = api.post(
        "/api/v1/maintenance/plans/",
        {"customer": customer.pk, "name": "x", "tasks": ["a"], "interval_months": 6},
    )
    assert resp.status_code == 403


def test_the_supervisors_board_and_the_technicians_steps_page_show(client, plan, supervisor, tech):
    jobs.plans(at(2026, 7, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    client.force_login(supervisor)
    board = client.get("/maintenance/")
    assert board.status_code == 200
    assert "中央空调机组" in board.content.decode()
    detail = client.get(f"/maintenance/plans/{plan.pk}/")
    assert detail.status_code == 200 and visit.order.number in detail.content.decode()
    client.force_login(tech.user)
    steps = client.get(f"/maintenance/orders/{visit.order_id}/steps/")
    assert steps.status_code == 200
    assert "检查压缩机" in steps.content.decode()
    mine = client.get("/maintenance/visits/mine/")
    assert visit.order.number in mine.content.decode()


def test_skipping_without_a_reason_shows_the_form_again(client, plan, supervisor):
    jobs.plans(at(2026, 7, 6, 8))
    visit = Visit.all_objects.get(plan=plan)
    client.force_login(supervisor)
    resp = client.post(
        f"/maintenance/plans/{plan.pk}/", {"action": "skip", "visit": visit.pk, "reason": ""}
    )
    assert resp.status_code == 400
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ORDERED


def test_a_person_ticks_a_duty_on_the_page(client, org, clerk):
    from django.utils import timezone

    from shouhou.maintenance import services

    services.duty_templates_install_defaults(organisation=org)
    jobs.duties(timezone.now())
    item = DutyItem.all_objects.filter(duty_list__user=clerk).first()
    client.force_login(clerk)
    assert client.get("/maintenance/duties/").status_code == 200
    resp = client.post(f"/maintenance/duties/items/{item.pk}/tick/", {"note": "好"})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.done_by == clerk and item.note == "好"
    assert client.get("/maintenance/duties/board/").status_code == 403
    _ = dt
