"""The API: real URLs, the error shape, and nothing written on error."""

import pytest

from shouhou.complaints.models import Case, Signature

pytestmark = pytest.mark.django_db

DECIDE = "/api/v1/promise-decisions/"
CASES = "/api/v1/cases/"


def decide(api, clerk, line, **kw):
    r = api.as_(clerk).post(DECIDE, {"contract_line": line.pk, **kw}, **{"Idempotency-Key": "d1"})
    assert r.status_code == 201, r.content
    return r.json()


def test_the_counter_decides_then_files_an_exchange_that_needs_the_vp(
    api, clerk, cs_manager, store_manager, vp, kettle, sold
):
    d = decide(api, clerk, sold(kettle), wanted="exchange")
    assert d["outcome"] == "exchange" and d["rule_code"] == "r6-no-installation"
    assert d["rule_version"] == 1 and d["explanation"]
    r = api.post(
        CASES,
        {"kind": "exchange", "decision": d["id"], "description": "漏水"},
        **{"Idempotency-Key": "c1"},
    )
    assert r.status_code == 201, r.content
    case = r.json()
    again = api.post(
        CASES,
        {"kind": "exchange", "decision": d["id"], "description": "漏水"},
        **{"Idempotency-Key": "c1"},
    )
    assert again.json()["id"] == case["id"] and Case.objects.count() == 1
    r = api.post(
        f"{CASES}{case['id']}/submit/", {"resolution": "换新补偿", "compensation": "2000.01"}
    )
    assert r.json()["route_roles"] == ["store_manager", "vp_operations"]
    r = api.as_(cs_manager).post(f"{CASES}{case['id']}/sign/", {})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "approver_required"
    assert "店长" in r.json()["error"]["message"]
    assert not Signature.objects.exists()
    assert api.as_(cs_manager).get(f"{CASES}approvals/").json() == []
    queue = api.as_(store_manager).get(f"{CASES}approvals/").json()
    assert [c["id"] for c in queue] == [case["id"]]
    assert queue[0]["signs_for"] == ["store_manager"]
    assert api.post(f"{CASES}{case['id']}/sign/", {}).status_code == 200
    r = api.as_(vp).post(f"{CASES}{case['id']}/sign/", {"note": "同意"})
    assert r.json()["status"] == "approved"
    r = api.as_(vp).post(f"{CASES}{case['id']}/sign/", {})
    assert r.status_code == 409
    api.as_(clerk).post(f"{CASES}{case['id']}/carry-out/")
    r = api.post(f"{CASES}{case['id']}/close/")
    assert r.json()["status"] == "done"


SIGNERS = [
    "clerk",
    "cs_supervisor",
    "cs_manager",
    "store_manager",
    "vp_operations",
    "general_manager",
]
BAND_1 = ["cs_manager", "store_manager"]
BAND_2 = ["store_manager", "vp_operations"]
BAND_3 = ["store_manager", "general_manager"]


@pytest.mark.parametrize(
    "amount,route,signs_for,alone",
    [
        (amount, BAND_1, [[], [], ["cs_manager"], BAND_1, BAND_1, BAND_1], "store_manager")
        for amount in ("1999.99", "2000.00")
    ]
    + [
        (amount, BAND_2, [[], [], [], ["store_manager"], BAND_2, BAND_2], "vp_operations")
        for amount in ("2000.01", "4999.99", "5000.00")
    ]
    + [
        (
            "5000.01",
            BAND_3,
            [[], [], [], ["store_manager"], ["store_manager"], BAND_3],
            "general_manager",
        )
    ],
)
def test_each_band_names_what_each_role_may_sign_and_who_alone_may_approve(
    api, clerk, make_user, kettle, sold, amount, route, signs_for, alone
):
    """signs_for == the whole route: that role alone may approve the case."""
    users = {code: make_user(code, display_name=code) for code in SIGNERS}
    d = decide(api, clerk, sold(kettle), wanted="exchange")
    case = api.post(
        CASES,
        {"kind": "exchange", "decision": d["id"], "description": "漏水"},
        **{"Idempotency-Key": "c1"},
    ).json()
    r = api.post(f"{CASES}{case['id']}/submit/", {"resolution": "补偿", "compensation": amount})
    assert r.json()["route_roles"] == route
    url = f"{CASES}{case['id']}/"
    assert [api.as_(users[code]).get(url).json()["signs_for"] for code in SIGNERS] == signs_for
    # the lowest role whose signature covers the whole route approves alone
    assert SIGNERS[[len(x) for x in signs_for].index(len(route))] == alone
    r = api.as_(users[alone]).post(f"{url}sign/", {})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert {sig["signed_by"] for sig in r.json()["signatures"]} == {users[alone].pk}
    assert [sig["role"] for sig in r.json()["signatures"]] == route


def test_an_amount_with_three_decimals_is_refused_with_the_field(api, clerk, kettle, sold):
    d = decide(api, clerk, sold(kettle), wanted="exchange")
    case = api.post(CASES, {"kind": "exchange", "decision": d["id"], "description": "x"}).json()
    r = api.post(f"{CASES}{case['id']}/submit/", {"resolution": "补偿", "compensation": "10.005"})
    assert r.status_code == 400 and "compensation" in r.json()["error"]["fields"]
    assert Case.objects.get().status == "registered"


def test_missing_receipt_is_refused_when_filing_a_return(api, clerk, kettle, sold):
    d = decide(api, clerk, sold(kettle), wanted="return", has_receipt=False)
    assert d["outcome"] != "return" and d["missing_documents"] == ["receipt"]
    r = api.post(CASES, {"kind": "return", "decision": d["id"], "description": "x"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_within_promises"
    assert not Case.objects.exists()


def test_cases_of_another_organisation_are_not_found(api, clerk, outsider, customer):
    r = api.as_(clerk).post(
        CASES, {"kind": "complaint", "customer": customer.pk, "description": "态度差"}
    )
    assert r.status_code == 201
    assert api.as_(outsider).get(f"{CASES}{r.json()['id']}/").status_code == 404
    assert api.get(f"{CASES}abc/").status_code == 404


def test_statistics_api_counts_the_month(api, clerk, customer):
    api.as_(clerk).post(
        CASES, {"kind": "complaint", "customer": customer.pk, "description": "态度差"}
    )
    body = api.get("/api/v1/complaint-statistics/").json()
    assert body["complaints"] == 1
    assert api.get("/api/v1/complaint-statistics/", month="2026-13").status_code == 400
