"""The locust side of ``python -m bench load``: ``python -m bench.load_locust PLAN OUT``.

A process of its own because importing locust patches the standard library with gevent (and
Django is not wanted here). Reads the plan (host, users, seconds, tokens, ids) that
``bench/load.py`` wrote, runs the mix of ``bench.load.MIX`` with locust as a library, and writes
every request's (endpoint, ms, ok, bytes on the wire) after the warm-up, plus the first error of
each endpoint.
"""

from __future__ import annotations

if __name__ == "__main__":
    # Before anything imports socket or threading (locust would patch them too, but late).
    from gevent import monkey

    monkey.patch_all()

import itertools
import json
import random
import sys
import time
import uuid

from .load import CALLBACK, CREATE, MIX, REPORT

_new_caller = itertools.count(int(time.time()) % 10_000_000)


def path_for(path: str, plan: dict, rnd: random.Random) -> str:
    """The request's path: `{order}` an order to open, `{mobile}` a known caller."""
    if "{order}" in path:
        path = path.replace("{order}", str(rnd.choice(plan["orders"])))
    if "{mobile}" in path:
        path = path.replace("{mobile}", rnd.choice(plan["mobiles"]))
    return path


def body_for(name: str, plan: dict, rnd: random.Random) -> dict | None:
    """A valid body as an agent's client sends it: an intake for a known caller (half the
    calls; it joins the caller's open order when there is one) or a new caller; a callback on a
    completed order with the answers a satisfied customer gives."""
    part = next(p for n, p, *_ in MIX if n == name)
    if part == CREATE:
        if rnd.random() < 0.5:
            mobile = rnd.choice(plan["mobiles"])
        else:
            mobile = f"136{next(_new_caller) % 100_000_000:08d}"
        return {
            "source": "hotline",
            "kind": rnd.choice(["repair", "repair", "installation"]),
            "description": rnd.choice(["热水器不出热水", "马桶漏水，地面有积水", "橱柜门铰链松了"]),
            "is_emergency": rnd.random() < 0.05,
            "customer_data": {
                "name": "李先生",
                "mobile": mobile,
                "district": "朝阳区",
                "address_detail": f"压测路{rnd.randrange(1, 999)}号",
            },
        }
    if part == CALLBACK:
        return {
            "work_order": rnd.choice(plan["callback_orders"]),
            "channel": "phone",
            "satisfaction": rnd.choice([5, 5, 4, 3]),
            "technician_came": True,
            "on_time": True,
            "problem_solved": True,
            "comment": "满意",
        }
    return None


def main(plan_path: str, out_path: str) -> None:
    import gevent
    from locust import FastHttpUser, constant, events, task
    from locust.env import Environment

    with open(plan_path) as f:
        plan = json.load(f)
    mix = plan.get("mix") or MIX
    names = [m[0] for m in mix]
    weights = [m[2] for m in mix]
    by_name = {m[0]: m for m in mix}
    seats = itertools.cycle(plan["seats"])
    think = plan["think"]
    samples: list = []
    failures: dict = {}
    counting_from = [0.0]

    class Agent(FastHttpUser):
        host = plan["host"]
        wait_time = constant(think) if not think else lambda self: random.uniform(0, 2 * think)  # noqa: S311
        network_timeout = 60.0
        connection_timeout = 60.0

        def on_start(self):
            self.rnd = random.Random()
            self.token = next(seats)

        @task
        def one(self):
            name = self.rnd.choices(names, weights)[0]
            _n, part, _w, method, path = by_name[name]
            token = plan["reporter"] if part == REPORT else self.token
            headers = {
                "Authorization": f"Token {token}",
                "X-Forwarded-Proto": "https",
                "Accept": "application/json",
            }
            body = body_for(name, plan, self.rnd)
            if body is not None:
                headers["Idempotency-Key"] = str(uuid.uuid4())
            with self.client.request(
                method,
                path_for(path, plan, self.rnd),
                name=name,
                headers=headers,
                json=body,
                catch_response=True,
            ) as resp:
                if 200 <= (resp.status_code or 0) < 300:
                    resp.success()
                else:
                    resp.failure(f"{resp.status_code} {(resp.text or '')[:300]}")

    def on_request(name, response_time, response_length, exception, response=None, **_kw):
        if time.time() < counting_from[0]:
            return
        wire = response_length
        if response is not None and getattr(response, "headers", None):
            wire = int(response.headers.get("content-length") or response_length or 0)
        samples.append((name, response_time, exception is None, wire))
        if exception is not None and name not in failures:
            failures[name] = str(exception)[:400]

    events.request.add_listener(on_request)
    env = Environment(user_classes=[Agent], events=events)
    runner = env.create_local_runner()
    started = time.time()
    counting_from[0] = started + plan["warmup"]
    runner.start(plan["users"], spawn_rate=max(1, plan["users"]))
    gevent.spawn_later(plan["warmup"] + plan["seconds"], runner.quit)
    runner.greenlet.join()
    seconds = time.time() - counting_from[0]
    with open(out_path, "w") as f:
        json.dump({"seconds": seconds, "samples": samples, "failures": failures}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
