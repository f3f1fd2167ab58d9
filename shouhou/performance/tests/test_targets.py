"""Department targets (seed 002 §3.2): exact boundaries, per store and organisation."""

from decimal import Decimal
from types import SimpleNamespace

from shouhou.performance.selectors import _department_row

CFG = SimpleNamespace(
    target_on_time=Decimal("90"),
    target_satisfaction=Decimal("85"),
    target_service_complaints=Decimal("3"),
)


def row(base, not_on_time=0, rated=0, satisfied=0, service=0):
    return _department_row(
        {
            "base": base,
            "not_on_time": not_on_time,
            "rated": rated,
            "satisfied": satisfied,
            "service_complaint": service,
            "complaint": service,
        },
        CFG,
    )


def test_exactly_90_percent_on_time_meets_the_target_and_89_99_does_not():
    assert row(100, not_on_time=10)["on_time_ok"] is True
    r = row(10000, not_on_time=1001)
    assert r["on_time_pct"] == Decimal("89.99") and r["on_time_ok"] is False


def test_exactly_85_percent_satisfied_meets_the_target():
    assert row(50, rated=20, satisfied=17)["satisfaction_ok"] is True  # 85 %
    assert row(50, rated=20, satisfied=16)["satisfaction_ok"] is False  # 80 %


def test_service_caused_complaints_must_stay_below_3_percent():
    assert row(100, service=3)["service_complaints_ok"] is False  # exactly 3 %: not below
    assert row(1000, service=29)["service_complaints_ok"] is True  # 2.9 %


def test_a_month_without_orders_or_scores_has_no_figure_rather_than_zero():
    r = row(0)
    assert r["on_time_pct"] is None and r["on_time_ok"] is None
    assert row(5)["satisfaction_pct"] is None
