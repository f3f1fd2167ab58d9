"""gunicorn's configuration: `gunicorn shouhou.wsgi` run from the repository root reads it.

Chosen by measurement on a 2-core machine with PostgreSQL beside it (`python -m bench load`,
bench/README.md "Issue 26"). Every value can be changed from the environment (GUNICORN_*), e.g.
GUNICORN_WORKERS for a bigger machine; keep DB_POOL_MAX_SIZE (settings) at GUNICORN_THREADS.

- workers × threads: Python runs one thread at a time per process, so the processes give the
  cores and the threads fill the time a request waits for PostgreSQL. Default: one worker per
  core plus one, 4 threads each.
- timeout: a request still running after it is killed with its worker (the nginx in front gives
  up at 60 s). graceful_timeout: what a restart waits for requests in flight.
- max_requests with jitter: each worker is replaced after about that many requests (a slow leak
  cannot grow for ever), not all at the same moment.
- keepalive: nginx keeps connections to us open between requests.
- preload_app: Django and every app are imported once in the master and the workers are forked
  from it: a worker replaced after max_requests serves at once instead of spending seconds of
  CPU importing (on 2 cores, next to the others' requests), and the workers share that memory.
  No database connection is opened in the master (checked in when_ready).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

wsgi_app = "shouhou.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", _cores + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() not in ("0", "false", "no")
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
# Workers' heartbeat files in memory, not on a disk that may stall under load (gunicorn's advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The proxy's X-Forwarded-* are trusted from this address only (nginx on the same host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines are nginx's job; set GUNICORN_ACCESSLOG=- to have them here too.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# `gunicornc` control socket; GUNICORN_CONTROL_SOCKET=off when several servers share a user.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control == "off":
    control_socket_disable = True
elif _control:
    control_socket = _control


def when_ready(server):
    """In the master, before the first fork: import the URLconf (and with it every view and
    serializer) so that the workers start warm, and make sure the master holds no database
    connection or pool that the forked workers would share."""
    if not preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every app's views)
    for conn in connections.all(initialized_only=True):
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()
