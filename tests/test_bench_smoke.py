"""The benchmark's quick mode as a smoke test, so the benchmark never rots (issue #9).

It asserts that the benchmark ran, not how fast: every scenario that exists produced a
number, and no request met a server error. It runs against a database of its own (its name
contains "bench"), created and dropped here, never the test database.

The burst under faults (bench/faults/) runs in a short form too, on a PostgreSQL cluster
and a Redis it starts itself (never the shared ones): it needs initdb and redis-server.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from dj_database_url import DBConfig

from bench.services import missing

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent


def _bench_url() -> tuple[str, DBConfig]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the benchmark needs PostgreSQL (DATABASE_URL is not a postgres:// URL)")
    if shutil.which("wrk") is None and shutil.which("apt-get") is None:
        pytest.skip("neither wrk nor apt-get to install it")
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_bench_smoke_{os.getpid()}"
    base = url.rsplit("/", 1)[0]
    return f"{base}/{name}", config | {"NAME": name}


def _drop(config: DBConfig) -> None:
    with psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def test_quick_benchmark_measures_every_scenario_without_server_errors(tmp_path):
    url, config = _bench_url()
    figures = tmp_path / "bench.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = url

    try:
        done = subprocess.run(
            # The full burst of issue #10 (50 clients for 60 s) rides along in CI.
            [
                sys.executable,
                "-m",
                "bench.run",
                "--quick",
                "--burst-seconds",
                "60",
                "--json",
                str(figures),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        # The profiler reads the same data (bench/profile.py): a few requests of two scenarios.
        profiled = subprocess.run(
            [sys.executable, "-m", "bench.profile", "ticket_detail", "ticket_list",
             "--requests", "3", "--depth", "5"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    finally:
        _drop(config)

    assert profiled.returncode == 0, profiled.stdout[-4000:] + profiled.stderr[-4000:]
    assert "=== ticket_detail" in profiled.stdout
    assert "(status 200," in profiled.stdout

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    result = json.loads(figures.read_text())
    assert result["scenarios"], "no scenario was measured"
    for key, row in result["scenarios"].items():
        assert row["ratio"] > 0, f"{key} gave no ratio"  # NaN compares false too
        assert row["server_errors"] == 0, f"{key} answered 5xx"
        assert row["socket_errors"] == 0, f"{key} had socket errors"
    assert result["rate"]["server_errors"] == 0
    assert result["storm"]["server_errors"] == 0
    assert result["storm"]["reports"] > 0
    burst = result["burst"]
    sys.stdout.write(f"burst: {burst}\n")
    assert burst["statuses"].get("201", 0) > 0
    assert (burst["lost"], burst["sent"] - burst["statuses"].get("201", 0)) == (0, 0), burst
    assert result["scan"]["steady_seconds"] >= 0
    assert result["logged_server_errors"] == 0


def test_burst_under_faults_keeps_its_guarantees(tmp_path):
    """A few seconds of repairs while Redis is down for 2 s and PostgreSQL restarts: every key
    ends in a 201 or a 4xx, stored once, none left claimed, every message sent once."""
    why = missing()
    if why:
        pytest.skip(why)
    figures = tmp_path / "faults.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.faults", "--clients", "3", "--seconds", "6",
         "--redis-down", "2", "--sweep-seconds", "5", "--drain-seconds", "30",
         "--json", str(figures)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    result = json.loads(figures.read_text())
    sys.stdout.write(done.stdout[-3000:])
    assert result["created"] > 0
    assert result["pg_restart_seconds"] > 0
    assert result["redis_down_seconds"] >= 2
    assert result["gave_up"] == 0, result["finals"]
    assert result["duplicates"] == 0
    assert result["tickets_found"] == result["distinct_numbers"]
    assert result["key_rows_mismatched"] == 0
    assert result["stuck_keys"] == 0
    assert result["outbox_unsent"] == 0
    assert result["sms_sent_twice"] == result["sms_sent_not_recorded"] == 0
