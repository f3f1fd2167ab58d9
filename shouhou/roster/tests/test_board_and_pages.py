"""The board (page, htmx drop, API), areas, store visits and the calendar feed."""

import datetime as dt

import time_machine

from shouhou.roster import calendar_feed
from shouhou.roster import services as rs
from shouhou.roster.models import Appointment, StoreVisit
from shouhou.workorders import services as wo
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.tests.factories import at

from .helpers import new_order

MON = dt.date(2026, 3, 9)


def test_the_board_lists_reissued_orders_first_and_shows_the_booked_blocks(
    client, desk, tech, customer
):
    first = new_order(desk, customer)
    rs.board_dispatch(
        by=desk, order=first, technician=tech, starts_at=at(2026, 3, 9, 10), now=at(2026, 3, 9, 8)
    )
    waiting = new_order(desk, customer, kind="installation", description="装热水器")
    client.force_login(desk)
    resp = client.get("/roster/board/", {"day": "2026-03-09"})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert first.number in html and waiting.number in html
    assert f'data-slot data-technician="{tech.pk}"' in html
    week = client.get("/roster/board/", {"day": "2026-03-09", "view": "week"})
    assert week.status_code == 200 and first.number in week.content.decode()


def test_a_drop_on_the_board_dispatches_and_a_refused_drop_shows_the_reason(
    client, desk, tech, customer
):
    first = new_order(desk, customer)
    second = new_order(desk, customer, kind="installation", description="装热水器")
    client.force_login(desk)
    with time_machine.travel(at(2026, 3, 9, 8), tick=False):
        ok = client.post(
            "/roster/board/dispatch/",
            {
                "order": first.pk,
                "technician": tech.pk,
                "starts_at": "2026-03-09T10:00",
                "day": "2026-03-09",
            },
            headers={"HX-Request": "true"},
        )
        assert ok.status_code == 200 and "X-Roster-Refused" not in ok
        assert WorkOrder.objects.get(pk=first.pk).technician_id == tech.pk
        refused = client.post(
            "/roster/board/dispatch/",
            {
                "order": second.pk,
                "technician": tech.pk,
                "starts_at": "2026-03-09T11:00",
                "day": "2026-03-09",
            },
            headers={"HX-Request": "true"},
        )
    assert refused["X-Roster-Refused"] == "1"
    assert "data-refused" in refused.content.decode()
    assert first.number in refused.content.decode()
    assert WorkOrder.objects.get(pk=second.pk).technician_id is None


def test_the_board_api_dispatches_with_a_warning_when_the_limit_would_be_missed(
    api, desk, tech, customer
):
    order = new_order(desk, customer)
    with time_machine.travel(at(2026, 3, 9, 8), tick=False):
        resp = api.as_(desk).post(
            "/api/v1/roster-board/dispatch/",
            {"order": order.pk, "technician": tech.pk, "starts_at": "2026-03-13T10:00:00+08:00"},
        )
        assert resp.status_code == 200, resp.content
        assert resp.json()["warnings"]
        board = api.get("/api/v1/roster-board/", day="2026-03-13")
    assert board.status_code == 200
    row = next(r for r in board.json()["rows"] if r["technician"] == tech.pk)
    assert row["blocks"][0]["number"] == order.number and row["blocks"][0]["late"]


def test_a_technician_may_not_use_the_board(api, tech, desk, customer):
    order = new_order(desk, customer)
    resp = api.as_(tech.user).post(
        "/api/v1/roster-board/dispatch/",
        {"order": order.pk, "technician": tech.pk, "starts_at": "2026-03-13T10:00:00+08:00"},
    )
    assert resp.status_code == 403
    assert not Appointment.objects.exists()


def test_week_entry_copy_last_week_and_pattern_through_the_api(api, supervisor, tech):
    api.as_(supervisor)
    days = [{"kind": "working"}] * 6 + [{"kind": "off"}]
    resp = api.post(
        "/api/v1/roster-shifts/week/", {"staff": tech.pk, "week": "2026-03-02", "days": days}
    )
    assert resp.status_code == 200, resp.content
    resp = api.post("/api/v1/roster-shifts/copy-last-week/", {"week": "2026-03-09"})
    assert resp.json() == {"written": 7}
    listed = api.get("/api/v1/roster-shifts/", date_from="2026-03-09", date_to="2026-03-15")
    assert [s["kind"] for s in listed.json()["results"]] == ["working"] * 6 + ["off"]
    bad = api.post(
        "/api/v1/roster-shifts/pattern/",
        {"staff": tech.pk, "first_day": "2026-03-16", "days": 14, "pattern": "随便"},
    )
    assert bad.status_code == 400 and "pattern" in bad.json()["error"]["fields"]
    ok = api.post(
        "/api/v1/roster-shifts/pattern/",
        {"staff": tech.pk, "first_day": "2026-03-16", "days": 14, "pattern": "做六休一"},
    )
    assert ok.json() == {"written": 14}


def test_leave_through_the_api_a_technician_asks_the_supervisor_approves(api, supervisor, tech):
    resp = api.as_(tech.user).post(
        "/api/v1/roster-leave/",
        {"first_day": "2026-03-10", "last_day": "2026-03-11", "reason": "回老家"},
    )
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    twice = api.post(
        "/api/v1/roster-leave/",
        {"first_day": "2026-03-11", "last_day": "2026-03-12", "reason": "又一次"},
    )
    assert twice.status_code == 409
    assert api.post(f"/api/v1/roster-leave/{pk}/approve/").status_code == 403
    done = api.as_(supervisor).post(f"/api/v1/roster-leave/{pk}/approve/")
    assert done.status_code == 200 and done.json()["status"] == "approved"


def test_store_visits_are_planned_once_checked_off_and_missing_ones_listed(
    api, supervisor, tech, store, org
):
    tech.store = store
    tech.save()
    api.as_(supervisor)
    assert api.post("/api/v1/roster-store-visits/plan/", {"week": "2026-03-09"}).json() == {
        "planned": 1
    }
    assert api.post("/api/v1/roster-store-visits/plan/", {"week": "2026-03-09"}).json() == {
        "planned": 0
    }
    visit = StoreVisit.objects.get()
    with time_machine.travel(at(2026, 3, 20, 9), tick=False):
        missing = api.get("/api/v1/roster-store-visits/missing/").json()["results"]
        assert [m["id"] for m in missing] == [visit.pk]
        done = api.as_(tech.user).post(
            f"/api/v1/roster-store-visits/{visit.pk}/done/", {"note": "学习新品"}
        )
        assert done.status_code == 200
        assert api.post(f"/api/v1/roster-store-visits/{visit.pk}/done/").status_code == 409
        assert (
            api.as_(supervisor).get("/api/v1/roster-store-visits/missing/").json()["results"] == []
        )


def test_the_calendar_feed_lists_the_technicians_appointments_on_a_signed_address(
    client, api, desk, tech, customer
):
    order = new_order(desk, customer)
    order = wo.workorder_dispatch(by=desk, order=order, technician=tech, now=at(2026, 3, 9, 10))
    wo.workorder_appoint(
        by=tech.user, order=order, appointment_at=at(2026, 3, 10, 14), now=at(2026, 3, 9, 11)
    )
    link = api.as_(tech.user).get(f"/api/v1/roster-calendar-links/{tech.pk}/").json()["url"]
    path = link.split("testserver", 1)[1]
    client.logout()
    with time_machine.travel(at(2026, 3, 9, 12), tick=False):
        resp = client.get(path)
    assert resp.status_code == 200
    body = resp.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "DTSTART:20260310T060000Z" in body
    assert order.number in body
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    assert calendar_feed.read_token("nonsense") is None


def test_an_outsider_gets_404_for_an_order_appointment_and_a_leave(
    client, api, outsider, desk, tech, customer
):
    order = new_order(desk, customer)
    client.force_login(outsider)
    assert client.get(f"/roster/orders/{order.pk}/").status_code == 404
    leave = rs.leave_request(by=tech.user, staff=tech, first_day=MON, last_day=MON, reason="事假")
    assert api.as_(outsider).get(f"/api/v1/roster-leave/{leave.pk}/").status_code == 404


def test_every_page_opens_for_the_supervisor(client, supervisor, desk, tech, customer, store):
    order = new_order(desk, customer)
    area = rs.area_save(
        by=supervisor, store=store, name="东区", districts=["朝阳区"], technicians=[tech]
    )
    client.force_login(supervisor)
    for url in [
        "/roster/",
        "/roster/leave/",
        "/roster/areas/",
        f"/roster/areas/{area.pk}/",
        "/roster/visits/",
        f"/roster/orders/{order.pk}/",
        "/roster/board/",
    ]:
        assert client.get(url).status_code == 200, url
    resp = client.post("/roster/areas/", {"store": store.pk, "name": "", "districts": "海淀区"})
    assert resp.status_code == 400


def test_workload_counts_appointments_per_technician_per_day(api, desk, tech, customer):
    order = new_order(desk, customer)
    rs.board_dispatch(
        by=desk, order=order, technician=tech, starts_at=at(2026, 3, 10, 9), now=at(2026, 3, 9, 8)
    )
    resp = api.as_(desk).get(
        "/api/v1/roster-board/workload/", date_from="2026-03-09", date_to="2026-03-15"
    )
    assert resp.status_code == 200
    row = next(r for r in resp.json()["rows"] if r["technician"] == tech.pk)
    assert row["days"] == {"2026-03-10": 1} and row["total"] == 1


def test_a_reissued_order_comes_back_to_the_side_list_first(desk, make_user, tech, customer, org):
    from shouhou.roster import selectors

    call_centre = make_user("call_centre")
    plain = new_order(desk, customer, description="门锁坏了", kind="installation")
    order = new_order(desk, customer)
    rs.board_dispatch(
        by=desk, order=order, technician=tech, starts_at=at(2026, 3, 9, 10), now=at(2026, 3, 9, 8)
    )
    assert [o.pk for o in selectors.unassigned_orders()] == [plain.pk]
    wo.workorder_reissue(by=call_centre, order=order, note="师傅没来", now=at(2026, 3, 9, 12))
    assert [o.pk for o in selectors.unassigned_orders()] == [order.pk, plain.pk]
