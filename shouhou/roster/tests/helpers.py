from shouhou.workorders import services as wo
from shouhou.workorders.tests.factories import at


def new_order(desk, customer, when=None, **kw):
    kw.setdefault("source", "hotline")
    kw.setdefault("kind", "repair")
    kw.setdefault("description", "马桶漏水")
    return wo.workorder_intake(
        by=desk, customer=customer, now=when or at(2026, 3, 9, 9), **kw
    ).order
