"""Scoring as configuration: weights, tiers, bonus table and targets, replaced as a whole;
bad input is a 400 with the field named and nothing written."""

from decimal import Decimal

import pytest

from shouhou.performance import services
from shouhou.performance.models import RATES, BonusStep, ScoreTier, ScoringSettings

pytestmark = pytest.mark.django_db
URL = "/api/v1/performance/settings/"


def payload(**override):
    data = {
        "weights": {
            "not_contacted": "20",
            "not_on_time": "10",
            "not_satisfied": "20",
            "complaint": "30",
            "missed": "20",
        },
        "below_score": "0",
        "tiers": {
            r: [
                {"lower": "0", "upper": "2", "score": "5"},
                {"lower": "2", "upper": "4", "score": "4"},
                {"lower": "4", "upper": "6" if r == "complaint" else "8", "score": "3"},
            ]
            for r in RATES
        },
        "bonus_table": [
            {"min_score": "4.5", "amount": "1200.00"},
            {"min_score": "3", "amount": "500.00"},
            {"min_score": "0", "amount": "0"},
        ],
        "targets": {"on_time": "92", "satisfaction": "88", "service_complaints": "2.5"},
    }
    data.update(override)
    return data


def _state(org):
    return (
        list(
            ScoreTier.all_objects.filter(organisation=org).values_list(
                "rate", "lower", "upper", "score"
            )
        ),
        list(BonusStep.all_objects.filter(organisation=org).values_list("min_score", "amount")),
        services.settings_for(org).weights(),
    )


def test_the_defaults_are_seed_001s_table(org):
    services.ensure_defaults(org)
    cfg = ScoringSettings.objects.get(organisation=org)
    assert [cfg.weights()[r] for r in RATES] == [20, 10, 20, 30, 20]
    assert (cfg.target_on_time, cfg.target_satisfaction, cfg.target_service_complaints) == (
        90,
        85,
        3,
    )
    complaint = ScoreTier.all_objects.filter(organisation=org, rate="complaint").order_by("lower")
    assert [(t.lower, t.upper, t.score) for t in complaint] == [(0, 2, 5), (2, 4, 4), (4, 6, 3)]
    assert ScoreTier.all_objects.filter(organisation=org).count() == 15


def test_a_manager_replaces_the_scoring_through_the_api(api, manager, org):
    resp = api.as_(manager).put(URL, payload())
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["bonus_table"][0] == {"min_score": "4.50", "amount": "1200.00"}
    assert body["targets"]["on_time"] == "92.00"
    assert services.settings_for(org).target_service_complaints == Decimal("2.50")


def test_weights_that_do_not_add_up_to_100_are_a_400_and_nothing_is_written(api, manager, org):
    services.ensure_defaults(org)
    before = _state(org)
    bad = payload(
        weights={
            "not_contacted": "20",
            "not_on_time": "10",
            "not_satisfied": "20",
            "complaint": "30",
            "missed": "25",
        }
    )
    resp = api.as_(manager).put(URL, bad)
    assert resp.status_code == 400
    err = resp.json()["error"]
    assert "weights" in err["fields"] and "105" in err["fields"]["weights"][0]
    assert _state(org) == before


@pytest.mark.parametrize(
    "tiers",
    [
        [{"lower": "0", "upper": "2", "score": "5"}, {"lower": "3", "upper": "6", "score": "3"}],
        [{"lower": "0", "upper": "4", "score": "5"}, {"lower": "2", "upper": "6", "score": "3"}],
    ],
    ids=["gap", "overlap"],
)
def test_gapped_or_overlapping_tiers_are_a_400_and_nothing_is_written(api, manager, org, tiers):
    services.ensure_defaults(org)
    before = _state(org)
    data = payload()
    data["tiers"]["complaint"] = tiers
    resp = api.as_(manager).put(URL, data)
    assert resp.status_code == 400
    assert list(resp.json()["error"]["fields"]) == ["tiers.complaint"]
    assert _state(org) == before


def test_only_the_cs_manager_vp_or_general_manager_change_the_scoring(api, make_user, org):
    for role in ("clerk", "store_manager", "finance"):
        resp = api.as_(make_user(role)).put(URL, payload())
        assert resp.status_code == 403, role


def test_office_roles_read_the_scoring(api, clerk):
    body = api.as_(clerk).get(URL).json()
    assert body["weights"]["complaint"] == "30.00"
    assert body["satisfied_from"] == 4


def test_a_new_scoring_applies_to_open_months_only(org, manager, tech):
    import datetime as dt

    from shouhou.performance import selectors

    from .factories import at, visited

    for i in range(10):
        visited(org, tech, at(2026, 5, 5) + dt.timedelta(hours=i), late_contact=i == 0)
        visited(org, tech, at(2026, 6, 5) + dt.timedelta(hours=i), late_contact=i == 0)
    services.month_close(by=manager, month="2026-05")
    data = payload(below_score="1")
    services.scoring_settings_update(by=manager, **data)
    may = selectors.month_view(user=manager, month="2026-05").rows[0]
    june = selectors.month_view(user=manager, month="2026-06").rows[0]
    # 10 % not contacted: above every tier → the "below" score: 0 when May closed, 1 now
    assert may.scores["not_contacted"] == 0 and june.scores["not_contacted"] == 1


def test_the_settings_page_shows_a_bad_weight_next_to_the_weights(client, manager, org):
    from shouhou.performance.forms import SettingsForm

    client.force_login(manager)
    page = client.get("/performance/settings/")
    assert page.status_code == 200
    data = SettingsForm.initial_from(services.settings_as_dict(org))
    data = {k: str(v) for k, v in data.items()}
    data["weight_missed"] = "10"
    resp = client.post("/performance/settings/", data)
    assert resp.status_code == 400
    html = resp.content.decode()
    assert 'id="weights-error"' in html and "90" in html
    assert services.settings_for(org).weight_missed == 20
    data["weight_missed"] = "20"
    data["tier_complaint_2_upper"] = "7"
    resp = client.post("/performance/settings/", data)
    assert resp.status_code == 302
    assert ScoreTier.all_objects.get(organisation=org, rate="complaint", lower=4).upper == 7
