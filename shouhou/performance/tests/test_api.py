"""The API: ranking, one technician's month, the drill-down, close / re-open, exclusions with
an Idempotency-Key, targets — and who sees what."""

import datetime as dt

import pytest

from shouhou.performance.models import Exclusion, MonthClose

from .factories import at, callback, complaint, make_technician, visited

pytestmark = pytest.mark.django_db


@pytest.fixture
def june(org, tech, tech2, merchant, store):
    tech2.merchant = merchant
    tech2.save(update_fields=["merchant"])
    d = at(2026, 6, 10)
    for i in range(10):
        o = visited(org, tech, d + dt.timedelta(hours=i), store=store, late_onsite=i < 1)
        if i == 2:
            complaint(o, number="TS-J1", responsibility="workmanship")
    for i in range(5):
        o = visited(org, tech2, d + dt.timedelta(hours=i), store=store)
        if i == 0:
            callback(o, satisfaction=1)
    return d


def test_the_ranking_lists_every_technician_of_the_organisation_by_total(
    api, clerk, june, tech, tech2
):
    body = api.as_(clerk).get("/api/v1/performance/ranking/", month="2026-06").json()
    assert body["status"] == "open" and body["computed"] == "live"
    rows = {r["technician"]: r for r in body["rows"]}
    assert set(rows) == {tech.pk, tech2.pk}
    t = rows[tech.pk]
    assert t["base"] == 10 and t["counts"]["not_on_time"] == 1 and t["counts"]["complaint"] == 1
    assert t["rates"]["complaint"] == "10.0000" and t["scores"]["complaint"] == "0.00"
    # tech: 5,0(10 % late),5,0,5 → 1+0+1+0+1 = 3.00; tech2: 20 % unsatisfied → 0 → 4.00
    assert t["total"] == "3.00" and rows[tech2.pk]["total"] == "4.00"
    assert [r["technician"] for r in body["rows"]] == [tech2.pk, tech.pk]
    assert body["rows"][0]["rank"] == 1


def test_a_bad_month_is_a_400_naming_the_field(api, clerk):
    resp = api.as_(clerk).get("/api/v1/performance/ranking/", month="2026/6")
    assert resp.status_code == 400 and "month" in resp.json()["error"]["fields"]


def test_a_technician_sees_only_their_own_figures(api, june, tech, tech2):
    me = api.as_(tech.user)
    rows = me.get("/api/v1/performance/ranking/", month="2026-06").json()["rows"]
    assert [r["technician"] for r in rows] == [tech.pk]
    assert me.get(f"/api/v1/performance/technicians/{tech.pk}/", month="2026-06").status_code == 200
    assert (
        me.get(f"/api/v1/performance/technicians/{tech2.pk}/", month="2026-06").status_code == 404
    )
    resp = me.get(f"/api/v1/performance/technicians/{tech2.pk}/orders/", month="2026-06")
    assert resp.status_code == 404
    assert me.get("/api/v1/performance/targets/").status_code == 403


def test_a_merchant_administrator_sees_only_the_merchants_technicians(
    api, make_user, merchant, june, tech, tech2
):
    admin = make_user("merchant_admin", merchant=merchant)
    rows = api.as_(admin).get("/api/v1/performance/ranking/", month="2026-06").json()["rows"]
    assert [r["technician"] for r in rows] == [tech2.pk]
    assert api.get(f"/api/v1/performance/technicians/{tech.pk}/").status_code == 404


def test_another_organisation_sees_nothing_of_ours(api, outsider, june, tech):
    rows = api.as_(outsider).get("/api/v1/performance/ranking/", month="2026-06").json()["rows"]
    assert rows == []
    assert api.get(f"/api/v1/performance/technicians/{tech.pk}/").status_code == 404
    assert api.get(f"/api/v1/performance/technicians/{tech.pk}/orders/").status_code == 404


def test_the_drill_down_lists_the_orders_behind_a_rate(api, clerk, june, tech):
    url = f"/api/v1/performance/technicians/{tech.pk}/orders/"
    late = api.as_(clerk).get(url, month="2026-06", rate="not_on_time").json()
    assert len(late["orders"]) == 1 and late["orders"][0]["facts"]["not_on_time"]
    complained = api.get(url, month="2026-06", rate="complaint").json()["orders"]
    assert complained[0]["complaints"][0]["number"] == "TS-J1"
    assert len(api.get(url, month="2026-06", rate="base").json()["orders"]) == 10
    assert api.get(url, month="2026-06", rate="nonsense").status_code == 404


def test_close_and_reopen_through_the_api(api, manager, clerk, june):
    url = "/api/v1/performance/months/2026-06/"
    assert api.as_(clerk).post(url + "close/").status_code == 403
    resp = api.as_(manager).post(url + "close/")
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert resp.json()["computed"] == "frozen" and len(resp.json()["rows"]) == 2
    again = api.post(url + "close/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "month_closed"
    bad = api.post(url + "reopen/", {"reason": ""})
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    assert MonthClose.all_objects.get().is_closed
    ok = api.post(url + "reopen/", {"reason": "补录回访"})
    assert ok.status_code == 200 and ok.json()["status"] == "open"
    detail = api.get(url).json()
    assert [e["action"] for e in detail["events"]] == ["reopened", "closed"]
    months = api.get("/api/v1/performance/months/").json()
    assert months[0]["month"] >= "2026-06"


def test_an_exclusion_posted_twice_with_the_same_key_is_made_once(api, manager, june):
    from shouhou.complaints.models import Case

    case = Case.all_objects.get(number="TS-J1")
    data = {"kind": "complaint", "case": case.pk, "category": "malicious", "reason": "恶意投诉"}
    first = api.as_(manager).post(
        "/api/v1/performance/exclusions/", data, **{"Idempotency-Key": "ex-1"}
    )
    second = api.post("/api/v1/performance/exclusions/", data, **{"Idempotency-Key": "ex-1"})
    assert first.status_code == 201 and second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and first.json() == second.json()
    assert Exclusion.all_objects.count() == 1
    listed = api.get("/api/v1/performance/exclusions/", month="2026-06").json()["results"]
    assert [x["case_number"] for x in listed] == ["TS-J1"]
    revoked = api.post(
        f"/api/v1/performance/exclusions/{first.json()['id']}/revoke/", {"reason": "核实为服务问题"}
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


def test_an_exclusion_without_a_reason_is_a_400_and_after_close_a_409(api, manager, june):
    from shouhou.complaints.models import Case

    case = Case.all_objects.get(number="TS-J1")
    data = {"kind": "complaint", "case": case.pk, "category": "malicious", "reason": ""}
    resp = api.as_(manager).post(
        "/api/v1/performance/exclusions/", data, **{"Idempotency-Key": "ex-2"}
    )
    assert resp.status_code == 400 and "reason" in resp.json()["error"]["fields"]
    api.post("/api/v1/performance/months/2026-06/close/")
    data["reason"] = "恶意"
    resp = api.post("/api/v1/performance/exclusions/", data, **{"Idempotency-Key": "ex-3"})
    assert resp.status_code == 409
    assert not Exclusion.all_objects.exists()


def test_the_targets_per_store_and_organisation_with_a_trend(api, clerk, june, store):
    body = api.as_(clerk).get("/api/v1/performance/targets/", month="2026-06", months=3).json()
    assert body["targets"] == {
        "on_time": "90.00",
        "satisfaction": "85.00",
        "service_complaints": "3.00",
    }
    (row,) = body["current"]["stores"]
    assert row["store_id"] == store.pk and row["base"] == 15
    # 14 of 15 on time = 93.33 %; 0 of 1 rated satisfied; 1 of 15 service-caused = 6.67 %
    assert row["on_time_pct"] == "93.33" and row["on_time_ok"] is True
    assert row["satisfaction_pct"] == "0.00" and row["satisfaction_ok"] is False
    assert row["service_complaints_pct"] == "6.67" and row["service_complaints_ok"] is False
    assert [m["month"] for m in body["trend"]] == ["2026-04", "2026-05", "2026-06"]
    assert body["trend"][0]["total"]["base"] == 0


def test_anonymous_callers_get_nothing(client, june):
    assert client.get("/api/v1/performance/ranking/").status_code in (401, 403)
    assert client.get("/api/v1/performance/settings/").status_code in (401, 403)


def test_a_role_without_access_is_refused(api, make_user, june):
    keeper = make_user("warehouse_keeper")
    assert api.as_(keeper).get("/api/v1/performance/ranking/").status_code == 403
    assert api.get("/api/v1/performance/settings/").status_code == 403


def test_the_technician_detail_names_the_definitions(api, clerk, june, tech):
    body = api.as_(clerk).get(f"/api/v1/performance/technicians/{tech.pk}/", month="2026-06").json()
    assert body["row"]["base"] == 10 and "23:59" in body["definitions"]


def test_a_stranger_technician_of_another_organisation_is_not_found(api, clerk, other_org):
    stranger = make_technician(other_org)
    assert api.as_(clerk).get(f"/api/v1/performance/technicians/{stranger.pk}/").status_code == 404
