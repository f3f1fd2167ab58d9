"""Shared helpers of the request benchmarks: percentiles and per-request query counts."""

from __future__ import annotations

import statistics
import time


def percentiles(samples_ms: list[float]) -> dict:
    """p50/p95/p99/max of millisecond samples, rounded to 0.1 ms."""
    if not samples_ms:
        return {}
    s = sorted(samples_ms)

    def at(q):
        return round(s[min(len(s) - 1, int(round(q * (len(s) - 1))))], 1)

    return {
        "n": len(s),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "max_ms": round(s[-1], 1),
        "mean_ms": round(statistics.fmean(s), 1),
    }


def timed(fn, n: int, *, expect=None) -> tuple[list[float], float]:
    """Call fn(i) n times; (per-call ms, total seconds). `expect(response)` must be true."""
    out = []
    started = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        resp = fn(i)
        out.append((time.perf_counter() - t) * 1000)
        if expect is not None and not expect(resp):
            raise AssertionError(f"unexpected response {getattr(resp, 'status_code', resp)}")
    return out, time.perf_counter() - started


def queries_of(fn) -> int:
    """How many SQL queries one call of fn() runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)
