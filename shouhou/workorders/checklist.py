"""The service steps of seed 000 (服务步骤), shown as a checklist on the technician's page."""

from django.utils.translation import gettext_lazy as _

STEPS = [
    ("confirm_product", _("Confirm the product the customer ordered is the right one")),
    ("ask_location", _("Ask where and how the product is used")),
    ("tell_duration", _("Tell the customer about how long the work takes")),
    ("do_work", _("Do the work")),
    ("record", _("Record the service")),
    ("customer_checks", _("Ask the customer to check the result")),
    ("explain_care", _("Explain care, use and what to watch out for")),
    ("clean_up", _("Clean up and put things back")),
    ("customer_signs", _("Ask the customer to sign")),
    ("thank", _("Thank the customer")),
    ("next_steps", _("Say what happens next and leave the contact number")),
]
STEP_CODES = [code for code, _label in STEPS]

SPECIAL_CASES = [
    _("Late: apologise first, do not make excuses, start at once and finish quickly."),
    _("Cannot finish now: tell the customer at once, explain, offer a solution, ask the customer."),
    _("Customer not reachable at the agreed time: call again later, at the latest the next day."),
]
