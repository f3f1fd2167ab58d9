"""The nine promise rules of seed 004, each just inside and just outside its period.

Pure: the engine and the default rules, no database. Day 0 is the day of the sale (or of the
installation), so "within 7 days" holds on day 7 and not on day 8.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhou.promises import rules as R
from shouhou.promises.defaults import default_rules

RULES = default_rules()
SOLD = dt.date(2026, 3, 1)


def ask(days=0, *, on=None, **kw):
    kw.setdefault("sold_on", SOLD)
    return R.decide(R.Request(on=on or kw["sold_on"] + dt.timedelta(days=days), **kw), RULES)


# Rule 1: electronics that need installation: exchange 7 days, warranty 6 months.
ELECTRONIC = {"electronic": True, "needs_installation": True, "installed_by": R.BY_US}


def test_rule1_installed_electronics_are_exchanged_on_day_7_after_installation():
    d = ask(7, installed_on=SOLD, wanted=R.EXCHANGE, **ELECTRONIC)
    assert d.outcome == R.EXCHANGE and d.rule_code == "r1-electronic-installed"


def test_rule1_installed_electronics_are_not_exchanged_on_day_8_but_repaired():
    d = ask(8, installed_on=SOLD, wanted=R.EXCHANGE, **ELECTRONIC)
    assert d.outcome == R.REPAIR and d.refused_wanted == R.EXCHANGE


def test_rule1_periods_count_from_the_installation_date():
    installed = SOLD + dt.timedelta(days=20)
    d = ask(on=installed + dt.timedelta(days=7), installed_on=installed, **ELECTRONIC)
    assert d.outcome == R.EXCHANGE


def test_rule1_warranty_holds_to_the_same_day_six_months_later_and_not_a_day_more():
    assert ask(on=dt.date(2026, 9, 1), installed_on=SOLD, **ELECTRONIC).outcome == R.REPAIR
    d = ask(on=dt.date(2026, 9, 2), installed_on=SOLD, **ELECTRONIC)
    assert d.outcome == R.PAID_REPAIR and d.rule_code == "r1-electronic-installed"


def test_rule1_installed_bulbs_and_speakers_get_nothing_even_on_day_0():
    d = ask(
        0, installed_on=SOLD, installed_by=R.BY_US, bulb_or_speaker=True, needs_installation=True
    )
    assert d.outcome == R.NOTHING and d.rule_code == "r1-bulbs-speakers"


def test_rule1_uninstalled_bulbs_follow_rule_6():
    d = ask(7, bulb_or_speaker=True)
    assert d.outcome == R.RETURN and d.rule_code == "r6-no-installation"


# Rule 2: window film installed by us: exchange within 5 years of installation.
FILM = {
    "window_film": True,
    "needs_installation": True,
    "installed_by": R.BY_US,
    "installed_on": SOLD,
}


def test_rule2_window_film_is_exchanged_on_the_last_day_of_five_years():
    d = ask(on=dt.date(2031, 3, 1), **FILM)
    assert d.outcome == R.EXCHANGE and d.rule_code == "r2-window-film"


def test_rule2_window_film_is_not_exchanged_the_day_after_five_years():
    d = ask(on=dt.date(2031, 3, 2), **FILM)
    assert d.outcome == R.PAID_REPAIR and d.rule_code == "r2-window-film"


def test_rule2_window_film_installed_by_others_is_outside_every_rule():
    with pytest.raises(R.NoRuleMatches):
        ask(1, **{**FILM, "installed_by": R.BY_OTHERS})


# Rule 3: the packaging promise wins where it is more generous.
PACKAGING = {R.EXCHANGE: R.Period(30, R.DAYS)}


def test_rule3_packaging_promise_of_30_days_exchange_holds_on_day_30():
    d = ask(30, wanted=R.EXCHANGE, packaging_periods=PACKAGING)
    assert d.outcome == R.EXCHANGE and d.rule_code == "r3-packaging"


def test_rule3_packaging_promise_ends_on_day_31():
    d = ask(31, wanted=R.EXCHANGE, packaging_periods=PACKAGING)
    assert d.outcome == R.REPAIR and d.rule_code == "r6-no-installation"


def test_rule3_a_less_generous_packaging_promise_does_not_shorten_the_rules():
    d = ask(10, wanted=R.EXCHANGE, packaging_periods={R.EXCHANGE: R.Period(3, R.DAYS)})
    assert d.outcome == R.EXCHANGE and d.rule_code == "r6-no-installation"


# Rule 4: unopened single-use products: exchange within 7 days; opened: none.
def test_rule4_unopened_single_use_is_exchanged_on_day_7():
    d = ask(7, single_use=True, opened=False)
    assert d.outcome == R.EXCHANGE and d.rule_code == "r4-single-use-unopened"


def test_rule4_unopened_single_use_is_not_exchanged_on_day_8():
    d = ask(8, single_use=True, opened=False)
    assert d.outcome == R.PAID_REPAIR and d.rule_code == "r4-single-use-unopened"


def test_rule4_opened_single_use_gets_nothing_on_day_0():
    d = ask(0, single_use=True, opened=True, wanted=R.EXCHANGE)
    assert d.outcome == R.NOTHING and d.rule_code == "r4-single-use-opened"


# Rule 5: adhesive products installed by us: lifetime maintenance; by others: none.
def test_rule5_adhesive_installed_by_us_is_maintained_after_thirty_years():
    d = ask(
        on=dt.date(2056, 3, 1),
        adhesive=True,
        installed_by=R.BY_US,
        installed_on=SOLD,
        needs_installation=True,
    )
    assert d.outcome == R.REPAIR and d.until[R.REPAIR] is None
    assert d.rule_code == "r5-adhesive-by-us"


def test_rule5_adhesive_installed_by_others_gets_nothing_on_day_0():
    d = ask(0, adhesive=True, installed_by=R.BY_OTHERS, installed_on=SOLD, needs_installation=True)
    assert d.outcome == R.NOTHING and d.rule_code == "r5-adhesive-by-others"


# Rule 6: goods without installation: return within 7 days, exchange within 15.
def test_rule6_return_on_day_7():
    assert ask(7, wanted=R.RETURN).outcome == R.RETURN


def test_rule6_no_return_on_day_8_but_exchange():
    d = ask(8, wanted=R.RETURN)
    assert d.outcome == R.EXCHANGE and d.refused_wanted == R.RETURN
    assert d.rule_code == "r6-no-installation"


def test_rule6_exchange_on_day_15_and_not_on_day_16():
    assert ask(15, wanted=R.EXCHANGE).outcome == R.EXCHANGE
    assert ask(16, wanted=R.EXCHANGE).outcome == R.REPAIR


def test_rule6_warranty_repair_lasts_the_products_warranty():
    assert ask(on=dt.date(2027, 3, 1), warranty_months=12).outcome == R.REPAIR
    assert ask(on=dt.date(2027, 3, 2), warranty_months=12).outcome == R.PAID_REPAIR


# Rule 7: not as described: return or exchange unconditionally.
def test_rule7_not_as_described_is_returned_even_after_three_years():
    d = ask(3 * 365, cause=R.NOT_AS_DESCRIBED, wanted=R.RETURN, **ELECTRONIC, installed_on=SOLD)
    assert d.outcome == R.RETURN and d.rule_code == "r7-not-as-described"
    assert d.until[R.RETURN] is None


# Rule 8/9: receipt and complete packaging.
def test_rule8_a_return_without_the_receipt_is_refused_naming_the_receipt():
    d = ask(1, wanted=R.RETURN, has_receipt=False)
    assert d.outcome != R.RETURN and d.rule_code == "r8-documents"
    assert d.missing_documents == ["receipt"]
    assert "单据" in d.explanation or "receipt" in d.explanation


def test_rule9_an_exchange_without_the_packaging_is_refused_but_repair_is_possible():
    d = ask(1, wanted=R.EXCHANGE, has_packaging=False)
    assert d.outcome == R.REPAIR and d.missing_documents == ["packaging"]
    assert d.rule_code == "r8-documents" and d.refused_wanted == R.EXCHANGE


def test_rule8_warranty_repair_needs_the_receipt_but_not_the_packaging():
    assert ask(20, wanted=R.REPAIR, has_packaging=False).outcome == R.REPAIR
    d = ask(20, wanted=R.REPAIR, has_receipt=False)
    assert d.outcome == R.PAID_REPAIR and d.missing_documents == ["receipt"]


# Rule 10/11: misuse, storage, force majeure.
@pytest.mark.parametrize("cause", [R.MISUSE, R.IMPROPER_STORAGE, R.FORCE_MAJEURE])
def test_rule10_damage_by_misuse_or_force_majeure_gets_nothing_even_on_day_0(cause):
    d = ask(0, cause=cause, wanted=R.RETURN)
    assert d.outcome == R.NOTHING and d.rule_code == "r10-misuse"


def test_a_request_outside_every_rule_raises():
    with pytest.raises(R.NoRuleMatches):
        ask(1, needs_installation=True, installed_by=R.BY_US, installed_on=SOLD)


def test_the_rule_version_is_carried_in_the_decision():
    rules = [R.Rule(code="x", title="X", version=7, periods={R.RETURN: R.Period(1, R.DAYS)})]
    d = R.decide(R.Request(sold_on=SOLD, on=SOLD), rules)
    assert d.rule.version == 7 and d.outcome == R.RETURN


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_asking_later_never_grants_more(a, b):
    early, late = sorted((a, b))
    order = [R.RETURN, R.EXCHANGE, R.REPAIR, R.PAID_REPAIR, R.NOTHING]
    d1, d2 = ask(early), ask(late)
    assert set(d2.allowed) <= set(d1.allowed)
    assert order.index(d2.outcome) >= order.index(d1.outcome)
