"""Scoring by hand-computed examples (seed 001's table, upper bounds inclusive)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from shouhou.performance import scoring
from shouhou.performance.models import DEFAULT_BONUS_STEPS, DEFAULT_TIERS, DEFAULT_WEIGHTS

D = Decimal


def scheme(**kw) -> scoring.Scheme:
    tiers = {rate: [scoring.Tier(*t) for t in DEFAULT_TIERS[rate]] for rate in scoring.RATES}
    return scoring.Scheme(
        weights=dict(DEFAULT_WEIGHTS.items()),
        tiers=tiers,
        below=kw.get("below", D("0")),
        bonus=tuple(DEFAULT_BONUS_STEPS),
    )


def score_of(rate: str, count: int, base: int, **kw) -> Decimal:
    s = scheme(**kw)
    return scoring.tier_score(Fraction(count, base), s.tiers[rate], s.below)


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [
        (0, 100, "5"),  # 0 % is in the first tier
        (2, 100, "5"),  # 2.00 % → 5 (≤ 2 %)
        (201, 10000, "4"),  # 2.01 % → 4
        (4, 100, "4"),  # 4.00 % → 4
        (401, 10000, "3"),  # 4.01 % → 3
        (8, 100, "3"),  # 8.00 % → 3
        (801, 10000, "0"),  # 8.01 % → the score below every tier (default 0)
        (1, 1, "0"),
    ],
)
def test_standard_tiers_have_inclusive_upper_bounds(count, base, expected):
    for rate in ("not_contacted", "not_on_time", "not_satisfied", "missed"):
        assert score_of(rate, count, base) == D(expected), (rate, count, base)


@pytest.mark.parametrize(
    ("count", "base", "expected"),
    [
        (2, 100, "5"),
        (201, 10000, "4"),
        (4, 100, "4"),
        (401, 10000, "3"),
        (6, 100, "3"),
        (601, 10000, "0"),
        (8, 100, "0"),
    ],
)
def test_complaints_score_three_only_up_to_six_percent(count, base, expected):
    assert score_of("complaint", count, base) == D(expected)


def test_a_rate_just_above_two_percent_is_not_rounded_into_the_first_tier():
    # 1 of 49 = 2.0408 %: above 2 %, scores 4 (no rounding before the comparison)
    assert score_of("missed", 1, 49) == D("4")
    assert scoring.rate_percent(1, 49) == D("2.0408")


def test_the_score_below_every_tier_is_the_organisations_setting():
    assert score_of("not_on_time", 9, 100, below=D("1")) == D("1")


def test_a_mix_of_scores_gives_a_weighted_non_integer_total():
    # scores 5, 5, 4, 4, 4 with weights 20/10/20/30/20 %: 1.0 + 0.5 + 0.8 + 1.2 + 0.8 = 4.3
    counts = {"not_contacted": 1, "not_on_time": 2, "not_satisfied": 3, "complaint": 3, "missed": 4}
    result = scoring.score(counts, 100, scheme())
    assert result.scores == {
        "not_contacted": D("5"),
        "not_on_time": D("5"),
        "not_satisfied": D("4"),
        "complaint": D("4"),
        "missed": D("4"),
    }
    assert result.total == D("4.30")
    # the default bonus table: ≥ 4.00 → 800.00
    assert result.bonus_base == D("800.00")


def test_a_technician_with_each_rate_at_a_tier_boundary():
    # base 50: 1 = 2 % → 5; 2 = 4 % → 4; 4 = 8 % → 3; complaints 3 = 6 % → 3; 0 % → 5
    counts = {"not_contacted": 1, "not_on_time": 2, "not_satisfied": 4, "complaint": 3, "missed": 0}
    result = scoring.score(counts, 50, scheme())
    assert [result.scores[k] for k in scoring.RATES] == [D("5"), D("4"), D("3"), D("3"), D("5")]
    assert [result.rates[k] for k in scoring.RATES] == [
        D("2.0000"),
        D("4.0000"),
        D("8.0000"),
        D("6.0000"),
        D("0.0000"),
    ]
    # 0.2×5 + 0.1×4 + 0.2×3 + 0.3×3 + 0.2×5 = 1 + 0.4 + 0.6 + 0.9 + 1 = 3.9
    assert result.total == D("3.90")
    assert result.bonus_base == D("600.00")  # ≥ 3.50


def test_the_total_is_rounded_half_up_to_two_decimals():
    weights = {
        "not_contacted": D("33.33"),
        "not_on_time": D("33.33"),
        "not_satisfied": D("33.34"),
        "complaint": D("0"),
        "missed": D("0"),
    }
    scores = {
        "not_contacted": D("5"),
        "not_on_time": D("4"),
        "not_satisfied": D("3"),
        "complaint": D("5"),
        "missed": D("5"),
    }
    # (166.65 + 133.32 + 100.02) / 100 = 3.9999 → 4.00
    assert scoring.weighted_total(scores, weights) == D("4.00")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("5.00", "1000.00"),
        ("4.50", "1000.00"),
        ("4.49", "800.00"),
        ("3.00", "400.00"),
        ("2.99", "0.00"),
        ("0.00", "0.00"),
    ],
)
def test_the_bonus_base_is_the_highest_step_reached(total, expected):
    assert scoring.bonus_for(D(total), DEFAULT_BONUS_STEPS) == D(expected)


def test_no_bonus_step_reached_gives_zero():
    assert scoring.bonus_for(D("2"), [(D("3"), D("100"))]) == D("0.00")


# Validation -------------------------------------------------------------------------------


def _tiers(**override):
    base = {
        r: [{"lower": "0", "upper": "2", "score": "5"}, {"lower": "2", "upper": "4", "score": "4"}]
        for r in scoring.RATES
    }
    base.update(override)
    return base


def test_weights_that_do_not_add_up_to_100_are_refused_with_the_sum():
    errors: dict = {}
    scoring.check_weights(
        {
            "not_contacted": "20",
            "not_on_time": "10",
            "not_satisfied": "20",
            "complaint": "30",
            "missed": "15",
        },
        errors,
    )
    assert list(errors) == ["weights"]
    assert "95" in errors["weights"][0]


def test_a_missing_or_negative_weight_is_named():
    errors: dict = {}
    scoring.check_weights(
        {
            "not_contacted": "-5",
            "not_on_time": "",
            "not_satisfied": "abc",
            "complaint": "30",
            "missed": "20",
        },
        errors,
    )
    assert set(errors) == {"weights.not_contacted", "weights.not_on_time", "weights.not_satisfied"}


def test_a_gap_between_tiers_is_refused():
    errors: dict = {}
    scoring.check_tiers(
        _tiers(
            complaint=[
                {"lower": "0", "upper": "2", "score": "5"},
                {"lower": "3", "upper": "6", "score": "3"},
            ]
        ),
        errors,
    )
    assert list(errors) == ["tiers.complaint"]
    assert "2" in errors["tiers.complaint"][0] and "3" in errors["tiers.complaint"][0]


def test_overlapping_tiers_are_refused():
    errors: dict = {}
    scoring.check_tiers(
        _tiers(
            missed=[
                {"lower": "0", "upper": "4", "score": "5"},
                {"lower": "2", "upper": "8", "score": "3"},
            ]
        ),
        errors,
    )
    assert list(errors) == ["tiers.missed"]


def test_tiers_must_start_at_zero_and_rise():
    errors: dict = {}
    scoring.check_tiers(
        _tiers(
            not_on_time=[{"lower": "1", "upper": "2", "score": "5"}],
            missed=[{"lower": "0", "upper": "0", "score": "5"}],
        ),
        errors,
    )
    assert set(errors) == {"tiers.not_on_time", "tiers.missed"}


def test_every_rate_needs_a_tier():
    errors: dict = {}
    tiers = _tiers()
    del tiers["complaint"]
    scoring.check_tiers(tiers, errors)
    assert list(errors) == ["tiers.complaint"]


def test_a_bonus_table_where_a_higher_score_pays_less_is_refused():
    errors: dict = {}
    scoring.check_bonus(
        [{"min_score": "4", "amount": "500"}, {"min_score": "3", "amount": "600"}], errors
    )
    assert list(errors) == ["bonus_table"]


def test_a_bonus_amount_with_more_than_two_decimals_is_refused():
    errors: dict = {}
    scoring.check_bonus([{"min_score": "4", "amount": "500.005"}], errors)
    assert list(errors) == ["bonus_table"]


def test_scoring_counts_agrees_with_the_exact_fraction_for_every_small_month():
    s = scheme()
    for base in range(1, 121):
        for count in range(base + 1):
            result = scoring.score(dict.fromkeys(scoring.RATES, count), base, s)
            for rate in scoring.RATES:
                assert result.scores[rate] == scoring.tier_score(
                    Fraction(count, base), s.tiers[rate], s.below
                ), (rate, count, base)
