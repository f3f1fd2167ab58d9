"""The server under load: gunicorn on loopback, a call centre's mix, driven by locust.

``python -m bench load`` (PostgreSQL only):

1. uses its own database, ``BENCH_LOAD_DB`` (default ``shouhou_load``) on the server that
   ``DATABASE_URL`` names; creates it when missing, migrates, runs ``seed_demo`` and adds
   ``BENCH_ROWS`` (default 100,000) work orders to the demo market (``jiancai``) with the COPY of
   ``bench/lists.py``. A second run finds the data and only migrates (the orders the previous
   run created stay; they are a few thousand next to the 100,000);
2. issues API tokens for the demo users that work the queues (the seats) and the manager;
3. starts gunicorn on 127.0.0.1 with the project's configuration (``gunicorn.conf.py`` at the
   repository root; without it the command line of docs/deployment.md), in production settings
   (``DJANGO_ENV`` unset, DEBUG off), the requests carrying ``X-Forwarded-Proto: https`` as the
   documented nginx sets it;
4. checks every request of the mix once per seat (a seat that gets anything but 2xx is left out
   and named), then runs locust (``bench/load_locust.py``, a separate process: locust patches
   the standard library with gevent) with ``BENCH_LOAD_USERS`` users (default 50; ``10,50`` runs
   both) for ``BENCH_LOAD_SECONDS`` (default 60) after ``BENCH_LOAD_WARMUP`` seconds (default 10,
   not counted: every worker's first requests load its templates and caches). Users wait ``BENCH_LOAD_THINK`` seconds between requests (default 0: each user
   sends its next request when the answer came, as ``wrk -c`` does, so the figures are the
   server's capacity, not a call centre's pace);
5. prints requests/s, p50/p95/p99, errors and bytes per endpoint, per part of the mix and
   overall, and the load average of the machine (it is shared: read the figures with it).

``BENCH_LOAD_SKIP="report: daily"`` leaves endpoints out of the mix (their weight goes to the
rest of their part). ``BENCH_LOAD_JOBS=1`` runs each user count twice, the second time with ``manage.py runjobs
--all`` running in a loop beside the server (every job, back to back: the job runner sweeping
the 100,000 orders all the time, worse than its schedule), and prints the difference.
``BENCH_LOAD_GUNICORN="--workers 5 --threads 2"`` replaces the server's options (to compare
configurations); the server's settings come from the environment as in production
(``DB_POOL``, ``CONN_MAX_AGE``, ``API_GZIP`` …). ``--profile`` profiles the three slowest
endpoints (p95) in-process afterwards: time per request, SQL statements of one, cProfile of
``BENCH_N`` (default 20). ``BENCH_LOAD_PROFILE="report: daily,open order"`` profiles these
without starting a server.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from ._timing import percentiles

OWN_DATABASE = True  # bench/__main__.py: no throw-away test database for this one

ROOT = Path(__file__).resolve().parent.parent

# The mix: (name, part, weight, method, path). Weights are per cent of requests. `{order}`,
# `{mobile}` are filled per request by the locust user; the bodies are built there too.
READ, CREATE, CALLBACK, REPORT = "read", "create", "callback", "report"
MIX: list[tuple[str, str, int, str, str]] = [
    ("queue: unresolved", READ, 20, "GET", "/api/v1/workorders/?status=unresolved"),
    ("queue: default", READ, 10, "GET", "/api/v1/workorders/"),
    ("queue: overdue by due", READ, 6, "GET", "/api/v1/workorders/?due=overdue&sort=due"),
    ("queue: search caller", READ, 4, "GET", "/api/v1/workorders/?q={mobile}"),
    ("open order", READ, 24, "GET", "/api/v1/workorders/{order}/"),
    ("callback call list", READ, 6, "GET", "/api/v1/callback-tasks/call-list/"),
    ("create order", CREATE, 15, "POST", "/api/v1/workorders/"),
    ("record callback", CALLBACK, 10, "POST", "/api/v1/callback-records/"),
    ("report: daily", REPORT, 2, "GET", "/api/v1/workorders/daily-report/"),
    ("report: callback coverage", REPORT, 1, "GET", "/api/v1/callbacks/coverage/"),
    ("report: satisfaction", REPORT, 1, "GET", "/api/v1/callbacks/satisfaction/?by=technician"),
    ("report: ranking", REPORT, 1, "GET", "/api/v1/performance/ranking/"),
]
# What the issue asks of the mix: 70 / 15 / 10 / 5.
SHARES = {READ: 70, CREATE: 15, CALLBACK: 10, REPORT: 5}
# The seats: demo users who list queues, take calls and record callbacks; the reports are read
# by the manager (an agent's role does not see them all).
SEATS = ["clerk", "callcentre", "desk", "supervisor"]
REPORTER = "manager"
# The server's options when the repository has no gunicorn.conf.py: docs/deployment.md's command
# line for 2 cores (2 × CORES + 1 workers, 2 threads).
DOCUMENTED_CLI = (
    "--workers 5 --threads 2 --max-requests 2000 --max-requests-jitter 200 --timeout 60"
)


def mix_without(names, mix=MIX) -> list:
    """The mix without these endpoints, their weight given to the rest of their part of the
    mix (so the parts keep their shares)."""
    names = set(names)
    if not names:
        return list(mix)
    dropped: dict[str, float] = {}
    kept = []
    for entry in mix:
        if entry[0] in names:
            dropped[entry[1]] = dropped.get(entry[1], 0) + entry[2]
        else:
            kept.append(entry)
    out = []
    for name, part, weight, method, path in kept:
        rest = sum(e[2] for e in kept if e[1] == part)
        out.append((name, part, weight + dropped.get(part, 0) * weight / rest, method, path))
    return out


def active_mix() -> list:
    """MIX less the endpoints named in BENCH_LOAD_SKIP (comma-separated)."""
    skip = [x.strip() for x in os.environ.get("BENCH_LOAD_SKIP", "").split(",") if x.strip()]
    unknown = set(skip) - {m[0] for m in MIX}
    if unknown:
        raise SystemExit(f"BENCH_LOAD_SKIP: no such endpoint in the mix: {sorted(unknown)}")
    return mix_without(skip)


def shares(mix=MIX) -> dict[str, int]:
    """Per cent of the requests per part of the mix."""
    out: dict[str, int] = {}
    for _name, part, weight, _m, _p in mix:
        out[part] = out.get(part, 0) + weight
    return out


def summarise(samples, seconds: float, mix=MIX) -> dict:
    """Samples ``(name, ms, ok, bytes)`` of a run of `seconds` → per endpoint, per part of the
    mix and overall: requests, requests/s, p50/p95/p99/max ms, errors, mean bytes."""
    part_of = {name: part for name, part, *_ in mix}
    groups: dict[str, list] = {}
    for s in samples:
        groups.setdefault(s[0], []).append(s)
        groups.setdefault(f"[{part_of.get(s[0], '?')}]", []).append(s)
        groups.setdefault("all", []).append(s)

    def row(rows):
        p = percentiles([r[1] for r in rows])
        return {
            "n": p["n"],
            "rps": round(p["n"] / seconds, 1) if seconds else 0.0,
            "p50_ms": p["p50_ms"],
            "p95_ms": p["p95_ms"],
            "p99_ms": p["p99_ms"],
            "max_ms": p["max_ms"],
            "errors": sum(1 for r in rows if not r[2]),
            "bytes": round(sum(r[3] for r in rows) / len(rows)),
        }

    order = [name for name, *_ in mix] + [f"[{p}]" for p in SHARES] + ["all"]
    known = [k for k in order if k in groups] + sorted(set(groups) - set(order))
    return {k: row(groups[k]) for k in known}


def table(summary: dict) -> str:
    """The summary as a fixed-width text table."""
    head = f"{'endpoint':<28}{'n':>7}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'err':>6}{'bytes':>8}"
    lines = [head, "-" * len(head)]
    for name, r in summary.items():
        lines.append(
            f"{name:<28}{r['n']:>7}{r['rps']:>8}{r['p50_ms']:>8}{r['p95_ms']:>8}"
            f"{r['p99_ms']:>8}{r['max_ms']:>8}{r['errors']:>6}{r['bytes']:>8}"
        )
    return "\n".join(lines)


def difference(base: dict, other: dict) -> dict:
    """How `other` (with the jobs) compares with `base`: requests/s and p99 per cent."""

    def pct(a, b):
        return round(100.0 * (b - a) / a, 1) if a else None

    return {
        k: {
            "rps_pct": pct(base[k]["rps"], other[k]["rps"]),
            "p99_pct": pct(base[k]["p99_ms"], other[k]["p99_ms"]),
        }
        for k in base
        if k in other
    }


# --- database --------------------------------------------------------------------------------


def _database() -> str:
    """Point Django at the load database (created when missing); its URL for the children."""
    import psycopg
    from django.db import connection

    sd = connection.settings_dict
    if connection.vendor != "postgresql":
        raise SystemExit("bench load needs PostgreSQL: set DATABASE_URL=postgres://...")
    name = os.environ.get("BENCH_LOAD_DB", "shouhou_load")
    params = {
        "host": sd["HOST"] or "127.0.0.1",
        "port": sd["PORT"] or 5432,
        "user": sd["USER"],
        "password": sd["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    sd["NAME"] = name
    auth = sd["USER"] + (f":{sd['PASSWORD']}" if sd["PASSWORD"] else "")
    return f"postgres://{auth}@{params['host']}:{params['port']}/{name}"


def _seed(rows: int) -> dict:
    """Demo data plus `rows` orders of the demo market, unless a previous run left them."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from shouhou.customers.models import Customer
    from shouhou.org.models import Merchant, Organisation, Store
    from shouhou.staff.models import ServiceStaff
    from shouhou.workorders import states
    from shouhou.workorders.models import WorkOrder

    from . import lists

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    out: dict = {"migrate_seconds": round(time.perf_counter() - t0, 1)}
    if not Organisation.objects.filter(code="jiancai").exists():
        t0 = time.perf_counter()
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        out["seed_demo_seconds"] = round(time.perf_counter() - t0, 1)
    org = Organisation.objects.get(code="jiancai")
    have = WorkOrder.all_objects.filter(organisation=org, number__startswith="L").count()
    if have < rows:
        rnd = random.Random(26)

        def cycle(items, n):
            items = list(items)
            return [items[i % len(items)] for i in range(n)]

        stores = cycle(Store.all_objects.filter(organisation=org).order_by("pk"), 3)
        merchants = cycle(Merchant.all_objects.filter(organisation=org).order_by("pk"), 5)
        techs = cycle(ServiceStaff.all_objects.filter(organisation=org).order_by("pk"), 20)
        Customer.all_objects.bulk_create(
            [
                Customer(
                    organisation=org, name=f"压测客户{i}", mobile=f"135{i:08d}", store=stores[i % 3]
                )
                for i in range(5000)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        customers = list(Customer.all_objects.filter(organisation=org, mobile__startswith="135"))
        unresolved = sorted(states.UNRESOLVED_STATES)
        resolved = [s for s, _ in states.STATUS_CHOICES if s not in states.UNRESOLVED_STATES]
        now, year = timezone.now(), 365 * 24 * 3600
        t0 = time.perf_counter()
        made = lists._insert_orders(
            lists._order_row(
                i, rnd, org, stores, merchants, customers, techs, unresolved, resolved, now, year
            )
            for i in range(have, rows)
        )
        out["seeded_orders"] = made
        out["seed_rows_per_second"] = round(made / (time.perf_counter() - t0))
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    with connection.cursor() as cur:
        # The orders past the technician's first contact have been replied to (the rows of
        # bench/lists.py leave replied_at empty, which made every one of them "no news" in the
        # daily report: 29,000 rows in one answer).
        cur.execute(
            "UPDATE workorders_workorder SET replied_at = dispatched_at + interval '1 hour' "
            "WHERE organisation_id = %s AND number LIKE 'L%%' AND replied_at IS NULL "
            "AND dispatched_at IS NOT NULL AND status NOT IN ('new', 'dispatched')",
            [org.pk],
        )
        out["replied_at_set"] = cur.rowcount
    out["orders"] = WorkOrder.all_objects.filter(organisation=org).count()
    return out


def _plan(users: int, seconds: float, host: str) -> dict:
    """What the locust users need: tokens, ids to open and call back, callers' phones."""
    from django.db import connection

    from shouhou.core.authentication import token_issue
    from shouhou.org.models import Organisation, User

    org = Organisation.objects.get(code="jiancai")
    tokens = {
        u.username: token_issue(user=u).key
        for u in User.objects.filter(username__in=[*SEATS, REPORTER])
    }
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM workorders_workorder WHERE organisation_id = %s ORDER BY random() LIMIT 5000",
            [org.pk],
        )
        orders = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT id FROM workorders_workorder WHERE organisation_id = %s AND status IN ('completed', 'closed') "
            "ORDER BY random() LIMIT 20000",
            [org.pk],
        )
        callback_orders = [r[0] for r in cur.fetchall()]
        cur.execute(
            "SELECT mobile FROM customers_customer WHERE organisation_id = %s AND mobile LIKE '135%%' "
            "ORDER BY random() LIMIT 2000",
            [org.pk],
        )
        mobiles = [r[0] for r in cur.fetchall()]
    return {
        "host": host,
        "users": users,
        "seconds": seconds,
        "warmup": float(os.environ.get("BENCH_LOAD_WARMUP", 10)),
        "think": float(os.environ.get("BENCH_LOAD_THINK", 0)),
        "seats": [tokens[s] for s in SEATS if s in tokens],
        "reporter": tokens.get(REPORTER),
        "orders": orders,
        "callback_orders": callback_orders,
        "mobiles": mobiles,
        "mix": active_mix(),
    }


# --- server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(db_url: str) -> dict:
    """Production settings (DJANGO_ENV unset) with throw-away keys, on the load database."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ENV"}
    env.update(
        DATABASE_URL=db_url,
        SECRET_KEY="bench-load-" + "x" * 40,
        CUSTOMER_LINK_SECRET="bench-load-link-" + "y" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    return env


def server_command(port: int, conf_exists: bool, override: str = "") -> list[str]:
    """gunicorn's command: the repository's gunicorn.conf.py, else the documented options;
    `override` (BENCH_LOAD_GUNICORN) replaces either."""
    cmd = [sys.executable, "-m", "gunicorn", "shouhou.wsgi:application"]
    if override:
        cmd += ["--config", os.devnull, *shlex.split(override)]  # not ./gunicorn.conf.py
    elif conf_exists:
        cmd += ["--config", str(ROOT / "gunicorn.conf.py")]
    else:
        cmd += shlex.split(DOCUMENTED_CLI)
    # No control socket: its default path is per user, and other servers may run here.
    return cmd + ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]


class Server:
    def __init__(self, db_url: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = _server_env(db_url)
        conf = (ROOT / "gunicorn.conf.py").exists()
        self.cmd = server_command(self.port, conf, os.environ.get("BENCH_LOAD_GUNICORN", ""))
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (open while the server runs)
            "w+", prefix="bench-load-gunicorn-", suffix=".log", delete=False
        )
        self.proc: subprocess.Popen | None = None

    def start(self):
        self.proc = subprocess.Popen(  # noqa: S603
            self.cmd,
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the workers too
        )
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log.name}")
            try:
                if request(self.base + "/healthz", None)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer /healthz within 90 s: see {self.log.name}")

    def stop(self) -> int:
        """TERM to the master (graceful), then KILL to what is left of its process group after
        the graceful timeout; how many processes had to be killed."""
        if not self.proc:
            return 0
        pgid = self.proc.pid
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(45)
        left = 0
        for _ in range(10):
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                break
            left = 1
            time.sleep(0.5)
        else:
            os.killpg(pgid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait()
        return left


def request(url: str, token: str | None, method: str = "GET", body=None) -> tuple[int, bytes]:
    headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = f"preflight-{random.random()}"
    req = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=90) as resp:  # noqa: S310
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError as exc:  # a timeout, a dropped connection
        return 0, str(exc).encode()


class JobLoop:
    """`manage.py runjobs --all` back to back until stopped: the job runner sweeping."""

    def __init__(self, env: dict):
        self.env, self.failed = env, 0
        self.passes: list[float] = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.proc: subprocess.Popen | None = None

    def _run(self):
        while not self.stop_event.is_set():
            t0 = time.perf_counter()
            self.proc = subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "runjobs", "--all"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            code = self.proc.wait()
            if self.stop_event.is_set():
                break
            self.passes.append(round(time.perf_counter() - t0, 1))
            self.failed += code != 0

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_event.set()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
        self.thread.join(60)


# --- the run ---------------------------------------------------------------------------------


def preflight(base: str, plan: dict) -> dict:
    """One request of each endpoint per seat; seats with a non-2xx answer are left out."""
    from .load_locust import body_for, path_for

    rnd = random.Random(1)
    refused: dict = {}
    kept = []
    for token in plan["seats"]:
        bad = {}
        for name, part, _w, method, path in plan["mix"]:
            if part == REPORT:
                continue
            url = base + path_for(path, plan, rnd)
            status, content = request(url, token, method, body_for(name, plan, rnd))
            if not 200 <= status < 300:
                bad[name] = f"{status} {content[:200].decode(errors='replace')}"
        if bad:
            refused[token[:6]] = bad
        else:
            kept.append(token)
    bad = {}
    for name, part, _w, method, path in plan["mix"]:
        if part == REPORT:
            status, content = request(base + path, plan["reporter"], method)
            if not 200 <= status < 300:
                bad[name] = f"{status} {content[:200].decode(errors='replace')}"
    if bad:
        refused["reporter"] = bad
    plan["seats"] = kept
    return refused


def _drive(plan: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        plan_path, out_path = Path(tmp) / "plan.json", Path(tmp) / "out.json"
        plan_path.write_text(json.dumps(plan))
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.load_locust", str(plan_path), str(out_path)],
            cwd=ROOT,
            check=True,
            timeout=plan["warmup"] + plan["seconds"] + 120,
        )
        return json.loads(out_path.read_text())


def _one(server: Server, db_url: str, users: int, seconds: float, jobs: bool) -> dict:
    plan = _plan(users, seconds, server.base)
    refused = preflight(server.base, plan)
    if not plan["seats"]:
        raise SystemExit(f"no seat may run the mix: {json.dumps(refused, ensure_ascii=False)}")
    loop = JobLoop(server.env) if jobs else None
    load_before = [round(x, 2) for x in os.getloadavg()]
    if loop:
        loop.start()
    try:
        raw = _drive(plan)
    finally:
        if loop:
            loop.stop()
    load_after = [round(x, 2) for x in os.getloadavg()]
    summary = summarise(raw["samples"], raw["seconds"], plan["mix"])
    label = f"{users} users, {raw['seconds']:.0f} s" + (", job runner sweeping" if jobs else "")
    print(f"\n== {label}; load average {load_before} → {load_after}", flush=True)
    print(table(summary), flush=True)
    if raw.get("failures"):
        print(
            "errors (first of each):",
            json.dumps(raw["failures"], ensure_ascii=False)[:2000],
            flush=True,
        )
    out = {
        "users": users,
        "seconds": raw["seconds"],
        "jobs": jobs,
        "load_average": [load_before, load_after],
        "refused_seats": refused,
        "summary": summary,
        "failures": raw.get("failures", {}),
    }
    if loop:
        out["job_passes_seconds"] = loop.passes
        out["job_passes_failed"] = loop.failed
    return out


def slowest(summary: dict, k: int = 3) -> list[str]:
    """The `k` endpoints of the mix with the highest p95."""
    names = {m[0] for m in MIX}
    return sorted((e for e in summary if e in names), key=lambda e: -summary[e]["p95_ms"])[:k]


def _profile(names: list[str], n: int = 20) -> dict:
    """cProfile and SQL statements of these endpoints, in-process (test client, the same
    database, the orchestrator's settings)."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    from ._timing import queries_of
    from .load_locust import body_for, path_for

    plan = _plan(1, 0, "")
    token = plan["seats"][0]
    by_name = {m[0]: m for m in MIX}
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    rnd = random.Random(2)
    out = {}
    for name in names:
        _n, part, _w, method, path = by_name[name]
        c = Client(HTTP_AUTHORIZATION=f"Token {plan['reporter']}") if part == REPORT else client

        def call(c=c, method=method, path=path, name=name):
            url = path_for(path, plan, rnd)
            if method == "GET":
                return c.get(url)
            return c.post(
                url,
                json.dumps(body_for(name, plan, rnd)),
                content_type="application/json",
                headers={"Idempotency-Key": f"profile-{rnd.random()}"},
            )

        call()
        queries = queries_of(call)
        t0 = time.perf_counter()
        for _ in range(n):
            call()
        ms = (time.perf_counter() - t0) * 1000 / n
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(n):
            call()
        prof.disable()
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(40)
        out[name] = {"queries": queries, "mean_ms": round(ms, 1), "profile": s.getvalue()}
        print(
            f"\n== profile: {name}: {ms:.1f} ms per request in-process, {queries} SQL statements"
            f"\n{s.getvalue()}",
            flush=True,
        )
    return out


def run() -> dict:
    from django.db import connection

    rows = int(os.environ.get("BENCH_ROWS", 100_000))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", 60))
    counts = [int(x) for x in os.environ.get("BENCH_LOAD_USERS", "50").split(",") if x.strip()]
    jobs = os.environ.get("BENCH_LOAD_JOBS", "") not in ("", "0", "false")
    db_url = _database()
    setup = _seed(rows)
    only = [x.strip() for x in os.environ.get("BENCH_LOAD_PROFILE", "").split(",") if x.strip()]
    if only:  # no server: where the time of these endpoints goes
        n = int(os.environ.get("BENCH_N", 20))
        return {"setup": setup, "profile": {k: v["mean_ms"] for k, v in _profile(only, n).items()}}
    connection.close()
    server = Server(db_url)
    print(f"server: {' '.join(server.cmd[2:])} (log {server.log.name})", flush=True)
    results = []
    server.start()
    try:
        for users in counts:
            results.append(_one(server, db_url, users, seconds, jobs=False))
            if jobs:
                results.append(_one(server, db_url, users, seconds, jobs=True))
                diff = difference(results[-2]["summary"], results[-1]["summary"])
                results[-1]["difference_pct"] = diff
                print("with the jobs vs without (per cent):", json.dumps(diff["all"]), flush=True)
    finally:
        killed = server.stop()
    out = {
        "database": os.environ.get("BENCH_LOAD_DB", "shouhou_load"),
        "setup": setup,
        "server": " ".join(server.cmd[2:]),
        "skipped": os.environ.get("BENCH_LOAD_SKIP", ""),
        "server_env": {
            k: os.environ[k]
            for k in sorted(os.environ)
            if k.startswith(("DB_POOL", "CONN_", "API_GZIP", "GUNICORN_"))
        },
        "runs": results,
        "server_killed_after_graceful_stop": bool(killed),
    }
    if os.environ.get("BENCH_PROFILE"):
        out["profile"] = {
            k: v["mean_ms"] for k, v in _profile(slowest(results[0]["summary"])).items()
        }
    return out
