"""Callback records (回访记录表, seed 004 / 003 / 001) and the questionnaire.

A record says who called whom and when, what was asked and answered, the satisfaction (1–5) and
what the customer said; its outcomes act at once, in the same transaction:

* no-show (the technician did not come): a missed service with the deduction and the order
  re-issued today marked 重发 (`workorder_reissue`, the work-order rules of seed 001);
* second visit (the problem is not solved): an open order is marked as needing another visit,
  a finished one gets a new repair order from the callback (`workorder_second_visit`);
* complaint: a complaint case registered and linked to the order (`case_register`);
* archive updates (birthday, preferences) written back to the customer
  (`customer_complete_archive`).

The task is closed with the record (`callback_task_mark_done`). The customer's own feedback
(feedback.py) writes its record through the same `_record_write`.

Reads for pages and the API (`record_list`, `record_get`, `questions_for`) are at the end.

The services are split by use case; every public name is re-exported here."""

from .common import (  # noqa: F401
    AGENT_CHANNELS,
    GREETING_KINDS,
    MAX_TEXT,
    ON_TIME,
    PROBLEM_SOLVED,
    QUESTION_ROLES,
    READ_ROLES,
    RECORD_ROLES,
    SATISFACTION,
    SERVICE_KINDS,
    SPECIAL_CODES,
    A,
    K,
    T,
    _lock_task,
    _org_id,
    _record_write,
    check_recordable,
    satisfaction_value,
)
from .create import (  # noqa: F401
    callback_record_create,
)
from .questionnaire import (  # noqa: F401
    DEFAULT_QUESTIONS,
    asks_on,
    ensure_questionnaire,
    question_save,
    questions_for,
)
from .read import (  # noqa: F401
    can_read,
    can_record,
    outcome_summary,
    record_get,
    record_list,
    task_for_record,
)
