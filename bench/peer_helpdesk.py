"""The peer of `python -m bench intake` and `lists`: django-helpdesk 2.6 measured the same way.

django-helpdesk is not a dependency of Shouhou: run this file with the Python of a throw-away
virtualenv that has it (the README of this folder shows how), against a PostgreSQL server:

    python3 -m venv /tmp/hdv && /tmp/hdv/bin/pip install "django-helpdesk==2.6.*" "psycopg[binary]"
    /tmp/hdv/bin/python bench/peer_helpdesk.py            # BENCH_N, BENCH_REPEAT, BENCH_ROWS

It creates (and drops at the end) the database `bench_helpdesk` on 127.0.0.1:5432 (user
postgres; `BENCH_PG_HOST`/`BENCH_PG_USER` to change), migrates it, and measures with the Django
test client in-process, as the Shouhou benchmarks do:

* `api_create`: POST /helpdesk/api/tickets/ by a staff user (the peer's API create: a
  `TicketForm` saves the ticket, its first follow-up and the notifications), BENCH_N requests
  per round, BENCH_REPEAT rounds, after a warm-up; tickets/s per round, p50/p95/p99 of one
  request and the SQL queries of one request;
* `save`: the bare `Ticket.save()` of a new ticket (the row cost without the form);
* `seed`: BENCH_ROWS tickets (default 100,000) with `bulk_create`, rows/s;
* `list_api` / `list_page` / `list_rows`: at BENCH_ROWS tickets, GET /helpdesk/api/tickets/
  (page 1 of its page-number pagination), the staff's ticket list page (a frame) and the JSON
  rows that page loads (`datatables_ticket_list`: 50 open tickets, newest first, with a COUNT).

Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django
from django.conf import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import percentiles, queries_of, timed  # noqa: E402

DB = "bench_helpdesk"
PG = {
    "HOST": os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
    "PORT": "5432",
    "USER": os.environ.get("BENCH_PG_USER", "postgres"),
}


def _configure() -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": DB, **PG}},
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.sites",
            "django.contrib.humanize",
            "rest_framework",
            "helpdesk",
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        SITE_ID=1,
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        STATIC_URL="/static/",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        HELPDESK_TEAMS_MODE_ENABLED=False,
        HELPDESK_API_ENABLED=True,
    )
    django.setup()


urlpatterns: list = []


def _database(create: bool) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **_pg_kwargs()) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        if create:
            conn.execute(f"CREATE DATABASE {DB}")


def _pg_kwargs() -> dict:
    return {"host": PG["HOST"], "port": PG["PORT"], "user": PG["USER"]}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def run() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import include, path

    urlpatterns.append(path("helpdesk/", include("helpdesk.urls")))
    call_command("migrate", verbosity=0)
    from helpdesk.models import Queue, Ticket

    n = int(os.environ.get("BENCH_N", 300))
    rounds = int(os.environ.get("BENCH_REPEAT", 3))
    rows = int(os.environ.get("BENCH_ROWS", 100_000))
    user = get_user_model().objects.create_user(
        "bench-staff", "staff@example.com", "x", is_staff=True, is_superuser=True
    )
    queue = Queue.objects.create(title="Repairs", slug="repairs", allow_public_submission=True)
    client = Client()
    client.force_login(user)

    def create(i: int):
        return client.post(
            "/helpdesk/api/tickets/",
            {
                "queue": queue.pk,
                "title": "热水器不出热水",
                "description": f"压测路{i}号 李先生 13800000000",
                "submitter_email": f"c{i}@example.com",
                "priority": 3,
            },
            content_type="application/json",
        )

    def ok(resp) -> bool:
        return resp.status_code == 201

    out: dict = {"peer": "django-helpdesk " + _version(), "load_average_at_start": _load()}
    for i in range(5):  # warm-up
        assert ok(create(i)), create(i).content
    queries_of(lambda: create(0))
    queries = queries_of(lambda: create(1))
    samples, rates = [], []
    for _ in range(rounds):
        lat, secs = timed(create, n, expect=ok)
        samples += lat
        rates.append(round(n / secs, 1))
    out["api_create"] = {
        "tickets_per_second": max(rates),
        "tickets_per_second_rounds": rates,
        **percentiles(samples),
        "queries_per_request": queries,
    }

    def bare(i: int) -> None:
        Ticket(queue=queue, title="热水器不出热水", description="bare", priority=3).save()

    lat, secs = timed(bare, n)
    out["save"] = {"saves_per_second": round(n / secs, 1), **percentiles(lat)}

    started = time.perf_counter()
    batch = 5_000
    for start in range(0, rows, batch):
        Ticket.objects.bulk_create(
            [
                Ticket(
                    queue=queue,
                    title=f"工单{start + k}",
                    description="seeded",
                    priority=3,
                    status=1 + (start + k) % 4,
                    submitter_email=f"s{start + k}@example.com",
                )
                for k in range(min(batch, rows - start))
            ]
        )
    secs = time.perf_counter() - started
    out["seed"] = {"rows": rows, "rows_per_second": round(rows / secs)}

    from helpdesk.query import query_to_base64

    # The staff's ticket list is a page whose rows come from this JSON view (page 1: 25 open
    # tickets, newest first, with the COUNT datatables shows).
    open_newest = query_to_base64(
        {
            "filtering": {"status__in": [1, 2]},
            "sorting": "created",
            "search_string": "",
            "sortreverse": True,
        }
    )
    for name, url in (
        ("list_api", "/helpdesk/api/tickets/"),
        ("list_page", "/helpdesk/tickets/"),
        ("list_rows", f"/helpdesk/datatables_ticket_list/{open_newest}?length=50"),
    ):

        def get(i: int, url: str = url):
            return client.get(url)

        assert get(0).status_code == 200
        list_queries = queries_of(lambda: get(0))
        # The peer's API list runs queries per ticket of the whole queue (seconds at 20,000
        # tickets): a few samples say enough.
        times = 3 if name == "list_api" else max(20, n // 6)
        lat = []
        for _ in range(rounds):
            lat += timed(get, times, expect=lambda r: r.status_code == 200)[0]
        out[name] = {**percentiles(lat), "queries_per_request": list_queries}
    out["load_average_at_end"] = _load()
    return out


def _version() -> str:
    from importlib.metadata import version

    return version("django-helpdesk")


if __name__ == "__main__":
    _database(create=True)
    try:
        _configure()
        result = run()
    finally:
        from django.db import connections

        connections.close_all()
        _database(create=False)
    print(json.dumps(result, ensure_ascii=False))
