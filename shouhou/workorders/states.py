"""The work-order state machine: states, their clock category and the allowed transitions.

Pure Python (no ORM): services ask `check(action, status)` before a guarded update, and the
deadline code asks `category(status)` to know whether the clock runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from shouhou.core.errors import InvalidTransition

# States ---------------------------------------------------------------------------------------
NEW = "new"
DISPATCHED = "dispatched"
CONTACTED = "contacted"
APPOINTED = "appointed"
ON_SITE = "on_site"
WAITING_PARTS = "waiting_parts"
POSTPONED = "postponed"
NOT_HOME = "not_home"
DONE = "done"
CONFIRMED = "confirmed"
CLOSED = "closed"
CANCELLED = "cancelled"

STATUS_CHOICES = [
    (NEW, _("New")),
    (DISPATCHED, _("Dispatched")),
    (CONTACTED, _("Customer contacted")),
    (APPOINTED, _("Appointment made")),
    (ON_SITE, _("On site")),
    (WAITING_PARTS, _("Waiting for parts")),
    (POSTPONED, _("Postponed by the customer")),
    (NOT_HOME, _("Customer not at home")),
    (DONE, _("Work done")),
    (CONFIRMED, _("Confirmed by the customer")),
    (CLOSED, _("Closed")),
    (CANCELLED, _("Cancelled")),
]
STATUS_LABELS = dict(STATUS_CHOICES)

# Clock categories: open states run the clock, paused states stop it, resolved states end it.
OPEN = "open"
PAUSED = "paused"
RESOLVED = "resolved"

CATEGORY = {
    NEW: OPEN,
    DISPATCHED: OPEN,
    CONTACTED: OPEN,
    APPOINTED: OPEN,
    ON_SITE: OPEN,
    WAITING_PARTS: PAUSED,
    POSTPONED: PAUSED,
    NOT_HOME: PAUSED,
    DONE: RESOLVED,
    CONFIRMED: RESOLVED,
    CLOSED: RESOLVED,
    CANCELLED: RESOLVED,
}
OPEN_STATES = frozenset(s for s, c in CATEGORY.items() if c == OPEN)
PAUSED_STATES = frozenset(s for s, c in CATEGORY.items() if c == PAUSED)
RESOLVED_STATES = frozenset(s for s, c in CATEGORY.items() if c == RESOLVED)
# Not resolved: a second call about the same problem joins such an order.
UNRESOLVED_STATES = OPEN_STATES | PAUSED_STATES
# Dispatched to a technician and not resolved: the technician's list, the sweep's work.
ASSIGNED_STATES = UNRESOLVED_STATES - {NEW}


def category(status: str) -> str:
    return CATEGORY[status]


# Transitions ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str | None  # None: the status does not change (e.g. an unreachable attempt)
    label: object


def _t(action, sources, target, label):
    return Transition(action, frozenset(sources), target, label)


_VISITABLE = {DISPATCHED, CONTACTED, APPOINTED, POSTPONED, NOT_HOME}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("dispatch", {NEW}, DISPATCHED, _("Dispatch")),
        _t("reassign", _VISITABLE, DISPATCHED, _("Dispatch to another technician")),
        _t("contact", {DISPATCHED}, CONTACTED, _("Customer reached")),
        _t(
            "unreachable",
            {DISPATCHED, CONTACTED, APPOINTED, NOT_HOME},
            None,
            _("Customer not reachable"),
        ),
        _t(
            "report_unreachable", ASSIGNED_STATES, None, _("Report why the customer is unreachable")
        ),
        _t("appoint", _VISITABLE | {WAITING_PARTS}, APPOINTED, _("Appointment made")),
        _t(
            "postpone", {DISPATCHED, CONTACTED, APPOINTED}, POSTPONED, _("Customer asked for later")
        ),
        _t("arrive", {DISPATCHED, CONTACTED, APPOINTED}, ON_SITE, _("Arrived on site")),
        _t("wait_parts", {ON_SITE}, WAITING_PARTS, _("Waiting for parts")),
        _t("not_home", {APPOINTED}, NOT_HOME, _("Customer not at home")),
        _t("reask", {NOT_HOME}, DISPATCHED, _("Customer asked again")),
        _t("complete", {ON_SITE}, DONE, _("Work done")),
        _t("sign", {DONE}, CONFIRMED, _("Customer signed")),
        _t("close", {CONFIRMED, DONE}, CLOSED, _("Close")),
        _t("cancel", {NEW} | _VISITABLE | {WAITING_PARTS}, CANCELLED, _("Cancel")),
        _t(
            "reissue",
            (ASSIGNED_STATES - {ON_SITE}) | {DONE},
            DISPATCHED,
            _("Re-issue (technician did not come)"),
        ),
    ]
}


def allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action].sources


def check(action: str, status: str) -> Transition:
    """The transition for `action` from `status`, or InvalidTransition with a clear message."""
    t = TRANSITIONS[action]
    if status not in t.sources:
        raise InvalidTransition(
            _("“%(action)s” is not allowed while the order is “%(status)s”.")
            % {"action": t.label, "status": STATUS_LABELS.get(status, status)},
            extra={"status": status, "action": action},
        )
    return t


def target_of(action: str, status: str) -> str:
    t = check(action, status)
    return t.target or status


def actions_from(status: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if status in t.sources]
