"""The response tiers of seed 002 as default SLA policies (data only: read by `config` for a new
organisation and by migration 0010 for the organisations that exist already).

Each tier is a policy selected by fault category, distance band and route, with its own time
limits, all counted in office time on the organisation's working-day calendar (a request taken
after hours or before a holiday starts counting at the next opening):

* 3.2.2 车身故障: within the 100 km service radius on site within 24 hours; beyond 100 km, or
  when a partner manufacturer must be involved, an answer to the customer within 12 hours;
* 3.2.3 底盘发动机故障 reported to the marketing department: a written contact within 12 hours,
  its result archived and fed back (`WrittenContact`);
* 范文2 四.1 三包: arranged (given to a technician) within 2 hours. The dealer's own 2 hours for
  a task the office forwards to it, and the office's 4-hour check of it, are the dealers app's
  (`DealerSettings.arrange_within_hours`, `check_within_hours`), not repeated here;
* 范文1 工程方案 (project maintenance): respond within 30 minutes, an engineer on site within
  2 hours, fixed within 4 hours, else an equivalent unit lent for free.

Every number is a row the organisation edits (admin, API); these are only the first values.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import deadlines as dl

RADIUS_KM = Decimal("100")

# The limits every tier keeps from seed 001 (after the dispatch).
_REPLY = (dl.REPLY, "2", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED)
_CONTACT = (dl.CONTACT, "1", dl.WORKING_DAYS, dl.ANCHOR_DISPATCHED)

# (code, name, description, criteria, loan unit, [(target, amount, unit, anchor)])
DEFAULT_TIERS = [
    (
        "tier-body-within",
        _("Body fault within the service radius (seed 002 3.2.2)"),
        _("Within 100 km of the service point: on site within 24 hours."),
        {"fault_category": "body", "max_distance_km": RADIUS_KM},
        False,
        [_CONTACT, (dl.ONSITE, "24", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED), _REPLY],
    ),
    (
        "tier-body-beyond",
        _("Body fault beyond the service radius (seed 002 3.2.2)"),
        _("Beyond 100 km: an answer to the customer within 12 hours."),
        {"fault_category": "body", "min_distance_km": RADIUS_KM},
        False,
        [(dl.CONTACT, "12", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED), _REPLY],
    ),
    (
        "tier-partner",
        _("Partner manufacturer involved (seed 002 3.2.2)"),
        _("A partner manufacturer must be contacted: an answer to the customer within 12 hours."),
        {"route": "partner"},
        False,
        [(dl.CONTACT, "12", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED), _REPLY],
    ),
    (
        "tier-written",
        _("Chassis or engine fault reported to marketing (seed 002 3.2.3)"),
        _(
            "A written contact within 12 hours; the result is archived and fed back to the "
            "customer."
        ),
        {"fault_category": "chassis_engine", "route": "marketing"},
        False,
        [(dl.WRITTEN, "12", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED), _REPLY],
    ),
    (
        "tier-three-guarantee",
        _("Three-guarantee service (seed 002 范文2 四.1)"),
        _(
            "Arranged within 2 hours. A task forwarded to a dealer follows the dealer's own "
            "limit and the sales office's 4-hour check (dealer settings)."
        ),
        {"route": "three_guarantee"},
        False,
        [(dl.ARRANGE, "2", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED), _CONTACT, _REPLY],
    ),
    (
        "tier-project",
        _("Project maintenance (seed 002 工程方案)"),
        _(
            "Respond within 30 minutes, an engineer on site within 2 hours, fixed within 4 "
            "hours, or an equivalent unit lent for free."
        ),
        {"route": "project"},
        True,
        [
            (dl.CONTACT, "30", dl.WORKING_MINUTES, dl.ANCHOR_RECEIVED),
            (dl.ONSITE, "2", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED),
            (dl.FIXED, "4", dl.WORKING_HOURS, dl.ANCHOR_RECEIVED),
            _REPLY,
        ],
    ),
]
