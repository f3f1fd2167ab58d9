"""Callback coverage metrics (回访覆盖率): the reads behind the coverage page, its Excel and API.

Seed 004 §六.2: "100%会员客户回访" and "客户在接受了服务后,在3天之内回访是最有效的"; seed 003: a
delivery is called back within 3 days. So, for a period of local dates:

* `coverage(...)`: services (work orders completed in the period, not cancelled, not marked
  `no_callback`) and deliveries (delivered in the period): how many were called back in time,
  late, not at all, or are still inside their window; the share in time against the target
  (100%), for all customers and for members, in total and per store.

  *In time* means a `CallbackRecord` on that order / delivery with
  `completed_at <= called_at` and `called_at` on or before the deadline day, which is the
  completion's local date + `CallbackSettings.coverage_working_days` **working** days on the
  organisation's calendar (Friday 2026-09-25, a holiday, + 3 = Wednesday 2026-09-30). A record
  made before the completion (e.g. the call after the appointment) is not a callback of the
  service. *Pending*: no record yet and the deadline day has not ended; pending rows are left
  out of the percentage (``pct = in_time / (total - pending)``) so that a period that is still
  running is not shown as failing.

  The deadline is computed once per distinct completion date of the period in Python (at most
  366 dates, no query: the calendar is cached) and handed to the database as one ``CASE``
  over the completion time (consecutive dates with the same deadline share one branch); each
  row's state comes from one correlated subquery on its records (index on the link column);
  the counts are one ``GROUP BY`` (store, state, member) per kind. No Python loop over orders:
  `bench/callbacks_coverage.py` measures 1.7 s for a month of 200,000 orders and 20,000
  deliveries on PostgreSQL, 0.3 s for 20,000 on SQLite, and checks the numbers against a
  plain Python computation.
* `overdue(...)`: open callback tasks due before today, by kind and by agent, oldest first.
* `satisfaction(...)`: scored callback records of the period grouped by store, technician or
  product model: count, average (2 places), share satisfied (score >= `satisfied_from`) and
  not satisfied, and the count of each score 1-5; one grouped query.

Everything is read for one organisation (explicitly, with the unscoped managers, so jobs and the
benchmark can call it too). Who may read: `can_read(user)` = an office role of an organisation;
everyone else gets 403 (merchants and technicians have their own pages).

The services are split by use case; every public name is re-exported here."""

from .common import (  # noqa: F401
    DELIVERED_STATUSES,
    GROUPINGS,
    IN_TIME,
    LATE,
    LIST_LIMIT,
    MAX_PERIOD_DAYS,
    MISSING,
    PENDING,
    READER_ROLES,
    SATISFACTION_TITLES,
    STATES,
    XLSX_LIST_LIMIT,
    can_read,
    deadline_for,
    default_period,
    parse_period,
    period_errors,
    require_reader,
    resolve_grouping,
    resolve_store,
    target_pct,
)
from .coverage import (  # noqa: F401
    coverage,
)
from .overdue import (  # noqa: F401
    overdue,
)
from .report import (  # noqa: F401
    report,
    workbook,
)
from .satisfaction import (  # noqa: F401
    satisfaction,
)
