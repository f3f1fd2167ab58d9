"""Every write of the maintenance app: plans and visits, service-step rules and the customer's
check, duty checklists. Each function is one transaction with a role check and an audit event."""

from __future__ import annotations

from .common import (
    PLAN_ROLES as PLAN_ROLES,
)
from .common import (
    _check_field_org as _check_field_org,
)
from .common import (
    _now as _now,
)
from .common import (
    _same_org as _same_org,
)
from .duty import (
    SUPERVISOR_ROLES as SUPERVISOR_ROLES,
)
from .duty import (
    duty_item_tick as duty_item_tick,
)
from .duty import (
    duty_template_create as duty_template_create,
)
from .duty import (
    duty_templates_install_defaults as duty_templates_install_defaults,
)
from .plans import (
    _clean_schedule as _clean_schedule,
)
from .plans import (
    asset_create as asset_create,
)
from .plans import (
    asset_plan_create as asset_plan_create,
)
from .plans import (
    plan_cancel as plan_cancel,
)
from .plans import (
    plan_create as plan_create,
)
from .plans import (
    plan_renew as plan_renew,
)
from .plans import (
    settings_for as settings_for,
)
from .steps import (
    DEFAULT_REQUIRED_STEPS as DEFAULT_REQUIRED_STEPS,
)
from .steps import (
    STEP_LABELS as STEP_LABELS,
)
from .steps import (
    STEP_RULE_ROLES as STEP_RULE_ROLES,
)
from .steps import (
    _require_visit_actor as _require_visit_actor,
)
from .steps import (
    customer_check_freeze as customer_check_freeze,
)
from .steps import (
    customer_check_record as customer_check_record,
)
from .steps import (
    missing_required_steps as missing_required_steps,
)
from .steps import (
    signing_guard as signing_guard,
)
from .steps import (
    step_rule_set as step_rule_set,
)
from .steps import (
    step_rules_for as step_rules_for,
)
from .steps import (
    step_rules_install_defaults as step_rules_install_defaults,
)
from .visits import (
    _advance as _advance,
)
from .visits import (
    _skip as _skip,
)
from .visits import (
    visit_done_from_order as visit_done_from_order,
)
from .visits import (
    visit_issue as visit_issue,
)
from .visits import (
    visit_reschedule as visit_reschedule,
)
from .visits import (
    visit_skip as visit_skip,
)
from .visits import (
    visit_skipped_from_order as visit_skipped_from_order,
)
from .visits import (
    visit_steps_tick as visit_steps_tick,
)
