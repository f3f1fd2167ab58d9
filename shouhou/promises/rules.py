"""The service-promise rule engine (DOMAIN.md §3, seed 004 四、服务承诺), without the ORM.

`decide(request, rules)` takes the facts of one return / exchange / repair request and the
organisation's rules (plain `Rule` values built from the `PromiseRule` rows) and answers with a
`Decision`: the outcome, the rule that decided it and words a clerk can read to the customer.

Periods are calendar days (or months / years) counted from the sale date, or from the
installation date when the rule says so and the product was installed: the day of the sale is
day 0, so "within 7 days" of a sale on the 1st still holds on the 8th (day 7) and no longer on
the 9th (day 8). Months and years end on the same day of the month (31 Jan + 1 month = 28/29 Feb).

How the rules combine:
1. Exclusion rules (kind "exclusion", seed rule 10/11): when the cause of the problem is one of
   the rule's causes, nothing is granted (no return, exchange or warranty).
2. The first entitlement rule (lowest `order`) whose conditions match gives the periods for each
   outcome. No matching rule: `NoRuleMatches` (the request is outside every rule).
3. A packaging rule (kind "packaging", seed rule 3) lets a product's packaging promise win where
   it is more generous than the matched rule, outcome by outcome.
4. A documents rule (kind "documents", seed rule 8/9) asks for the receipt (for every outcome) and
   the complete packaging (for return and exchange). A missing document removes that outcome.
5. The outcome is the one asked for if allowed, else the best one allowed (return, exchange,
   warranty repair); when the periods are over the product still gets a paid repair (at cost of
   materials plus labour), unless the rule grants nothing at all ("nothing").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

RETURN = "return"
EXCHANGE = "exchange"
REPAIR = "warranty_repair"
PAID_REPAIR = "paid_repair"
NOTHING = "nothing"
OUTCOMES = (RETURN, EXCHANGE, REPAIR, PAID_REPAIR, NOTHING)
GRANTS = (RETURN, EXCHANGE, REPAIR)  # in order of preference for the customer

# Kinds of rule
ENTITLEMENT = "entitlement"
EXCLUSION = "exclusion"
PACKAGING = "packaging"
DOCUMENTS = "documents"

# Period units ("" = not allowed)
DAYS = "days"
MONTHS = "months"
YEARS = "years"
UNLIMITED = "unlimited"
PRODUCT_WARRANTY = "product_warranty"  # the product's (or model's) warranty months

# Anchors
FROM_SALE = "sale"
FROM_INSTALLATION = "installation"

# Causes of the problem
QUALITY = "quality"
NOT_AS_DESCRIBED = "not_as_described"
MISUSE = "misuse"
IMPROPER_STORAGE = "improper_storage"
FORCE_MAJEURE = "force_majeure"
CAUSES = (QUALITY, NOT_AS_DESCRIBED, MISUSE, IMPROPER_STORAGE, FORCE_MAJEURE)

# Who installed it
NOT_INSTALLED = "not_installed"
BY_US = "us"
BY_OTHERS = "others"

ANY = "any"
YES = "yes"
NO = "no"

FLAGS = (
    "needs_installation",
    "electronic",
    "single_use",
    "adhesive",
    "window_film",
    "bulb_or_speaker",
)


class NoRuleMatches(Exception):
    """The request is outside every rule (the caller turns this into a clear refusal)."""


@dataclass(frozen=True)
class Period:
    amount: int | None = None
    unit: str = ""  # "" = not allowed

    @property
    def allowed(self) -> bool:
        return bool(self.unit)

    def until(self, start: dt.date, *, warranty_months: int) -> dt.date | None:
        """The last day inside the period (None: no end)."""
        if self.unit == UNLIMITED:
            return None
        n = self.amount or 0
        if self.unit == DAYS:
            return start + dt.timedelta(days=n)
        if self.unit == MONTHS:
            return start + relativedelta(months=n)
        if self.unit == YEARS:
            return start + relativedelta(years=n)
        if self.unit == PRODUCT_WARRANTY:
            return start + relativedelta(months=warranty_months)
        raise ValueError(self.unit)

    def more_generous_than(self, other: Period, start: dt.date, *, warranty_months: int) -> bool:
        if not self.allowed:
            return False
        if not other.allowed:
            return True
        mine = self.until(start, warranty_months=warranty_months)
        theirs = other.until(start, warranty_months=warranty_months)
        if mine is None:
            return theirs is not None
        return theirs is not None and mine > theirs


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    kind: str = ENTITLEMENT
    order: int = 100
    text: str = ""  # words for the customer
    version: int = 1
    pk: int | None = None
    # conditions: flag -> "any" / "yes" / "no"
    flags: dict = field(default_factory=dict)
    category_ids: tuple = ()  # empty: every category
    installed_by: str = ANY  # any / not_installed / us / others
    opened: str = ANY  # any / yes / no
    causes: tuple = ()  # empty: every cause
    anchor: str = FROM_SALE
    periods: dict = field(default_factory=dict)  # outcome -> Period
    requires_receipt: bool = True
    requires_packaging: bool = True

    def matches(self, req: Request) -> bool:
        for name in FLAGS:
            want = self.flags.get(name, ANY)
            if want != ANY and getattr(req, name) != (want == YES):
                return False
        if self.category_ids and not set(self.category_ids) & set(req.category_ids):
            return False
        if self.installed_by != ANY and req.installed_by != self.installed_by:
            return False
        if self.opened != ANY and req.opened != (self.opened == YES):
            return False
        return not (self.causes and req.cause not in self.causes)


@dataclass(frozen=True)
class Request:
    sold_on: dt.date
    on: dt.date  # the day the customer asks
    cause: str = QUALITY
    wanted: str = ""  # return / exchange / warranty_repair, "" = best allowed
    installed_on: dt.date | None = None
    installed_by: str = NOT_INSTALLED
    opened: bool = True
    has_receipt: bool = True
    has_packaging: bool = True
    needs_installation: bool = False
    electronic: bool = False
    single_use: bool = False
    adhesive: bool = False
    window_film: bool = False
    bulb_or_speaker: bool = False
    category_ids: tuple = ()
    warranty_months: int = 12
    packaging_periods: dict = field(default_factory=dict)  # outcome -> Period (the product's)


@dataclass
class Decision:
    outcome: str
    rule: Rule
    explanation: str
    allowed: list = field(default_factory=list)
    until: dict = field(default_factory=dict)  # outcome -> last day (None = no end)
    missing_documents: list = field(default_factory=list)
    refused_wanted: str = ""  # the outcome asked for and not granted, with `explanation` why

    @property
    def rule_code(self) -> str:
        return self.rule.code


def outcome_label(outcome: str) -> str:
    return {
        RETURN: _("return"),
        EXCHANGE: _("exchange"),
        REPAIR: _("warranty repair"),
        PAID_REPAIR: _("paid repair"),
        NOTHING: _("no return, exchange or warranty"),
    }.get(outcome, outcome)


def _start(rule: Rule, req: Request) -> dt.date:
    if rule.anchor == FROM_INSTALLATION and req.installed_on is not None:
        return req.installed_on
    return req.sold_on


def decide(req: Request, rules: list[Rule]) -> Decision:
    """The outcome of `req` under `rules`, and the rule that decided it.

    The rule as it reads: an exclusion that fits refuses everything; else the first entitlement
    that fits gives the periods, the product's packaging promise replaces those it makes more
    generous, what is still within its period is allowed unless a document is missing, and the
    customer gets what they asked for if allowed, else the best that is left."""
    if req.on < req.sold_on:
        raise ValueError("the request date is before the sale")
    ordered = sorted(rules, key=lambda r: (r.order, r.code))
    exclusion = next((r for r in ordered if r.kind == EXCLUSION and r.matches(req)), None)
    if exclusion is not None:
        return Decision(NOTHING, exclusion, _words(exclusion), refused_wanted=req.wanted)
    rule = next((r for r in ordered if r.kind == ENTITLEMENT and r.matches(req)), None)
    if rule is None:
        raise NoRuleMatches
    periods, decided_by = _periods(req, rule, ordered)
    allowed, until = _within_period(req, rule, periods, decided_by)
    documents = next((r for r in ordered if r.kind == DOCUMENTS), None)
    allowed, missing = _documents_missing(req, documents, allowed)
    granted_any = any(periods[o].allowed for o in GRANTS)
    if req.wanted and req.wanted in allowed:
        by = decided_by[req.wanted]
        return Decision(req.wanted, by, _words(by), allowed, until)
    target = req.wanted if req.wanted in missing else None
    if target is None and missing and not allowed:
        target = next(iter(missing))
    if target is not None and documents is not None:
        return _held_for_documents(req, target, documents, allowed, until, missing, granted_any)
    if allowed:
        return _best_allowed(req, allowed, until, decided_by)
    if granted_any:
        return _period_over(req, rule, missing)
    return Decision(NOTHING, rule, _words(rule), refused_wanted=req.wanted)


def _words(rule: Rule) -> str:
    return _("%(rule)s: %(text)s") % {"rule": rule.title, "text": rule.text}


def _periods(req: Request, rule: Rule, ordered: list[Rule]) -> tuple[dict, dict]:
    """Each outcome's period and the rule that gives it: the entitlement's, or the product's
    packaging promise where that is more generous (when the organisation has a packaging rule)."""
    periods = {o: rule.periods.get(o, Period()) for o in GRANTS}
    decided_by = dict.fromkeys(GRANTS, rule)
    packaging = next((r for r in ordered if r.kind == PACKAGING), None)
    if packaging is not None and req.packaging_periods:
        for o, p in req.packaging_periods.items():
            if o in periods and p.more_generous_than(
                periods[o], req.sold_on, warranty_months=req.warranty_months
            ):
                periods[o] = p
                decided_by[o] = packaging
    return periods, decided_by


def _within_period(
    req: Request, rule: Rule, periods: dict, decided_by: dict
) -> tuple[list[str], dict]:
    """The outcomes still within their period on the request day, and each one's last day. A
    packaging promise counts from the sale, an entitlement from its anchor."""
    start = _start(rule, req)
    allowed, until = [], {}
    for o in GRANTS:
        p = periods[o]
        if not p.allowed:
            continue
        start_o = req.sold_on if decided_by[o].kind == PACKAGING else start
        last = p.until(start_o, warranty_months=req.warranty_months)
        if last is None or req.on <= last:
            allowed.append(o)
            until[o] = last
    return allowed, until


def _documents_missing(
    req: Request, documents: Rule | None, allowed: list[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """The allowed outcomes whose documents are there, and per held-back outcome what is
    missing (a receipt for any; the packaging for a return or exchange)."""
    missing: dict[str, list[str]] = {}
    if documents is None:
        return allowed, missing
    for o in allowed:
        need = []
        if documents.requires_receipt and not req.has_receipt:
            need.append("receipt")
        if documents.requires_packaging and o in (RETURN, EXCHANGE) and not req.has_packaging:
            need.append("packaging")
        if need:
            missing[o] = need
    return [o for o in allowed if o not in missing], missing


def _held_for_documents(
    req: Request,
    target: str,
    documents: Rule,
    allowed: list[str],
    until: dict,
    missing: dict[str, list[str]],
    granted_any: bool,
) -> Decision:
    """`target` needs documents the customer lacks: the best that is left, saying which."""
    names = [
        _("a valid receipt or till slip")
        if m == "receipt"
        else _("the complete inner and outer packaging")
        for m in missing[target]
    ]
    best = allowed[0] if allowed else (PAID_REPAIR if granted_any else NOTHING)
    return Decision(
        best,
        documents,
        _("%(rule)s: a %(outcome)s needs %(docs)s.")
        % {
            "rule": documents.title,
            "outcome": outcome_label(target),
            "docs": _(" and ").join(str(n) for n in names),
        },
        allowed,
        until,
        missing_documents=missing[target],
        refused_wanted=req.wanted or target,
    )


def _best_allowed(req: Request, allowed: list[str], until: dict, decided_by: dict) -> Decision:
    """The first allowed outcome (return before exchange before repair); if the customer asked
    for another, the words say it is not possible any more."""
    best = allowed[0]
    explanation = _words(decided_by[best])
    if req.wanted:
        explanation = _("%(wanted)s is not possible any more; %(text)s") % {
            "wanted": outcome_label(req.wanted),
            "text": explanation,
        }
    return Decision(
        best,
        decided_by[best],
        explanation,
        allowed,
        until,
        refused_wanted=req.wanted if req.wanted else "",
    )


def _period_over(req: Request, rule: Rule, missing: dict[str, list[str]]) -> Decision:
    """Every period is over: a repair at the cost of materials and labour."""
    return Decision(
        PAID_REPAIR,
        rule,
        _("%(rule)s: the period is over; we repair at the cost of materials and labour.")
        % {"rule": rule.title},
        [],
        {},
        missing_documents=sorted({m for ms in missing.values() for m in ms}),
        refused_wanted=req.wanted,
    )
