"""`python -m bench [name ...] [--rows N] [--repeat N] [--incremental]`: run benchmarks in a
throw-away database, print JSON lines.

Options are handed to the benchmarks as environment variables (`BENCH_ROWS`, `BENCH_REPEAT`,
`BENCH_INCREMENTAL`) so that each module keeps its plain `run() -> dict`.

Each benchmark is a module in this package with `run() -> dict`. The database is the one
DATABASE_URL names (PostgreSQL for the real numbers), but the benchmarks run in a fresh test
database created and dropped here, so they never touch real data.
"""

import json
import os
import sys
import time
from importlib import import_module

BENCHMARKS = [
    "customers_contracts",
    "workorders_sweep",
    "sweep",
    "callbacks_coverage",
    "callbacks_daily",
    "performance_month",
    "intake",
    "lists",
    "parts",
    "board",
    "plans",
]


def _options(argv):
    names, i = [], 0
    flags = {"--rows": "BENCH_ROWS", "--repeat": "BENCH_REPEAT", "--n": "BENCH_N"}
    while i < len(argv):
        arg = argv[i]
        name, _, value = arg.partition("=")
        if name in flags:
            if not value:
                i += 1
                value = argv[i]
            os.environ[flags[name]] = value
        elif arg == "--incremental":
            os.environ["BENCH_INCREMENTAL"] = "1"
        elif arg == "--profile":
            os.environ["BENCH_PROFILE"] = "1"
        else:
            names.append(arg)
        i += 1
    return names


def _module(name):
    try:
        return import_module(f"bench.{name}")
    except ModuleNotFoundError:
        return None


def _run(name):
    from django.db import connection
    from django_scopes import scopes_disabled

    try:
        module = import_module(f"bench.{name}")
    except ModuleNotFoundError as exc:
        print(json.dumps({"benchmark": name, "skipped": str(exc)}))
        return
    started = time.perf_counter()
    with scopes_disabled():
        result = module.run()
    result = {
        "benchmark": name,
        "database": connection.vendor,
        **result,
        "total_seconds": round(time.perf_counter() - started, 2),
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)


def main(argv):
    argv = _options(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shouhou.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    names = argv or BENCHMARKS
    # A benchmark with OWN_DATABASE (`load`: a server in another process needs a database it
    # can reach by name and that outlives one run) runs outside the throw-away test database.
    own = [n for n in names if getattr(_module(n), "OWN_DATABASE", False)]
    for name in own:
        _run(name)
    names = [n for n in names if n not in own]
    if not names:
        return
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        for name in names:
            _run(name)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
