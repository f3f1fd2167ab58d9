"""The default promise rules of seed 004 (四、服务承诺), written once per organisation.

Plain data: each entry becomes one `PromiseRule` row the administrator can change in the admin
(with history). The engine (`rules.py`) has no numbers of its own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import rules as R

# code, order, kind, title, customer text, conditions, anchor, periods, receipt, packaging
DEFAULT_RULES: list[dict] = [
    {
        "code": "r10-misuse",
        "order": 10,
        "kind": R.EXCLUSION,
        "title": _("Rule 10/11: misuse, improper storage, force majeure"),
        "text": _(
            "Faults or damage caused by the customer's storage or use, or by force majeure, "
            "are not returned, exchanged or repaired under warranty."
        ),
        "causes": [R.MISUSE, R.IMPROPER_STORAGE, R.FORCE_MAJEURE],
    },
    {
        "code": "r8-documents",
        "order": 15,
        "kind": R.DOCUMENTS,
        "title": _("Rule 8/9: receipt and packaging"),
        "text": _(
            "Returns, exchanges and warranty need a valid receipt or till slip; returns and "
            "exchanges need the complete inner and outer packaging."
        ),
        "requires_receipt": True,
        "requires_packaging": True,
    },
    {
        "code": "r3-packaging",
        "order": 16,
        "kind": R.PACKAGING,
        "title": _("Rule 3: the packaging promise wins"),
        "text": _("Where the packaging promises more than these rules, the packaging applies."),
    },
    {
        "code": "r7-not-as-described",
        "order": 20,
        "title": _("Rule 7: not as described"),
        "text": _(
            "Model or function not as described on the packaging: return or exchange, "
            "unconditionally."
        ),
        "causes": [R.NOT_AS_DESCRIBED],
        "periods": {R.RETURN: (None, R.UNLIMITED), R.EXCHANGE: (None, R.UNLIMITED)},
    },
    {
        "code": "r1-bulbs-speakers",
        "order": 30,
        "title": _("Rule 1: bulbs and speakers once installed"),
        "text": _("Bulbs and speakers are not returned, exchanged or repaired once installed."),
        "flags": {"bulb_or_speaker": R.YES},
        "installed_by": R.BY_US,
    },
    {
        "code": "r1-bulbs-speakers-others",
        "order": 31,
        "title": _("Rule 1: bulbs and speakers once installed"),
        "text": _("Bulbs and speakers are not returned, exchanged or repaired once installed."),
        "flags": {"bulb_or_speaker": R.YES},
        "installed_by": R.BY_OTHERS,
    },
    {
        "code": "r2-window-film",
        "order": 40,
        "title": _("Rule 2: window film installed by us"),
        "text": _(
            "Window film installed by us is guaranteed against cracking, peeling and "
            "de-bonding; it is exchanged if that happens within 5 years of installation."
        ),
        "flags": {"window_film": R.YES},
        "installed_by": R.BY_US,
        "causes": [R.QUALITY],
        "anchor": R.FROM_INSTALLATION,
        "periods": {R.EXCHANGE: (5, R.YEARS)},
    },
    {
        "code": "r4-single-use-unopened",
        "order": 50,
        "title": _("Rule 4: unopened single-use products"),
        "text": _("Unopened single-use products are exchanged within 7 days."),
        "flags": {"single_use": R.YES},
        "opened": R.NO,
        "periods": {R.EXCHANGE: (7, R.DAYS)},
    },
    {
        "code": "r4-single-use-opened",
        "order": 51,
        "title": _("Rule 4: opened single-use products"),
        "text": _("Opened single-use products are not returned or exchanged."),
        "flags": {"single_use": R.YES},
        "opened": R.YES,
    },
    {
        "code": "r5-adhesive-by-us",
        "order": 60,
        "title": _("Rule 5: adhesive products installed by us"),
        "text": _("Adhesive products installed by us are maintained for life."),
        "flags": {"adhesive": R.YES},
        "installed_by": R.BY_US,
        "anchor": R.FROM_INSTALLATION,
        "periods": {R.REPAIR: (None, R.UNLIMITED)},
    },
    {
        "code": "r5-adhesive-by-others",
        "order": 61,
        "title": _("Rule 5: adhesive products installed by others"),
        "text": _("Adhesive products not installed by us are not our responsibility."),
        "flags": {"adhesive": R.YES},
        "installed_by": R.BY_OTHERS,
    },
    {
        "code": "r1-electronic-installed",
        "order": 70,
        "title": _("Rule 1: electronics that need installation"),
        "text": _(
            "Electronics that need installation, with a quality problem: exchange within "
            "7 days, warranty 6 months."
        ),
        "flags": {"electronic": R.YES, "needs_installation": R.YES},
        "causes": [R.QUALITY],
        "anchor": R.FROM_INSTALLATION,
        "periods": {R.EXCHANGE: (7, R.DAYS), R.REPAIR: (6, R.MONTHS)},
    },
    {
        "code": "r6-no-installation",
        "order": 80,
        "title": _("Rule 6: goods that need no installation"),
        "text": _(
            "Goods that need no installation, with a quality problem: return within 7 days, "
            "exchange within 15 days, then warranty repair for the product's warranty."
        ),
        "flags": {"needs_installation": R.NO},
        "causes": [R.QUALITY],
        "periods": {
            R.RETURN: (7, R.DAYS),
            R.EXCHANGE: (15, R.DAYS),
            R.REPAIR: (None, R.PRODUCT_WARRANTY),
        },
    },
]


def default_rules() -> list[R.Rule]:
    """The defaults as engine values (for tests and documentation; the engine reads the rows)."""
    out = []
    for d in DEFAULT_RULES:
        out.append(
            R.Rule(
                code=d["code"],
                title=str(d["title"]),
                kind=d.get("kind", R.ENTITLEMENT),
                order=d["order"],
                text=str(d["text"]),
                flags=dict(d.get("flags", {})),
                installed_by=d.get("installed_by", R.ANY),
                opened=d.get("opened", R.ANY),
                causes=tuple(d.get("causes", ())),
                anchor=d.get("anchor", R.FROM_SALE),
                periods={o: R.Period(a, u) for o, (a, u) in d.get("periods", {}).items()},
                requires_receipt=d.get("requires_receipt", True),
                requires_packaging=d.get("requires_packaging", True),
            )
        )
    return out
