"""End to end under Airflow's real components: scheduler, triggerer, dag-processor and api-server.

The async example DAG runs against the TikTok emulator (``AIRFLOW_CONN_TIKTOK_DEFAULT`` in every
process's environment). The test unpauses and triggers it, then asserts the run succeeds, the sensor
went through ``deferred`` (watched in the metadata database) and the triggerer ran the TikTok trigger,
and the report landed in object storage.
"""

from __future__ import annotations

import csv
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tiktok.testing import TikTokEmulator

from .conftest import EXAMPLE_DAGS

pytestmark = pytest.mark.slow

DAG_ID = "example_tiktok_async_report"
SENSOR = "advertiser_report.wait_for_report"
RUN_ID = "e2e_run"


def _wait_for(stack: Any, what: str, predicate: Any, timeout: float, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stack.check_alive()
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n--- scheduler:\n"
                         f"{stack.log_text('scheduler')[-3000:]}\n"
                         f"--- triggerer:\n{stack.log_text('triggerer')[-2000:]}")


def test_async_example_defers_to_the_triggerer(airflow_stack_factory: Any, tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(EXAMPLE_DAGS / f"{DAG_ID}.py", dags)
    output = tmp_path / "output"
    with TikTokEmulator(queuing_seconds=3.0, processing_seconds=5.0) as emu:
        advertiser = emu.advertiser_ids[0]
        stack = airflow_stack_factory(dags, {
            **emu.connection_env("tiktok_default"),
            "TIKTOK_OUTPUT_BASE": f"file://{output}",
            "TIKTOK_POLL_SECONDS": "1",
            "TIKTOK_ADVERTISER_IDS": advertiser,
            "TIKTOK_POOL": "tiktok_api",  # production setup: a pool sized to the app's QPS tier
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only our manual run, no scheduled one
        })
        stack.migrate()
        stack.cli("pools", "set", "tiktok_api", "4", "TikTok API")
        stack.start_all()
        stack.wait_healthy()
        _wait_for(stack, "the dag-processor to parse the DAG",
                  lambda: stack.query("SELECT dag_id FROM dag WHERE dag_id = ?", DAG_ID), timeout=120, interval=1)
        stack.cli("dags", "unpause", DAG_ID)
        stack.cli("dags", "trigger", DAG_ID, "--run-id", RUN_ID)

        seen: set[str] = set()

        def finished() -> str | None:
            for (state,) in stack.query("SELECT state FROM task_instance WHERE dag_id = ? AND run_id = ? "
                                        "AND task_id = ?", DAG_ID, RUN_ID, SENSOR):
                if state:
                    seen.add(state)
            rows = stack.query("SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?", DAG_ID, RUN_ID)
            state = rows[0][0] if rows else None
            return state if state in ("success", "failed") else None

        state = _wait_for(stack, "the DAG run to finish", finished, timeout=240, interval=0.3)
        task_states = dict(stack.query("SELECT task_id || '[' || map_index || ']', state FROM task_instance "
                                       "WHERE dag_id = ? AND run_id = ?", DAG_ID, RUN_ID))
        assert state == "success", f"run {state}: {task_states}\n{stack.log_text('scheduler')[-3000:]}"
        assert "deferred" in seen, f"sensor states seen: {seen}"
        # The triggerer writes the trigger's own log beside the task's log: it polled TikTok until it fired.
        trigger_logs = list((stack.home / "logs").rglob(f"task_id={SENSOR}/**/*.log.trigger.*.log"))
        assert trigger_logs, f"no trigger log; triggerer said:\n{stack.log_text('triggerer')[-3000:]}"
        trigger_text = "\n".join(p.read_text(errors="replace") for p in trigger_logs)
        assert "next check in" in trigger_text and "Trigger fired event" in trigger_text, trigger_text[-3000:]
        assert emu.count("/report/task/check/") >= 2  # the trigger polled TikTok until SUCCESS

    files = sorted(output.rglob("*.csv"))
    assert [f.name for f in files] == [f"advertiser_{advertiser}.csv"]
    with files[0].open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and "spend" in rows[0]
