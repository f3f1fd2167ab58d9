"""Reads of callback tasks, limited to who may see them.

Callbacks are a call-centre function: the office roles of the organisation see its tasks;
technicians, delivery crews, merchants' administrators and the other field roles see none
(their lists answer 403). Every function takes the user and never reads another organisation.

* `call_list(user=, today=, unassigned=False)`: an agent's list for today — their open tasks
  (or the unassigned ones) that may be called today: overdue first, then due today, then the
  ones due later that may already be made; within each, re-issued orders (重发) first;
* `team_overview(user=, today=)`: per agent, the tasks for today, overdue and done today;
* `task_list(...)`: filters for the API; `task_get(user=, pk=)`: one task with its context;
* `dashboard_cards(user=)`: "my callbacks today" and "overdue callbacks".
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from shouhou.core.errors import NotFoundError, PermissionDeniedError
from shouhou.org import roles as r
from shouhou.org.models import User

from . import services
from .models import CallbackTask

T = CallbackTask.Status
READER_ROLES = tuple(sorted(r.OFFICE_ROLES))
# Overdue, then due today, then callable early.
RANK_OVERDUE, RANK_TODAY, RANK_EARLY = 0, 1, 2


def can_read(user) -> bool:
    return bool(getattr(user, "organisation_id", None)) and r.has_role(user, *READER_ROLES)


def _require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDeniedError()


def task_visible_qs(*, user):
    if not can_read(user):
        return CallbackTask.objects.none()
    return CallbackTask.objects.filter(organisation_id=user.organisation_id).select_related(
        "customer", "work_order", "delivery", "assigned_to"
    )


def callable_on(day: dt.date) -> Q:
    """Tasks that may be called on `day`: from `available_on`, or from the due day."""
    return Q(available_on__lte=day) | Q(available_on__isnull=True, due_on__lte=day)


def _today(today) -> dt.date:
    return today or timezone.localdate()


def with_rank(qs, today: dt.date):
    return qs.annotate(
        rank=Case(
            When(due_on__lt=today, then=Value(RANK_OVERDUE)),
            When(due_on=today, then=Value(RANK_TODAY)),
            default=Value(RANK_EARLY),
            output_field=IntegerField(),
        ),
        reissued=Case(
            When(work_order__is_reissued=True, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("rank", "-reissued", "due_on", "id")


def call_list(
    *,
    user,
    today: dt.date | None = None,
    unassigned: bool = False,
    agent=None,
    overdue: bool = False,
):
    """The open tasks to call today: the user's own (or, with `unassigned`, nobody's; or, for a
    supervisor, `agent`'s), overdue first, then due today, then due later but callable now;
    `overdue`: only those past their due day."""
    _require_reader(user)
    today = _today(today)
    qs = task_visible_qs(user=user).filter(status=T.OPEN).filter(callable_on(today))
    if overdue:
        qs = qs.filter(due_on__lt=today)
    if unassigned:
        qs = qs.filter(assigned_to__isnull=True)
    elif agent is not None and services.is_supervisor(user):
        qs = qs.filter(assigned_to_id=getattr(agent, "pk", agent))
    else:
        qs = qs.filter(assigned_to_id=user.pk)
    return with_rank(qs, today)


def task_list(
    *,
    user,
    mine: bool = False,
    unassigned: bool = False,
    assigned_to=None,
    status: str | None = None,
    kind: str | None = None,
    overdue: bool | None = None,
    due_from: dt.date | None = None,
    due_to: dt.date | None = None,
    callable_today: bool = False,
    today: dt.date | None = None,
    work_order=None,
    delivery=None,
):
    """Tasks the user may see; `work_order` / `delivery` (ids): only that order's or that
    delivery's callbacks (an id the user may not see gives an empty list, not an error)."""
    _require_reader(user)
    today = _today(today)
    qs = task_visible_qs(user=user)
    if work_order:
        qs = qs.filter(work_order_id=work_order)
    if delivery:
        qs = qs.filter(delivery_id=delivery)
    if mine:
        qs = qs.filter(assigned_to_id=user.pk)
    if unassigned:
        qs = qs.filter(assigned_to__isnull=True)
    if assigned_to:
        qs = qs.filter(assigned_to_id=assigned_to)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue is True:
        qs = qs.filter(status=T.OPEN, due_on__lt=today)
    elif overdue is False:
        qs = qs.exclude(status=T.OPEN, due_on__lt=today)
    if due_from:
        qs = qs.filter(due_on__gte=due_from)
    if due_to:
        qs = qs.filter(due_on__lte=due_to)
    if callable_today:
        qs = qs.filter(status=T.OPEN).filter(callable_on(today))
    return with_rank(qs, today)


def task_get(*, user, pk) -> CallbackTask:
    _require_reader(user)
    row = (
        task_visible_qs(user=user)
        .select_related("closed_by", "work_order__technician", "delivery__contract")
        .prefetch_related("attempt_rows__by")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if row is None:
        raise NotFoundError()
    return row


def task_record(task: CallbackTask):
    """The callback record written for the task, if any."""
    from .models import CallbackRecord

    return CallbackRecord.objects.filter(task=task).first()


def team_overview(*, user, today: dt.date | None = None) -> list[dict]:
    """For a supervisor: each agent (and "unassigned") with the open tasks callable today, the
    overdue ones among them and the tasks done today."""
    if not services.is_supervisor(user):
        raise PermissionDeniedError()
    today = _today(today)
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    end = start + dt.timedelta(days=1)
    open_today = Q(status=T.OPEN) & callable_on(today)
    counts = {
        row["assigned_to"]: row
        for row in CallbackTask.objects.filter(organisation_id=user.organisation_id)
        .filter(open_today | Q(status=T.DONE, closed_at__gte=start, closed_at__lt=end))
        .values("assigned_to")
        .annotate(
            today=Count("id", filter=open_today),
            overdue=Count("id", filter=Q(status=T.OPEN, due_on__lt=today)),
            done_today=Count("id", filter=Q(status=T.DONE)),
        )
        .order_by()
    }
    empty = {"today": 0, "overdue": 0, "done_today": 0}
    rows = []
    for agent in services.assignable_agents(user.organisation_id):
        c = counts.pop(agent.pk, empty)
        rows.append({"agent": agent, **{k: c[k] for k in empty}})
    # Tasks still assigned to someone who no longer takes calls, then the unassigned pool.
    for agent_id, c in counts.items():
        if agent_id is None:
            continue

        rows.append({"agent": User.objects.filter(pk=agent_id).first(), **{k: c[k] for k in empty}})
    c = counts.get(None, empty)
    rows.append({"agent": None, **{k: c[k] for k in empty}})
    return rows


def dashboard_cards(*, user) -> list[dict]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    if not can_read(user):
        return []
    today = timezone.localdate()
    mine = CallbackTask.objects.filter(
        organisation_id=user.organisation_id, status=T.OPEN, assigned_to_id=user.pk
    )
    cards = []
    if services.is_agent(user) or mine.exists():
        my_today = mine.filter(callable_on(today)).count()
        my_overdue = mine.filter(due_on__lt=today).count()
        cards.append(
            {
                "label": _("My callbacks today"),
                "value": my_today,
                "url": reverse("callbacks:my_list"),
                "alert": my_overdue > 0,
            }
        )
    if services.is_supervisor(user):
        overdue = CallbackTask.objects.filter(
            organisation_id=user.organisation_id, status=T.OPEN, due_on__lt=today
        ).count()
        cards.append(
            {
                "label": _("Overdue callbacks"),
                "value": overdue,
                "url": reverse("callbacks:team"),
                "alert": overdue > 0,
            }
        )
    elif cards:
        cards.append(
            {
                "label": _("My overdue callbacks"),
                "value": my_overdue,
                "url": reverse("callbacks:my_list"),
                "alert": my_overdue > 0,
            }
        )
    return cards


def due_today_count(*, user) -> int:
    """ "Callbacks" badge: the user's own open callbacks that may be called today or are late."""
    if not can_read(user):
        return 0
    today = timezone.localdate()
    return CallbackTask.objects.filter(
        Q(callable_on(today)) | Q(due_on__lt=today),
        organisation_id=user.organisation_id,
        status=T.OPEN,
        assigned_to_id=user.pk,
    ).count()
