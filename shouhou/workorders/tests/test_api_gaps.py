"""Smaller API gaps (issue 16.11): the repeat-contact count on the order's detail and list rows,
and a technician's self-reported job for a customer not on file, checked as at the desk."""

import pytest

from shouhou.customers.models import Customer
from shouhou.workorders.models import WorkOrder

from .factories import make_technician

pytestmark = pytest.mark.django_db
URL = "/api/v1/workorders/"


def _caller(**customer):
    return {
        "source": "hotline",
        "kind": "repair",
        "description": "淋浴房门关不上",
        "customer_data": {
            "name": "刘女士",
            "mobile": "13811112222",
            "district": "东城区",
            "address_detail": "和平里5号",
            **customer,
        },
    }


def test_the_list_rows_count_the_repeat_contacts_of_each_order(api, desk):
    first = api.as_(desk).post(URL, _caller()).json()
    api.post(URL, _caller())  # the same caller again: joins the open order
    other = api.post(URL, _caller(mobile="13811113333")).json()
    rows = {row["id"]: row for row in api.get(URL).json()["results"]}
    assert rows[first["id"]]["repeat_contacts"] == 1
    assert rows[other["id"]]["repeat_contacts"] == 0
    assert api.get(f"{URL}{first['id']}/").json()["repeat_contacts"] == 1


def _self_report(**customer):
    return {
        "source": "technician",
        "kind": "repair",
        "description": "客户在小区门口拦住师傅报修",
        "customer_data": {
            "name": "周建国",
            "mobile": "13912345678",
            "district": "海淀区",
            "address_detail": "学院路30号",
            **customer,
        },
    }


@pytest.mark.parametrize(
    ("customer", "field"),
    [
        ({"name": "某先生"}, "name"),
        ({"mobile": "1391234"}, "mobile"),
        ({"district": ""}, "district"),
    ],
)
def test_a_technicians_self_reported_job_for_a_new_customer_is_checked_as_at_the_desk(
    api, org, customer, field
):
    tech = make_technician(org)
    r = api.as_(tech.user).post(URL, _self_report(**customer), **{"Idempotency-Key": "t-1"})
    assert r.status_code == 400, r.content
    assert field in r.json()["error"]["fields"]
    assert not WorkOrder.objects.exists() and not Customer.objects.exists()


def test_a_technicians_self_reported_job_for_a_valid_new_customer_registers_them(api, org):
    tech = make_technician(org)
    r = api.as_(tech.user).post(URL, _self_report(), **{"Idempotency-Key": "t-2"})
    assert r.status_code == 201, r.content
    order = WorkOrder.objects.get(pk=r.json()["id"])
    assert order.customer.name == "周建国" and order.technician == tech
    assert Customer.objects.get().mobile == "13912345678"
