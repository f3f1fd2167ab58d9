"""Test data for the performance figures: visited orders with exactly the facts a test needs."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from shouhou.workorders.tests.factories import make_customer, make_technician  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def visited(
    org,
    tech,
    when: dt.datetime,
    *,
    customer=None,
    store=None,
    late_contact=False,
    late_onsite=False,
    arrived=True,
    status="closed",
    **fields,
):
    """An order visited at `when` (arrived then, completed an hour later), contacted and on site
    in time unless told otherwise."""
    from shouhou.workorders.models import WorkOrder

    n = next(_seq)
    customer = customer or make_customer(org, store=store)
    values = {
        "organisation": org,
        "number": f"T{n:06d}",
        "kind": "repair",
        "source": "hotline",
        "status": status,
        "customer": customer,
        "store": store,
        "technician": tech,
        "dispatch_seq": 1,
        "received_at": when - dt.timedelta(days=1),
        "dispatched_at": when - dt.timedelta(hours=20),
        "contact_due_at": when - dt.timedelta(hours=2),
        "contacted_at": when - (dt.timedelta(hours=1) if late_contact else dt.timedelta(hours=10)),
        "onsite_due_at": when - dt.timedelta(hours=1)
        if late_onsite
        else when + dt.timedelta(hours=1),
        "arrived_at": when if arrived else None,
        "completed_at": when + dt.timedelta(hours=1) if arrived else when,
    }
    values.update(fields)
    return WorkOrder.all_objects.create(**values)


def callback(order, *, satisfaction=None, on_time=None, technician_came=None, when=None):
    from shouhou.callbacks.models import CallbackRecord

    return CallbackRecord.all_objects.create(
        organisation_id=order.organisation_id,
        customer=order.customer,
        work_order=order,
        technician=order.technician,
        store=order.store,
        called_at=when or (order.completed_at + dt.timedelta(days=1)),
        satisfaction=satisfaction,
        on_time=on_time,
        technician_came=technician_came,
    )


def complaint(order, *, responsibility="", kind="complaint", number=None):
    from shouhou.complaints.models import Case

    n = next(_seq)
    return Case.all_objects.create(
        organisation_id=order.organisation_id,
        number=number or f"TS{n:05d}",
        kind=kind,
        customer=order.customer,
        store=order.store,
        work_order=order,
        description="师傅态度不好",
        responsibility=responsibility,
    )


def missed(order, *, technician=None, reason="no_reply", cycle=1):
    from shouhou.workorders.models import MissedService, WorkOrder

    WorkOrder.all_objects.filter(pk=order.pk).update(missed_service=True)
    return MissedService.all_objects.create(
        organisation_id=order.organisation_id,
        order=order,
        technician=technician or order.technician,
        reason=reason,
        cycle=cycle,
        detected_at=order.received_at + dt.timedelta(days=2),
    )


def orders_with(org, tech, month_day: dt.datetime, n: int, **kw) -> list:
    """n visited orders, one per hour from `month_day`."""
    return [visited(org, tech, month_day + dt.timedelta(hours=i), **kw) for i in range(n)]
