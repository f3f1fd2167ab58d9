"""Test data for callback records: orders walked through the work-order services to a state,
a delivered delivery, and the callback task on each."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shouhou.callbacks.models import CallbackTask
from shouhou.callbacks.services import callback_task_create
from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import at, make_customer, make_technician

__all__ = ["at", "make_customer", "make_technician"]


def dispatched(desk, tech, customer, now, **kw):
    kw.setdefault("source", "hotline")
    kw.setdefault("kind", "repair")
    kw.setdefault("description", "马桶漏水")
    order = wo.workorder_intake(by=desk, customer=customer, now=now, **kw).order
    return wo.workorder_dispatch(by=desk, order=order, technician=tech, now=now)


def appointed(desk, tech, customer, now, appointment_at=None, **kw):
    order = dispatched(desk, tech, customer, now, **kw)
    return wo.workorder_appoint(
        by=tech.user,
        order=order,
        appointment_at=appointment_at or now + dt.timedelta(hours=3),
        now=now,
    )


def done(desk, tech, customer, now, **kw):
    order = appointed(desk, tech, customer, now, appointment_at=now + dt.timedelta(hours=1), **kw)
    order = wo.workorder_arrive(by=tech.user, order=order, now=now + dt.timedelta(hours=1))
    return wo.workorder_complete(
        by=tech.user,
        order=order,
        findings="进水阀老化",
        work_done="更换进水阀",
        now=now + dt.timedelta(hours=2),
    )


def task_on(
    *,
    kind: str,
    customer=None,
    work_order=None,
    delivery=None,
    due_on: dt.date | None = None,
    assigned_to=None,
    key: str | None = None,
) -> CallbackTask:
    """The (one) task of `kind` for the order / delivery / customer, due `due_on`, open."""
    subject = work_order or delivery or customer
    customer = customer or subject.customer
    org = customer.organisation
    qs = CallbackTask.all_objects.filter(
        organisation=org, kind=kind, work_order=work_order, delivery=delivery, customer=customer
    )
    task = qs.first()
    if task is None:
        task = callback_task_create(
            organisation=org,
            customer=customer,
            work_order=work_order,
            delivery=delivery,
            kind=kind,
            due_on=due_on or timezone.localdate(),
            source_key=key or f"test:{kind}:{subject._meta.model_name}:{subject.pk}",
        )
    CallbackTask.all_objects.filter(pk=task.pk).update(
        due_on=due_on or timezone.localdate(),
        available_on=None,
        status=CallbackTask.Status.OPEN,
        assigned_to=assigned_to,
    )
    task.refresh_from_db()
    return task


def delivered(*, sales, supervisor, crew, store, customer=None):
    """A contract delivered today through the delivery services (crew, balance, signature)."""
    from shouhou.delivery import services as ds
    from shouhou.delivery.tests.factories import SIGNATURE, full_checklist, make_contract

    contract = make_contract(sales, store, customer=customer)
    d = ds.delivery_schedule(by=sales, contract=contract, scheduled_date=timezone.localdate())
    ds.delivery_workshop_done(by=supervisor, delivery=d)
    ds.delivery_assign(by=supervisor, delivery=d, crew=crew, vehicle="京A12345")
    ds.delivery_load(by=crew.user, delivery=d, lines=full_checklist(contract), tool_kit=True)
    ds.delivery_depart(by=crew.user, delivery=d)
    contract.refresh_from_db()
    ds.delivery_collect_balance(
        by=crew.user,
        delivery=d,
        amount=contract.balance_due,
        method="cash",
        receipt_no="SJ-1",
    )
    return ds.delivery_complete(
        by=crew.user,
        delivery=d,
        signature=SIGNATURE,
        signer_name=contract.customer.name,
        satisfaction=5,
        comments="",
    )
