"""Scoring as pure functions: counts → rates → tier scores → weighted total → bonus base.

No database here; `Scheme` is the organisation's configuration as plain values (read by
`services.scheme_for`), so the rules can be tested with hand-computed examples.

* A rate is `count / base` as an exact fraction (no rounding before it is compared).
* Tiers are "above `lower` % up to and including `upper` %" (seed 001's table read with
  inclusive upper bounds: ≤ 2 % → 5; 2 % < rate ≤ 4 % → 4; 4 % < rate ≤ 8 % → 3, complaints
  ≤ 6 %); the first tier starts at 0 % and includes it. A rate above the last tier scores the
  organisation's `below` score (default 0).
* The total is Σ weight % × score, quantized to 0.01 (half up).
* The bonus base is the amount of the highest bonus step whose `min_score` the total reaches
  (0.00 when it reaches none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

RATES = ("not_contacted", "not_on_time", "not_satisfied", "complaint", "missed")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Tier:
    lower: Decimal  # exclusive, in %; the first tier (lower 0) includes 0 %
    upper: Decimal  # inclusive, in %
    score: Decimal


@dataclass(frozen=True)
class Scheme:
    weights: dict  # rate -> Decimal percent (sum 100)
    tiers: dict  # rate -> list[Tier] sorted by lower
    below: Decimal = Decimal("0")
    bonus: tuple = ()  # ((min_score, amount), ...) any order

    def as_json(self) -> dict:
        return {
            "weights": {k: str(v) for k, v in self.weights.items()},
            "tiers": {
                k: [[str(t.lower), str(t.upper), str(t.score)] for t in v]
                for k, v in self.tiers.items()
            },
            "below": str(self.below),
            "bonus": [[str(s), str(a)] for s, a in sorted(self.bonus, reverse=True)],
        }


@dataclass
class Result:
    base: int
    counts: dict
    rates: dict = field(default_factory=dict)  # rate -> Decimal percent, 4 places (display)
    scores: dict = field(default_factory=dict)  # rate -> Decimal
    total: Decimal = Decimal("0.00")
    bonus_base: Decimal = Decimal("0.00")


def rate_fraction(count: int, base: int) -> Fraction:
    """count / base as a fraction of 1 (exact); base must be positive."""
    if base <= 0:
        raise ValueError("base must be positive")
    if count < 0 or count > base:
        raise ValueError("count must be between 0 and base")
    return Fraction(count, base)


def rate_percent(count: int, base: int) -> Decimal:
    """The rate in %, rounded half up to 4 decimals, for display and the frozen rows."""
    rate_fraction(count, base)  # checks the arguments
    return (Decimal(count * 100) / Decimal(base)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def tier_score(rate: Fraction, tiers, below: Decimal) -> Decimal:
    """The score of a rate (a fraction of 1): the first tier whose upper bound (in %) it does
    not exceed, else `below`. Exact: 2 % is ≤ 2 %, 2.0001 % is not."""
    pct = rate * 100
    for tier in sorted(tiers, key=lambda t: t.upper):
        if pct <= Fraction(tier.upper):
            return tier.score
    return below


def _count_score(count: int, base: int, tiers, below: Decimal) -> Decimal:
    """`tier_score` of count/base without fractions: count × 100 ≤ upper × base (exact)."""
    hundred_count = count * 100
    for tier in tiers:  # sorted by upper bound
        if hundred_count <= tier.upper * base:
            return tier.score
    return below


def weighted_total(scores: dict, weights: dict) -> Decimal:
    total = sum((Decimal(weights[k]) * Decimal(scores[k]) for k in RATES), Decimal("0"))
    return (total / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def bonus_for(total: Decimal, steps) -> Decimal:
    best = None
    for min_score, amount in steps:
        if total >= Decimal(min_score) and (best is None or Decimal(min_score) > best[0]):
            best = (Decimal(min_score), Decimal(amount))
    return (best[1] if best else Decimal("0")).quantize(CENT)


def score(counts: dict, base: int, scheme: Scheme) -> Result:
    """Rates, scores, total and bonus base of one technician's month."""
    result = Result(base=base, counts=dict(counts))
    for rate in RATES:
        count = counts.get(rate, 0)
        result.rates[rate] = rate_percent(count, base)
        tiers = sorted(scheme.tiers[rate], key=lambda t: t.upper)
        result.scores[rate] = Decimal(_count_score(count, base, tiers, scheme.below))
    result.total = weighted_total(result.scores, scheme.weights)
    result.bonus_base = bonus_for(result.total, scheme.bonus)
    return result


# Validation (every problem at once, keyed by field; nothing is written by these) --------------


def _dec(value, errors: dict, key: str, *, lo=None, hi=None) -> Decimal | None:
    from decimal import InvalidOperation

    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        if not d.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(key, []).append(_("Enter a number."))
        return None
    if d != d.quantize(CENT):
        errors.setdefault(key, []).append(_("At most two decimals."))
        return None
    if lo is not None and d < lo:
        errors.setdefault(key, []).append(_("At least %(n)s.") % {"n": lo})
        return None
    if hi is not None and d > hi:
        errors.setdefault(key, []).append(_("At most %(n)s.") % {"n": hi})
        return None
    return d


def check_weights(raw: dict, errors: dict) -> dict:
    """Every rate's weight 0–100 %, together exactly 100 %. Errors under `weights.<rate>` and
    `weights`."""
    weights = {}
    for rate in RATES:
        if raw.get(rate) in (None, ""):
            errors.setdefault(f"weights.{rate}", []).append(_("This field is required."))
            continue
        d = _dec(raw[rate], errors, f"weights.{rate}", lo=Decimal("0"), hi=HUNDRED)
        if d is not None:
            weights[rate] = d
    if len(weights) == len(RATES):
        total = sum(weights.values(), Decimal("0"))
        if total != HUNDRED:
            errors.setdefault("weights", []).append(
                _("The weights add up to %(total)s %%; they must add up to 100 %%.")
                % {"total": total}
            )
    return weights


def check_tiers(raw: dict, errors: dict) -> dict:
    """Each rate's tiers start at 0 %, follow each other without gap or overlap (a tier starts
    where the previous one ends), end at most at 100 %, and score at least 0. Errors under
    `tiers.<rate>`."""
    tiers = {}
    for rate in RATES:
        key = f"tiers.{rate}"
        rows = raw.get(rate) or []
        if not rows:
            errors.setdefault(key, []).append(_("Give at least one tier."))
            continue
        parsed, ok = [], True
        for i, row in enumerate(rows, 1):
            row_errors: dict = {}
            lower = _dec(row.get("lower"), row_errors, "x", lo=Decimal("0"), hi=HUNDRED)
            upper = _dec(row.get("upper"), row_errors, "x", lo=Decimal("0"), hi=HUNDRED)
            sc = _dec(row.get("score"), row_errors, "x", lo=Decimal("0"), hi=HUNDRED)
            if row_errors:
                errors.setdefault(key, []).append(
                    _("Tier %(n)s: %(problem)s") % {"n": i, "problem": row_errors["x"][0]}
                )
                ok = False
                continue
            if upper <= lower:
                errors.setdefault(key, []).append(
                    _("Tier %(n)s: the upper bound %(upper)s %% must be above %(lower)s %%.")
                    % {"n": i, "upper": upper, "lower": lower}
                )
                ok = False
                continue
            parsed.append(Tier(lower, upper, sc))
        if not ok:
            continue
        parsed.sort(key=lambda t: (t.lower, t.upper))
        if parsed[0].lower != 0:
            errors.setdefault(key, []).append(
                _("The first tier must start at 0 %%, not at %(lower)s %%.")
                % {"lower": parsed[0].lower}
            )
            ok = False
        for prev, nxt in zip(parsed, parsed[1:], strict=False):
            if nxt.lower > prev.upper:
                errors.setdefault(key, []).append(
                    _("Gap: nothing scores rates above %(a)s %% up to %(b)s %%.")
                    % {"a": prev.upper, "b": nxt.lower}
                )
                ok = False
            elif nxt.lower < prev.upper:
                errors.setdefault(key, []).append(
                    _("Overlap: rates above %(a)s %% up to %(b)s %% fall in two tiers.")
                    % {"a": nxt.lower, "b": min(prev.upper, nxt.upper)}
                )
                ok = False
        if ok:
            tiers[rate] = parsed
    return tiers


def check_bonus(raw: list, errors: dict) -> list:
    """Bonus steps: distinct scores ≥ 0, amounts ≥ 0 with two decimals, and a higher score never
    gives a lower bonus base. Errors under `bonus_table`."""
    steps, ok = [], True
    if not raw:
        errors.setdefault("bonus_table", []).append(_("Give at least one step."))
        return []
    for i, row in enumerate(raw, 1):
        row_errors: dict = {}
        s = _dec(row.get("min_score"), row_errors, "x", lo=Decimal("0"), hi=HUNDRED)
        a = _dec(row.get("amount"), row_errors, "x", lo=Decimal("0"), hi=Decimal("9999999999"))
        if row_errors:
            errors.setdefault("bonus_table", []).append(
                _("Step %(n)s: %(problem)s") % {"n": i, "problem": row_errors["x"][0]}
            )
            ok = False
            continue
        steps.append((s, a))
    if not ok:
        return []
    seen = [s for s, _a in steps]
    dupes = sorted({s for s in seen if seen.count(s) > 1})
    if dupes:
        errors.setdefault("bonus_table", []).append(
            _("The score %(score)s appears twice.") % {"score": dupes[0]}
        )
        return []
    steps.sort()
    for (s1, a1), (s2, a2) in zip(steps, steps[1:], strict=False):
        if a2 < a1:
            errors.setdefault("bonus_table", []).append(
                _("A total of %(high)s would give less (¥%(a2)s) than %(low)s (¥%(a1)s).")
                % {"high": s2, "a2": a2, "low": s1, "a1": a1}
            )
            return []
    return steps
