"""Twenty technicians draw the last parts at the same moment: one wins per part on hand, the
others get a Conflict naming the part, and the stock never goes below zero (PostgreSQL only:
SQLite serialises writers, so there is no race to test)."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from shouhou.core.errors import Conflict
from shouhou.parts import services as ps
from shouhou.parts.models import Move, Requisition, Stock
from shouhou.workorders.tests.factories import make_customer, make_technician

from .conftest import on_site


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
def test_twenty_technicians_drawing_the_last_part_never_oversell(
    org, store, desk, keeper, manager, central, part
):
    ps.receipt_create(by=keeper, location=central, supplier="厂家",
                      lines=[{"part": part.pk, "quantity": 3}])  # fmt: skip
    reqs = []
    for _i in range(20):
        tech = make_technician(org)
        order = on_site(desk, tech, make_customer(org, store=store))
        req = ps.requisition_create(by=tech.user, work_order=order, location=central,
                                    lines=[{"part": part.pk, "quantity": 1}], proposal="换")  # fmt: skip
        reqs.append(ps.requisition_approve(by=manager, requisition=req))
    barrier = threading.Barrier(len(reqs))
    results = []

    def go(req):
        from django.db import connection as conn

        barrier.wait()
        try:
            with scope(organisation=org):
                ps.requisition_issue(by=keeper, requisition=Requisition.all_objects.get(pk=req.pk))
            results.append("ok")
        except Conflict as exc:
            assert part.name in str(exc.message)
            results.append("409")
        finally:
            conn.close()

    threads = [threading.Thread(target=go, args=(q,)) for q in reqs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 3 and results.count("409") == 17
    assert Stock.all_objects.get(part=part, location=central).quantity == 0
    assert Move.all_objects.filter(kind="issue").count() == 3
