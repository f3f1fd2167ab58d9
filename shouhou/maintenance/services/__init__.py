"""Every write of the maintenance app: plans and visits, service-step rules and the customer's
check, duty checklists. Each function is one transaction with a role check and an audit event."""

from __future__ import annotations

from .common import (
    PLAN_ROLES,
)
from .duty import (
    SUPERVISOR_ROLES,
    duty_item_tick,
    duty_template_create,
    duty_templates_install_defaults,
)
from .plans import (
    asset_create,
    asset_plan_create,
    plan_cancel,
    plan_create,
    plan_renew,
    settings_for,
)
from .steps import (
    DEFAULT_REQUIRED_STEPS,
    STEP_LABELS,
    STEP_RULE_ROLES,
    customer_check_freeze,
    customer_check_record,
    missing_required_steps,
    signing_guard,
    step_rule_set,
    step_rules_for,
    step_rules_install_defaults,
)
from .visits import (
    visit_done_from_order,
    visit_issue,
    visit_reschedule,
    visit_skip,
    visit_skipped_from_order,
    visit_steps_tick,
)

__all__ = [
    "DEFAULT_REQUIRED_STEPS",
    "PLAN_ROLES",
    "STEP_LABELS",
    "STEP_RULE_ROLES",
    "SUPERVISOR_ROLES",
    "asset_create",
    "asset_plan_create",
    "customer_check_freeze",
    "customer_check_record",
    "duty_item_tick",
    "duty_template_create",
    "duty_templates_install_defaults",
    "missing_required_steps",
    "plan_cancel",
    "plan_create",
    "plan_renew",
    "settings_for",
    "signing_guard",
    "step_rule_set",
    "step_rules_for",
    "step_rules_install_defaults",
    "visit_done_from_order",
    "visit_issue",
    "visit_reschedule",
    "visit_skip",
    "visit_skipped_from_order",
    "visit_steps_tick",
]
