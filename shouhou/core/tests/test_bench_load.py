"""The pure parts of the load benchmark (bench/load.py, bench/load_locust.py): the mix, the
result table and the bodies it sends. The timed run itself is `python -m bench load`."""

import random

import pytest

from bench import load
from bench.load_locust import body_for, path_for

PLAN = {"orders": [7, 8], "callback_orders": [9], "mobiles": ["13500000001"]}


def test_the_mix_is_seventy_per_cent_reads_fifteen_creates_ten_callbacks_five_reports():
    assert load.shares() == {"read": 70, "create": 15, "callback": 10, "report": 5}
    assert load.shares() == load.SHARES
    assert sum(w for _n, _p, w, _m, _u in load.MIX) == 100


def test_the_summary_gives_requests_per_second_percentiles_and_errors_per_endpoint_part_and_overall():
    samples = [("open order", float(ms), True, 700) for ms in range(1, 101)]
    samples += [("create order", 50.0, False, 100), ("create order", 30.0, True, 300)]
    s = load.summarise(samples, seconds=10)
    assert list(s) == ["open order", "create order", "[read]", "[create]", "all"]
    assert s["open order"] == {
        "n": 100,
        "rps": 10.0,
        "p50_ms": 51.0,
        "p95_ms": 95.0,
        "p99_ms": 99.0,
        "max_ms": 100.0,
        "errors": 0,
        "bytes": 700,
    }
    assert s["create order"]["errors"] == 1
    assert s["create order"]["bytes"] == 200
    assert s["all"]["n"] == 102
    assert s["all"]["errors"] == 1
    assert s["all"]["rps"] == 10.2


def test_the_table_has_a_line_per_row_under_the_header():
    s = load.summarise([("open order", 5.0, True, 10)], seconds=1)
    lines = load.table(s).splitlines()
    assert lines[0].split()[:3] == ["endpoint", "n", "req/s"]
    assert [line.split()[0] for line in lines[2:]] == ["open", "[read]", "all"]


def test_the_difference_with_the_jobs_is_in_per_cent_of_the_run_without():
    base = {"all": {"rps": 200.0, "p99_ms": 100.0}}
    other = {"all": {"rps": 170.0, "p99_ms": 150.0}}
    assert load.difference(base, other) == {"all": {"rps_pct": -15.0, "p99_pct": 50.0}}


def test_the_server_runs_the_repository_configuration_else_the_documented_options():
    with_conf = load.server_command(8123, conf_exists=True)
    assert with_conf[with_conf.index("--config") + 1].endswith("gunicorn.conf.py")
    assert "127.0.0.1:8123" in with_conf
    without = load.server_command(8123, conf_exists=False)
    assert "--config" not in without
    assert "--workers" in without
    override = load.server_command(8123, conf_exists=True, override="--workers 2")
    assert override[override.index("--config") + 1] != with_conf[with_conf.index("--config") + 1]
    assert override[override.index("--workers") + 1] == "2"


def test_paths_get_an_order_and_a_known_caller():
    rnd = random.Random(1)
    assert path_for("/api/v1/workorders/{order}/", PLAN, rnd) in (
        "/api/v1/workorders/7/",
        "/api/v1/workorders/8/",
    )
    assert path_for("/api/v1/workorders/?q={mobile}", PLAN, rnd).endswith("13500000001")


@pytest.mark.django_db
def test_the_bodies_sent_are_valid_intakes_and_callbacks():
    from shouhou.callbacks.api_records import CallbackRecordIn
    from shouhou.workorders.api import IntakeIn

    rnd = random.Random(3)
    for _ in range(20):
        intake = IntakeIn(data=body_for("create order", PLAN, rnd))
        assert intake.is_valid(), intake.errors
        record = CallbackRecordIn(data=body_for("record callback", PLAN, rnd))
        assert record.is_valid(), record.errors
    assert body_for("open order", PLAN, rnd) is None


def test_an_endpoint_left_out_gives_its_weight_to_the_rest_of_its_part():
    mix = load.mix_without(["report: daily"])
    assert "report: daily" not in [m[0] for m in mix]
    assert load.shares(mix) == pytest.approx(
        {"read": 70, "create": 15, "callback": 10, "report": 5}
    )
    assert load.mix_without([]) == load.MIX
