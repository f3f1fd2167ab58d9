"""The work-order list says what is late (issue 22.3): the next due time, the remaining working
time and a badge; due filters and the due sort over the cursor; saved filters; bulk assign,
print and the Excel export of exactly what is filtered; the same in the API."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from shouhou.core.models import AuditEvent, SavedFilter
from shouhou.workorders import due as due_
from shouhou.workorders import services as s
from shouhou.workorders import states, views_list
from shouhou.workorders.models import WorkOrder

from .factories import at, make_customer, make_technician

pytestmark = pytest.mark.django_db
URL = "/api/v1/workorders/"
_numbers = itertools.count()
HOUR = dt.timedelta(hours=1)


def _order(org, *, status=states.DISPATCHED, customer=None, **fields) -> WorkOrder:
    now = timezone.now()
    values = {
        "organisation": org,
        "number": f"D{next(_numbers):05d}",
        "kind": "repair",
        "source": "hotline",
        "status": status,
        "customer": customer or make_customer(org),
        "received_at": now - 5 * HOUR,
        **fields,
    }
    order = WorkOrder.all_objects.create(**values)
    order.refresh_from_db()
    return order


def _ids(rows) -> list[int]:
    return [r["id"] for r in rows]


# next_due_at: the earliest limit still open ------------------------------------------------------
def test_next_due_is_the_earliest_time_limit_still_open(org):
    t = timezone.now()
    order = _order(
        org,
        contact_due_at=t + HOUR,
        onsite_due_at=t + 3 * HOUR,
        reply_due_at=t + 2 * HOUR,
        fixed_due_at=t + 9 * HOUR,
    )
    assert order.next_due_at == t + HOUR and due_.next_due_field(order) == "contact_due_at"
    WorkOrder.all_objects.filter(pk=order.pk).update(contacted_at=t, replied_at=t)
    order.refresh_from_db()
    assert order.next_due_at == t + 3 * HOUR and due_.next_due_field(order) == "onsite_due_at"
    WorkOrder.all_objects.filter(pk=order.pk).update(arrived_at=t)
    order.refresh_from_db()
    assert order.next_due_at == t + 9 * HOUR
    WorkOrder.all_objects.filter(pk=order.pk).update(status=states.DONE, completed_at=t)
    order.refresh_from_db()
    assert order.next_due_at is None


def test_an_unreachable_customer_is_due_to_be_reported_until_the_reason_is_written(org):
    t = timezone.now()
    order = _order(
        org,
        contacted_at=t,
        fixed_due_at=t + 9 * HOUR,
        unreachable_since=t - HOUR,
        unreachable_report_due_at=t + HOUR,
    )
    assert order.next_due_at == t + HOUR
    assert due_.next_due_field(order) == "unreachable_report_due_at"
    WorkOrder.all_objects.filter(pk=order.pk).update(unreachable_reason="电话停机")
    order.refresh_from_db()
    assert order.next_due_at == t + 9 * HOUR


def test_an_order_with_no_limit_or_a_resolved_one_has_nothing_due(org):
    t = timezone.now()
    assert _order(org, status=states.NEW).next_due_at is None
    assert _order(org, status=states.CANCELLED, contact_due_at=t - HOUR).next_due_at is None


def test_the_services_keep_next_due_in_step_with_the_limits(desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    order = s.workorder_dispatch(by=desk, order=order, technician=tech)
    limits = [order.contact_due_at, order.reply_due_at, order.onsite_due_at, order.fixed_due_at]
    assert order.next_due_at == min(x for x in limits if x is not None)


# The list page -------------------------------------------------------------------------------------
def _row_html(html: str, number: str) -> str:
    start = html.index(f">{number}</a>")
    return html[start : html.index("</tr>", start)]


def test_order_past_its_visit_deadline_shows_overdue_badge(client, desk, org):
    t = timezone.now()
    late = _order(org, contacted_at=t - 4 * HOUR, onsite_due_at=t - HOUR)
    fine = _order(org, onsite_due_at=t + 30 * 24 * HOUR)
    client.force_login(desk)
    html = client.get("/workorders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = _row_html(html, late.number)
    assert 'class="badge err">' in row and "On site" in row and "late" in row
    assert 'class="badge err">' not in _row_html(html, fine.number)
    local = timezone.localtime(late.next_due_at).strftime("%m-%d %H:%M")
    assert local in row  # shown in Asia/Shanghai time


def test_order_due_within_the_due_soon_hours_shows_due_soon_badge(client, desk, org):
    from shouhou.workdays.services import calendar_for

    now = timezone.now()
    soon = calendar_for(org).add_working_hours(now, 1)
    order = _order(org, contact_due_at=soon)
    client.force_login(desk)
    html = client.get("/workorders/").content.decode()
    assert 'class="badge warn">' in _row_html(html, order.number)


def test_remaining_time_counts_working_hours_only(org):
    # Friday 17:00 → Monday 10:00 with 09:00-18:00 office hours: 1 h + 1 h of working time.
    friday = at(2026, 3, 13, 17, 0)
    order = _order(org, contact_due_at=at(2026, 3, 16, 10, 0))
    with translation.override("en"):
        info = due_.DueReader(now=friday).info(order)
        # 2 working hours, within the default 4 working hours of "due soon"
        assert info.left == "2 h 0 min left" and info.state == due_.SOON
        late = due_.DueReader(now=at(2026, 3, 17, 10, 0)).info(order)
    assert late.state == due_.OVERDUE and late.left == "1 working days 0 h late"


def test_the_list_page_with_due_filters_costs_a_fixed_number_of_queries(
    client, desk, org, django_assert_max_num_queries
):
    t = timezone.now()
    for i in range(30):
        _order(org, contact_due_at=t + (i - 15) * HOUR, fixed_due_at=t + 48 * HOUR)
    SavedFilter.all_objects.create(
        organisation=org, user=desk, list_key="workorders", name="逾期", query="due=overdue"
    )
    client.force_login(desk)
    client.get("/workorders/")  # creates the settings row, loads the calendar
    # session, user, roles, the page of orders, the saved filters, the customers' requests;
    # + the settings row (cached once committed: never inside a test's transaction).
    for url in ("/workorders/?due=overdue&sort=due", "/workorders/?due=soon", "/workorders/"):
        with django_assert_max_num_queries(7):
            r = client.get(url)
        assert r.status_code == 200, url


def test_the_filters_stay_in_the_url_and_in_the_form(client, desk, org):
    client.force_login(desk)
    html = client.get("/workorders/?due=today&sort=due&status=unresolved").content.decode()
    assert '<option value="today" selected>' in html
    assert '<option value="due" selected>' in html
    assert "/workorders/export.xlsx?status=unresolved&amp;due=today&amp;sort=due" in html


def test_an_unknown_filter_value_in_the_url_is_ignored_on_the_page(client, desk, org):
    order = _order(org)
    client.force_login(desk)
    r = client.get("/workorders/?due=yesterday&sort=sideways")
    assert r.status_code == 200 and order.number in r.content.decode()


# Due filters and sort (API and selector) ---------------------------------------------------------
def test_due_filters_select_overdue_today_and_soon(api, desk, org):
    from shouhou.workdays.services import calendar_for

    now = timezone.now()
    cal = calendar_for(org)
    overdue = _order(org, contact_due_at=now - HOUR)
    soon = _order(org, contact_due_at=cal.add_working_hours(now, 1))
    later = _order(org, contact_due_at=now + 40 * 24 * HOUR)
    _order(org, status=states.CLOSED, contact_due_at=now - HOUR)
    api.as_(desk)
    assert _ids(api.get(URL, due="overdue").json()["results"]) == [overdue.pk]
    assert _ids(api.get(URL, due="soon").json()["results"]) == [soon.pk]
    today = set(_ids(api.get(URL, due="today").json()["results"]))
    assert overdue.pk not in today and later.pk not in today
    assert (soon.pk in today) == (soon.next_due_at < due_.end_of_today(now))
    assert api.get(URL, due="late").status_code == 400
    assert api.get(URL, sort="sideways").status_code == 400


def test_sort_by_due_pages_with_the_cursor_over_every_open_order_once(api, desk, org):
    t = timezone.now().replace(microsecond=0)
    made = [_order(org, contact_due_at=t + (i % 4) * HOUR) for i in range(9)]  # ties: by id
    _order(org, status=states.NEW)  # nothing due: not in the due order
    api.as_(desk)
    rows, body = [], api.get(URL, sort="due", page_size=2).json()
    while True:
        rows += body["results"]
        if not body["next"]:
            break
        body = api.client.get(body["next"]).json()
    expected = sorted(made, key=lambda o: (o.next_due_at, o.pk))
    assert _ids(rows) == [o.pk for o in expected]
    assert rows[0]["next_due_at"] is not None and rows[0]["next_due"] == "contact"


def test_the_html_list_sorted_by_due_follows_its_cursor(client, desk, org):
    t = timezone.now()
    orders = [_order(org, contact_due_at=t + i * HOUR) for i in range(55)]
    client.force_login(desk)
    first = client.get("/workorders/?sort=due").content.decode()
    assert orders[0].number in first and orders[54].number not in first
    import re

    nxt = re.search(r'href="([^"]*cursor=[^"]*)"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).content.decode()
    assert orders[54].number in second and orders[0].number not in second


def test_the_api_detail_names_the_next_limit(api, desk, org):
    t = timezone.now()
    order = _order(org, contacted_at=t, onsite_due_at=t + HOUR, contact_due_at=t - HOUR)
    body = api.as_(desk).get(f"{URL}{order.pk}/").json()
    assert body["next_due"] == "onsite"
    assert body["next_due_at"].startswith(timezone.localtime(t + HOUR).strftime("%Y-%m-%dT%H"))


# Saved filters ---------------------------------------------------------------------------------------
def test_saving_the_filters_makes_a_link_that_opens_them(client, desk, org):
    client.force_login(desk)
    r = client.post(
        "/workorders/filters/",
        {"name": "今天到期", "due": "today", "sort": "due", "cursor": "abc", "bogus": "1"},
    )
    assert r.status_code == 302 and r["Location"] == "/workorders/?due=today&sort=due"
    saved = SavedFilter.all_objects.get(user=desk)
    assert (saved.list_key, saved.name, saved.query) == (
        "workorders",
        "今天到期",
        "due=today&sort=due",
    )
    html = client.get("/workorders/").content.decode()
    assert 'href="/workorders/?due=today&amp;sort=due"' in html and "今天到期" in html
    assert AuditEvent.all_objects.filter(action="shouhou.saved_filter.created").count() == 1


def test_saving_twice_under_one_name_keeps_one_filter(client, desk, org):
    client.force_login(desk)
    client.post("/workorders/filters/", {"name": "我的", "due": "today"})
    client.post("/workorders/filters/", {"name": "我的", "due": "overdue"})
    assert list(SavedFilter.all_objects.values_list("query", flat=True)) == ["due=overdue"]


def test_a_saved_filter_without_a_name_is_not_saved(client, desk, org):
    client.force_login(desk)
    r = client.post("/workorders/filters/", {"name": " ", "due": "today"}, follow=True)
    assert SavedFilter.all_objects.count() == 0 and r.status_code == 200


def test_deleting_a_saved_filter_is_audited(client, desk, org):
    saved = SavedFilter.all_objects.create(
        organisation=org, user=desk, list_key="workorders", name="x", query="due=soon"
    )
    client.force_login(desk)
    assert client.post(f"/workorders/filters/{saved.pk}/delete/").status_code == 302
    assert not SavedFilter.all_objects.exists()
    assert AuditEvent.all_objects.filter(action="shouhou.saved_filter.deleted").count() == 1


def test_another_organisations_saved_filter_is_a_404(client, outsider, desk, org):
    saved = SavedFilter.all_objects.create(
        organisation=org, user=desk, list_key="workorders", name="x", query="due=soon"
    )
    client.force_login(outsider)
    assert client.post(f"/workorders/filters/{saved.pk}/delete/").status_code == 404
    assert SavedFilter.all_objects.filter(pk=saved.pk).exists()


def test_a_colleagues_saved_filter_is_a_404_and_not_listed(client, make_user, desk, org):
    saved = SavedFilter.all_objects.create(
        organisation=org, user=desk, list_key="workorders", name="李的筛选", query="due=soon"
    )
    colleague = make_user("service_desk")
    client.force_login(colleague)
    assert "李的筛选" not in client.get("/workorders/").content.decode()
    assert client.post(f"/workorders/filters/{saved.pk}/delete/").status_code == 404


# Bulk actions --------------------------------------------------------------------------------------
def test_bulk_assign_reports_orders_it_could_not_assign(client, desk, tech, org):
    new = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    other_tech = make_technician(org)
    assigned = s.workorder_dispatch(
        by=desk,
        order=s.workorder_intake(
            by=desk, source="hotline", kind="repair", customer=make_customer(org)
        ).order,
        technician=other_tech,
    )
    closed = _order(org, status=states.CLOSED)
    client.force_login(desk)
    ids = [new.pk, assigned.pk, closed.pk]
    confirm = client.post("/workorders/bulk/", {"action": "assign", "ids": ids})
    assert confirm.status_code == 200 and closed.number in confirm.content.decode()
    r = client.post(
        "/workorders/bulk/",
        {"action": "assign", "ids": ids, "technician": tech.pk, "idempotency_key": "k1"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    new.refresh_from_db()
    assigned.refresh_from_db()
    closed.refresh_from_db()
    assert new.technician_id == tech.pk and new.status == states.DISPATCHED
    assert assigned.technician_id == tech.pk
    assert closed.technician_id is None and closed.status == states.CLOSED
    failed = html[html.index('class="responsive failed"') :]
    assert closed.number in failed and new.number not in failed


def test_bulk_assign_replayed_with_the_same_key_assigns_once(client, desk, tech, org):
    order = s.workorder_intake(
        by=desk, source="hotline", kind="repair", customer=make_customer(org)
    ).order
    client.force_login(desk)
    data = {"action": "assign", "ids": [order.pk], "technician": tech.pk, "idempotency_key": "k"}
    assert client.post("/workorders/bulk/", data).status_code == 200
    assert client.post("/workorders/bulk/", data).status_code == 200
    order.refresh_from_db()
    assert order.dispatch_seq == 1


def test_bulk_assign_needs_a_dispatch_role(client, make_user, tech, org):
    order = _order(org, status=states.NEW)
    finance = make_user("finance")
    client.force_login(finance)
    data = {"action": "assign", "ids": [order.pk], "technician": tech.pk, "idempotency_key": "k"}
    assert client.post("/workorders/bulk/", data).status_code == 403
    order.refresh_from_db()
    assert order.technician_id is None


def test_bulk_actions_leave_out_orders_the_user_may_not_see(client, desk, org, other_org):
    mine = _order(org)
    theirs = _order(other_org, customer=make_customer(other_org))
    client.force_login(desk)
    r = client.post("/workorders/bulk/", {"action": "print", "ids": [mine.pk, theirs.pk]})
    html = r.content.decode()
    assert r.status_code == 200 and mine.number in html and theirs.number not in html


def test_bulk_with_nothing_selected_says_so(client, desk, org):
    client.force_login(desk)
    assert client.post("/workorders/bulk/", {"action": "print"}).status_code == 400


def test_the_print_page_has_one_sheet_per_selected_order(client, desk, org):
    orders = [_order(org, description=f"故障{i}") for i in range(3)]
    client.force_login(desk)
    r = client.post("/workorders/bulk/", {"action": "print", "ids": [o.pk for o in orders[:2]]})
    html = r.content.decode()
    assert html.count('class="sheet"') == 2 and orders[2].number not in html


# Excel --------------------------------------------------------------------------------------------
def _sheet(resp) -> list[tuple]:
    assert resp.status_code == 200 and resp.content[:2] == b"PK"
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_export_is_what_the_filter_shows(client, desk, org):
    t = timezone.now()
    late = [_order(org, contact_due_at=t - i * HOUR - HOUR) for i in range(3)]
    _order(org, contact_due_at=t + 30 * 24 * HOUR)
    _order(org, status=states.NEW)
    client.force_login(desk)
    rows = _sheet(
        client.get("/workorders/export.xlsx?due=overdue&sort=due", HTTP_ACCEPT_LANGUAGE="en")
    )
    assert rows[0][0] == "Order"
    assert [r[0] for r in rows[1:]] == [o.number for o in reversed(late)]
    assert all(r[10] == "Yes" for r in rows[1:])
    shown = client.get("/workorders/?due=overdue&sort=due").content.decode()
    assert all(o.number in shown for o in late)


def test_export_is_cut_at_its_limit_with_a_message(client, desk, org, monkeypatch):
    monkeypatch.setattr(views_list, "EXPORT_MAX", 2)
    for _i in range(3):
        _order(org)
    client.force_login(desk)
    resp = client.get("/workorders/export.xlsx", HTTP_ACCEPT_LANGUAGE="en")
    rows = _sheet(resp)
    assert resp["X-Export-Cut"] == "2" and rows[0][0].startswith("Only the first 2 orders")
    assert len(rows) == 2 + 2  # the message, the header, two orders


def test_exporting_the_selected_rows(client, desk, org):
    orders = [_order(org) for _i in range(3)]
    client.force_login(desk)
    resp = client.post("/workorders/bulk/", {"action": "export", "ids": [orders[1].pk]})
    assert [r[0] for r in _sheet(resp)[1:]] == [orders[1].number]


def test_export_needs_a_list_reader(client, make_user, org):
    client.force_login(make_user("security"))
    assert client.get("/workorders/export.xlsx").status_code == 403


# Shared helpers skip the generated column -------------------------------------------------------
def test_audit_snapshots_and_insert_select_leave_out_the_generated_column(org):
    from django.utils import timezone as tz

    from shouhou.core.audit import snapshot
    from shouhou.core.bulk import insert_select_columns

    order = _order(org, contact_due_at=tz.now())
    assert "next_due_at" not in snapshot(order)
    exprs = {
        "organisation_id": ("%s", [org.pk]),
        "customer_id": ("%s", [order.customer_id]),
        "received_at": ("%s", [tz.now()]),
    }
    cols, _sql, _params = insert_select_columns(WorkOrder, exprs, now=tz.now())
    assert not any("next_due_at" in c for c in cols)


def test_a_limit_passed_outside_office_hours_has_lost_no_working_time_yet(org):
    # due Saturday 10:00, seen Sunday 12:00: overdue, but no working time has been lost
    order = _order(org, contact_due_at=at(2026, 3, 14, 10, 0))
    with translation.override("en"):
        info = due_.DueReader(now=at(2026, 3, 15, 12, 0)).info(order)
        assert info.state == due_.OVERDUE and info.left == "late, no working time lost yet"
        # a clock limit at 22:00 seen at 20:00: due soon, outside working hours
        evening = _order(org, contact_due_at=at(2026, 3, 16, 22, 0))
        soon = due_.DueReader(now=at(2026, 3, 16, 20, 0)).info(evening)
    assert soon.state == due_.SOON and soon.left == "due outside working hours"
