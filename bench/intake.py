"""Order intake through the real URLs: the API create and the hotline page form.

Four cases, each BENCH_N (default 300) requests per round, BENCH_REPEAT (default 3) rounds:

* ``api_new``: POST /api/v1/workorders/ for a caller the system does not know yet (registers the
  customer, then the order);
* ``api_existing``: the same for a known caller (found by phone, no open order of that kind);
* ``page_new`` / ``page_existing``: the same through the page form ``/workorders/new/``.

Prints per case: orders/s (best and worst round), p50/p95/p99 of one request over all rounds,
and the SQL queries of one request (counted on a separate request, so counting costs no time);
``save`` is the bare ``WorkOrder.save()`` of a new row (compare with the peer's ``Ticket.save()``
in ``bench/peer_helpdesk.py``).
`--profile` adds the top functions of a cProfile over one round of ``api_new``.

Run: ``python -m bench intake`` (``DATABASE_URL=postgres://...`` for PostgreSQL).
"""

from __future__ import annotations

import cProfile
import io
import itertools
import os
import pstats

from ._timing import percentiles, queries_of, timed

_phone = itertools.count(10_000_000)


def _cast():
    from django.contrib.auth.models import Group

    from shouhou.org.models import Organisation, Store, User
    from shouhou.org.roles import ensure_roles

    ensure_roles()
    org = Organisation.objects.create(name="压测受理", code="bench-intake", kind="market")
    store = Store.all_objects.create(organisation=org, name="压测店", code="b1")
    desk = User.objects.create(username="bench-intake-desk", organisation=org, store=store)
    desk.groups.add(Group.objects.get(name="service_desk"))
    return org, store, desk


def _existing_callers(org, store, n: int) -> list[str]:
    """n known customers with an address and no order yet; their mobiles."""
    from shouhou.customers.models import Customer, CustomerAddress

    mobiles = [f"139{next(_phone):08d}" for _ in range(n)]
    customers = Customer.all_objects.bulk_create(
        [
            Customer(organisation=org, name=f"老客户{i}", mobile=m, store=store)
            for i, m in enumerate(mobiles)
        ]
    )
    CustomerAddress.all_objects.bulk_create(
        [
            CustomerAddress(
                organisation=org,
                customer=c,
                district="朝阳区",
                detail=f"老路{c.pk}号",
                is_default=True,
            )
            for c in customers
        ]
    )
    return mobiles


def _api_post(client, mobile, i):
    return client.post(
        "/api/v1/workorders/",
        {
            "source": "hotline",
            "kind": "repair",
            "description": "热水器不出热水",
            "customer_data": {
                "name": "李先生",
                "mobile": mobile,
                "district": "朝阳区",
                "address_detail": f"压测路{i}号",
            },
        },
        content_type="application/json",
        headers={"Idempotency-Key": f"bench-{mobile}"},
    )


def _page_post(client, mobile, i):
    return client.post(
        "/workorders/new/",
        {
            "source": "hotline",
            "kind": "repair",
            "mobile": mobile,
            "name": "李先生",
            "district": "朝阳区",
            "address_detail": f"压测路{i}号",
            "description": "热水器不出热水",
            "idempotency_key": f"page-{mobile}",
        },
    )


def run() -> dict:
    from django.test import Client

    n = int(os.environ.get("BENCH_N", 300))
    rounds = int(os.environ.get("BENCH_REPEAT", 3))
    org, store, desk = _cast()
    client = Client()
    client.force_login(desk)

    def new_mobiles(k):
        return [f"136{next(_phone):08d}" for _ in range(k)]

    cases = {
        "api_new": (_api_post, new_mobiles, lambda r: r.status_code == 201),
        "api_existing": (
            _api_post,
            lambda k: _existing_callers(org, store, k),
            lambda r: r.status_code == 201 and not r.json()["joined"],
        ),
        "page_new": (_page_post, new_mobiles, lambda r: r.status_code == 302),
        "page_existing": (
            _page_post,
            lambda k: _existing_callers(org, store, k),
            lambda r: r.status_code == 302,
        ),
    }
    # Warm-up: the first order of an organisation may write its default configuration.
    for post, mobiles, ok in cases.values():
        for i, m in enumerate(mobiles(3)):
            assert ok(post(client, m, i)), "warm-up request failed"
    out = {"requests_per_round": n, "rounds": rounds, "load_average_at_start": _load()}
    for name, (post, mobiles, ok) in cases.items():
        counted = mobiles(2)
        queries_of(lambda p=post, c=counted: p(client, c[0], 0))  # a first request warms caches
        queries = queries_of(lambda p=post, c=counted: p(client, c[1], 1))
        samples, rates = [], []
        for _ in range(rounds):
            ms = mobiles(n)
            lat, secs = timed(lambda i, p=post, m=ms: p(client, m[i], i), n, expect=ok)
            samples += lat
            rates.append(round(n / secs, 1))
        out[name] = {
            "orders_per_second": max(rates),
            "orders_per_second_rounds": rates,
            **percentiles(samples),
            "queries_per_request": queries,
        }
    out["save"] = _bare_saves(org, store, n)
    replay = mobiles = new_mobiles(1)
    assert _api_post(client, replay[0], 0).status_code == 201
    out["api_replay_queries"] = queries_of(lambda: _api_post(client, mobiles[0], 0))
    if os.environ.get("BENCH_PROFILE"):
        ms = new_mobiles(n)
        prof = cProfile.Profile()
        prof.enable()
        for i in range(n):
            _api_post(client, ms[i], i)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(
            "shouhou|rest_framework", 30
        )
        out["profile_api_new"] = [
            line.strip()
            for line in buf.getvalue().splitlines()
            if "shouhou" in line or "rest_framework" in line
        ][:30]
    out["load_average_at_end"] = _load()
    return out


def _bare_saves(org, store, n: int) -> dict:
    """The bare row cost: `WorkOrder(...).save()` of a new order of a known customer, numbered
    by hand (no service, no history, no audit), the peer's `Ticket.save()` counterpart."""
    from django.utils import timezone

    from shouhou.customers.models import Customer
    from shouhou.workorders.models import WorkOrder

    customer = Customer.all_objects.create(
        organisation=org, name="压测客户", mobile=f"137{next(_phone):08d}", store=store
    )
    now = timezone.now()
    numbers = itertools.count(1)

    def save(i):
        WorkOrder(
            organisation=org,
            number=f"BARE-{next(numbers):07d}",
            kind="repair",
            source="hotline",
            status="new",
            customer=customer,
            contact_phone=customer.mobile,
            store=store,
            description="热水器不出热水",
            received_at=now,
            reported_at=now,
        ).save()

    lat, secs = timed(save, n)
    return {"saves_per_second": round(n / secs, 1), **percentiles(lat)}


def _load():
    return [round(x, 2) for x in os.getloadavg()]
