"""The four flows of seed 004 (投诉处理流程, 顾客换货流程, 顾客退货流程, 安装商品换货流程) as
explicit state machines. Pure data; services check every change against `TRANSITIONS`.

complaint:           registered → [inspecting] → awaiting_approval → approved → done
exchange:            registered → [inspecting] → awaiting_approval → approved → carried_out → done
return:              registered → [inspecting] → awaiting_approval → approved → carried_out → done
installed_exchange:  registered → inspecting (on site, a work order) → awaiting_approval
                     → approved → carried_out → done
Any open case may be refused (with a reason: an unjustified demand, or an approver says no).
awaiting_approval → approved happens when the last required signature is given.
"""

from __future__ import annotations

COMPLAINT = "complaint"
EXCHANGE = "exchange"
RETURN = "return"
INSTALLED_EXCHANGE = "installed_exchange"
KINDS = (COMPLAINT, EXCHANGE, RETURN, INSTALLED_EXCHANGE)

REGISTERED = "registered"
INSPECTING = "inspecting"
AWAITING_APPROVAL = "awaiting_approval"
APPROVED = "approved"
CARRIED_OUT = "carried_out"
DONE = "done"
REFUSED = "refused"

OPEN_STATES = {REGISTERED, INSPECTING, AWAITING_APPROVAL, APPROVED, CARRIED_OUT}
FINAL_STATES = {DONE, REFUSED}
EDITABLE_STATES = {REGISTERED, INSPECTING}

_GOODS = {
    REGISTERED: {INSPECTING, AWAITING_APPROVAL, REFUSED},
    INSPECTING: {AWAITING_APPROVAL, REFUSED},
    AWAITING_APPROVAL: {APPROVED, REFUSED},
    APPROVED: {CARRIED_OUT, REFUSED},
    CARRIED_OUT: {DONE},
}
TRANSITIONS: dict[str, dict[str, set[str]]] = {
    COMPLAINT: {
        REGISTERED: {INSPECTING, AWAITING_APPROVAL, REFUSED},
        INSPECTING: {AWAITING_APPROVAL, REFUSED},
        AWAITING_APPROVAL: {APPROVED, REFUSED},
        APPROVED: {DONE},
    },
    EXCHANGE: _GOODS,
    RETURN: _GOODS,
    INSTALLED_EXCHANGE: {
        REGISTERED: {INSPECTING, REFUSED},
        INSPECTING: {AWAITING_APPROVAL, REFUSED},
        AWAITING_APPROVAL: {APPROVED, REFUSED},
        APPROVED: {CARRIED_OUT, REFUSED},
        CARRIED_OUT: {DONE},
    },
}


def allowed(kind: str, old: str, new: str) -> bool:
    return new in TRANSITIONS.get(kind, {}).get(old, set())


def next_states(kind: str, old: str) -> set[str]:
    return set(TRANSITIONS.get(kind, {}).get(old, set()))
