"""Test data for work orders: customers, technicians with permits, orders in a given state."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from shouhou.customers.models import Customer, CustomerAddress
from shouhou.org.tests.factories import UserFactory
from shouhou.staff.models import ServiceStaff, WorkPermit

SH = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def make_customer(org, *, name="张伟", mobile=None, store=None, merchant=None) -> Customer:
    n = next(_seq)
    customer = Customer.all_objects.create(
        organisation=org,
        name=name,
        mobile=mobile or f"139{n:08d}",
        store=store,
        merchant=merchant,
    )
    CustomerAddress.all_objects.create(
        organisation=org, customer=customer, district="朝阳区", detail=f"幸福路{n}号"
    )
    return customer


def make_technician(
    org,
    *,
    kinds=("installation", "repair", "delivery"),
    permit=True,
    valid_until=dt.date(2030, 12, 31),
    issued_on=dt.date(2020, 1, 1),
    merchant=None,
    user=None,
    roles=("technician",),
    name=None,
) -> ServiceStaff:
    n = next(_seq)
    if user is None:
        user = UserFactory(roles=list(roles), organisation=org, display_name=name or f"师傅{n}")
    staff = ServiceStaff.all_objects.create(
        organisation=org,
        user=user,
        name=name or f"师傅{n}",
        mobile=f"137{n:08d}",
        kinds=list(kinds),
        employer=ServiceStaff.Employer.MERCHANT if merchant else ServiceStaff.Employer.MOBILE,
        merchant=merchant,
        status=ServiceStaff.Status.ACTIVE,
    )
    if permit:
        WorkPermit.all_objects.create(
            organisation=org,
            number=f"P{n:06d}",
            staff=staff,
            kinds=list(kinds),
            issued_on=issued_on,
            valid_until=valid_until,
        )
    return staff
