"""The example DAGs on Airflow's distributed engine, with a worker killed mid-download.

Starts Redis and Postgres on loopback, then Airflow's api-server, scheduler, dag-processor, triggerer and two
Celery workers (``worker-a``, ``worker-b``) in a temp ``AIRFLOW_HOME``; runs ``example_tiktok_async_report`` and
``example_tiktok_run_report`` unchanged against the TikTok emulator, whose report downloads trickle until the
test has ``kill -9``-ed the process tree of the worker that runs the run-report task's download. Asserts: both
runs succeed, tasks ran on both workers, the sensor was deferred, each report was created on TikTok exactly once,
the files are complete, and no temporary object is left.

Only on Airflow 3.3.2 (the CeleryExecutor stack is the newest supported release's); installs the Celery provider
into the running venv and Debian's ``redis-server`` / ``postgresql`` when missing (as root, like CI).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from airflow import __version__ as airflow_version

from airflow_provider_tiktok.testing import TikTokEmulator

from .conftest import EXAMPLE_DAGS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(airflow_version != "3.3.2", reason=(
        f"the CeleryExecutor cluster test runs on Airflow 3.3.2 only (this is {airflow_version}): the provider's "
        "cluster behaviour is version-independent and CI's 3.3.2 run covers it")),
]

ASYNC_DAG = "example_tiktok_async_report"
RUN_DAG = "example_tiktok_run_report"
RUN_TASK = "campaign_daily_report"
SENSOR = "advertiser_report.wait_for_report"
DOWNLOADS = ("advertiser_report.download_report", RUN_TASK)
WORKERS = ("worker-a", "worker-b")
REPORT_BYTES = 2 * 1024 * 1024
#: Downloads take ~8 s until the kill: long enough to catch one while its temporary object exists.
SLOW_BYTES_PER_SECOND = 256 * 1024
RUN_TIMEOUT = 420
#: Report tasks are held PROCESSING (emulator clock) until every wait is deferred, at most RELEASE_TIMEOUT.
HOLD_SECONDS = 3600.0
RELEASE_TIMEOUT = 180
#: Installed into the running venv when missing (Airflow pinned to the running version). Celery 5.7 dropped
#: ``celery.backends.database.retry``, which the Celery provider (3.26) still imports.
CLUSTER_REQUIREMENTS = ("apache-airflow-providers-celery>=3.8", "celery[redis]>=5.5,<5.7", "psycopg[binary]>=3.1",
                        "redis>=5.0")


def _task_rows(cluster: Any) -> list[tuple[Any, ...]]:
    return cluster.query("SELECT dag_id, task_id, map_index, state, hostname, try_number FROM task_instance "
                         "WHERE dag_id IN (?, ?)", ASYNC_DAG, RUN_DAG)


def _history_rows(cluster: Any) -> list[tuple[Any, ...]]:
    return cluster.query("SELECT dag_id, task_id, map_index, state, hostname, try_number FROM task_instance_history "
                         "WHERE dag_id IN (?, ?)", ASYNC_DAG, RUN_DAG)


def _partials(output: Path) -> list[Path]:
    return [p for p in output.rglob("*") if p.is_file() and (".tiktok-partial" in p.parts or p.suffix == ".partial")]


def _diagnostics(cluster: Any) -> str:
    parts = [f"--- {name}:\n{cluster.log_text(name)[-2500:]}" for name in ("scheduler", *WORKERS, "triggerer")]
    with contextlib.suppress(Exception):
        parts.insert(0, f"task instances: {_task_rows(cluster)}")
    return "\n".join(parts)


def _run_states(cluster: Any) -> dict[str, str]:
    return {dag: state for dag, state in cluster.query(
        "SELECT dag_id, state FROM dag_run WHERE dag_id IN (?, ?)", ASYNC_DAG, RUN_DAG)}


def _kill_mid_download(cluster: Any, output: Path) -> dict[str, Any] | None:
    """``kill -9`` the worker running the run-report download once its temporary object exists (the download
    has begun; the body trickles for ~8 s, and the client may hold it in its read buffer before the first write).

    Only when every other task instance running on that worker is a download too (a retried download is
    harmless; a killed ``create`` could ask TikTok twice, which this test checks does not happen otherwise).
    """
    staged = [p for p in _partials(output) if "run_report" in p.parts]
    if not staged:
        return None
    running = [r for r in _task_rows(cluster) if r[3] == "running"]
    target = [r for r in running if r[1] == RUN_TASK]
    if not target or target[0][4] not in WORKERS:
        return None
    victim = target[0][4]
    if any(r[4] == victim and r[1] not in DOWNLOADS for r in running):
        return None
    from .cluster import kill_tree

    pids = kill_tree(cluster.workers[victim])
    cluster.forget(victim)
    return {"victim": victim, "pids": pids, "partial": staged[0], "partial_bytes": staged[0].stat().st_size,
            "try_number": target[0][5], "at": time.monotonic()}


def test_examples_on_celery_survive_a_killed_worker(tmp_path: Path) -> None:
    from .cluster import CeleryCluster, PostgresServer, RedisServer, ensure_python_packages, throttle_downloads

    marks = {"start": time.monotonic()}
    ensure_python_packages(*CLUSTER_REQUIREMENTS, f"apache-airflow=={airflow_version}")
    dags = tmp_path / "dags"
    dags.mkdir()
    for dag_id in (ASYNC_DAG, RUN_DAG):
        shutil.copy(EXAMPLE_DAGS / f"{dag_id}.py", dags)
    output = tmp_path / "output"
    slow = threading.Event()
    slow.set()
    seen: dict[tuple[str, str], set[str]] = {}
    killed: dict[str, Any] | None = None
    released = False

    with contextlib.ExitStack() as stack:
        redis = RedisServer(tmp_path)
        stack.callback(redis.stop)
        redis.start()
        postgres = PostgresServer()
        stack.callback(postgres.stop)
        postgres.start()
        # Report tasks stay PROCESSING until the test has seen every wait deferred (it then moves the clock).
        emu = stack.enter_context(TikTokEmulator(queuing_seconds=1.0, processing_seconds=HOLD_SECONDS,
                                                 report_bytes=REPORT_BYTES))
        throttle_downloads(emu, slow, SLOW_BYTES_PER_SECOND)
        cluster = CeleryCluster(tmp_path / "airflow-home", dags, redis_url=redis.url, postgres=postgres, extra_env={
            **emu.connection_env("tiktok_default"),
            "TIKTOK_OUTPUT_BASE": f"file://{output}",
            "TIKTOK_POLL_SECONDS": "1",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only our manual runs
        })
        stack.callback(cluster.stop)
        marks["services"] = time.monotonic()
        cluster.migrate()
        marks["migrated"] = time.monotonic()
        cluster.start_all()
        for name in WORKERS:
            cluster.start_worker(name)
        cluster.wait_healthy(timeout=180)
        cluster.rest("POST", "/pools", {"name": "tiktok_api", "slots": 6, "description": "TikTok API"})
        cluster.wait_workers(timeout=180)
        deadline = time.monotonic() + 180
        while len(cluster.query("SELECT dag_id FROM dag WHERE dag_id IN (?, ?)", ASYNC_DAG, RUN_DAG)) < 2:
            cluster.check_alive()
            assert time.monotonic() < deadline, "the dag-processor did not parse the example DAGs\n" + \
                cluster.log_text("dag-processor")[-3000:]
            time.sleep(1)
        for dag_id in (ASYNC_DAG, RUN_DAG):
            cluster.rest("PATCH", f"/dags/{dag_id}", {"is_paused": False})
            cluster.rest("POST", f"/dags/{dag_id}/dagRuns", {"dag_run_id": "cluster_run", "logical_date": None})
        marks["triggered"] = time.monotonic()

        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            cluster.check_alive()
            rows = _task_rows(cluster)
            for dag_id, task_id, _map, state, _host, _try in rows:
                if state:
                    seen.setdefault((dag_id, task_id), set()).add(state)
            waits = [r for r in rows if r[1] in (SENSOR, RUN_TASK)]
            if not released and len(waits) == len(emu.advertiser_ids) + 1 and all(r[3] == "deferred" for r in waits):
                emu.advance_clock(HOLD_SECONDS)  # every report task is SUCCESS now
                released, marks["released"] = True, time.monotonic()
            if not released and time.monotonic() - marks["triggered"] > RELEASE_TIMEOUT:
                emu.advance_clock(HOLD_SECONDS)  # let the runs finish; the deferral assertion below will fail
                released, marks["released"] = True, time.monotonic()
            if killed is None:
                killed = _kill_mid_download(cluster, output)
                if killed is not None:
                    slow.clear()  # the retry downloads at full speed
            runs = _run_states(cluster)
            if len(runs) == 2 and all(s in ("success", "failed") for s in runs.values()):
                break
            assert time.monotonic() < deadline, f"runs not finished after {RUN_TIMEOUT}s: {runs}\n" + \
                _diagnostics(cluster)
            time.sleep(0.3)
        marks["finished"] = time.monotonic()
        tasks, history = _task_rows(cluster), _history_rows(cluster)
        diagnostics = _diagnostics(cluster)
        creates = [r for r in emu.requests if r["path"] == "/report/task/create/" and r.get("code") == 0]
        create_calls = emu.count("/report/task/create/")
        trigger_logs = {task: list((cluster.home / "logs").rglob(f"task_id={task}/**/*.log.trigger.*.log"))
                        for task in (SENSOR, RUN_TASK)}

    timing = ", ".join(f"{name} {marks[name] - marks['start']:.0f}s" for name in marks if name != "start")
    timing += f", stopped {time.monotonic() - marks['start']:.0f}s"
    (tmp_path / "timing.txt").write_text(timing + "\n")
    print(f"celery cluster test: {timing}")
    assert runs == {ASYNC_DAG: "success", RUN_DAG: "success"}, f"{runs}\n{diagnostics}"
    # Every wait was deferred to the triggerer, which polled TikTok (its trigger logs).
    assert "deferred" in seen[(ASYNC_DAG, SENSOR)] and "deferred" in seen[(RUN_DAG, RUN_TASK)], seen
    assert len(trigger_logs[SENSOR]) >= len(emu.advertiser_ids) and trigger_logs[RUN_TASK], trigger_logs
    assert killed is not None, f"no run-report download was caught mid-way to kill\n{diagnostics}"
    # The killed attempt ran on the victim; its retry on the survivor.
    survivor = next(w for w in WORKERS if w != killed["victim"])
    run_task = next(r for r in tasks if r[1] == RUN_TASK)
    assert run_task[3] == "success" and run_task[4] == survivor and run_task[5] > killed["try_number"], run_task
    assert any(r[1] == RUN_TASK and r[4] == killed["victim"] and r[5] == killed["try_number"] for r in history), \
        history
    hosts = {r[4] for r in [*tasks, *history]}
    assert set(WORKERS) <= hosts, hosts
    # Exactly one TikTok report task per report: one per advertiser (async DAG) and one for the run report,
    # although the run report's task was killed and retried.
    assert create_calls == len(creates) == len(emu.advertiser_ids) + 1, emu.counters
    multi = [r["body"] for r in creates if len(r["body"].get("advertiser_ids") or []) > 1]
    singles = sorted(r["body"]["advertiser_id"] for r in creates if len(r["body"].get("advertiser_ids") or []) <= 1)
    assert len(multi) == 1 and singles == sorted(emu.advertiser_ids), [r["body"] for r in creates]
    # Complete files, nothing temporary left (the retry removed what the killed attempt staged).
    assert not killed["partial"].exists()
    assert _partials(output) == [], _partials(output)
    async_files = sorted(output.glob("async_report/date=*/*.csv"))
    assert [f.name for f in async_files] == sorted(f"advertiser_{a}.csv" for a in emu.advertiser_ids)
    for path in async_files:
        _assert_complete(path.read_bytes())
    (run_file,) = output.glob("run_report/date=*/campaigns.csv.gz")
    _assert_complete(gzip.decompress(run_file.read_bytes()))


def _assert_complete(data: bytes) -> None:
    """A whole CSV report: header, every line ended, the emulator's full size."""
    assert len(data) >= REPORT_BYTES * 0.95 and data.endswith(b"\n"), len(data)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert rows and "spend" in rows[0] and all(r.get("spend") not in (None, "") for r in rows)
