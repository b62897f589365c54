"""Crash safety and atomicity of the async report path, end to end over loopback HTTP.

* a worker killed (SIGKILL) while waiting: the retry reconnects to the same TikTok task (one create) and writes
  the same bytes;
* a try that failed while waiting (retryable error) leaves the task remembered; the next try reuses it;
* a download that keeps breaking leaves neither a destination nor a temporary object, and an older file at the
  destination stays as it was;
* a task terminated (SIGTERM, as Airflow does) mid-download leaves no temporary object behind;
* a task killed (SIGKILL) mid-download leaves its temporary object only in the hidden staging folder, and the
  next attempt of the same task removes it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokTransportError
from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from tests.reliability.conftest import StateStore, leftovers, run_async_flow, run_report_operator, task_context

CHILD = r"""
import json, os, signal, sys
from pathlib import Path
from tests.reliability.conftest import FakeTI, run_report_operator
from airflow_provider_tiktok.testing import TikTokEmulator

store_file, dest, poll = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])

class FileStore:  # Airflow's task_state_store lives in the metadata DB: it survives the worker
    def get(self, key):
        return json.loads(store_file.read_text()).get(key) if store_file.exists() else None
    def set(self, key, value):
        tmp = store_file.with_suffix(".tmp"); tmp.write_text(json.dumps({key: value})); os.replace(tmp, store_file)
    def delete(self, key):
        store_file.unlink(missing_ok=True)

def terminated(*_):  # what Airflow's task runner does on SIGTERM: raise inside the task
    raise SystemExit("terminated")
signal.signal(signal.SIGTERM, terminated)

class Emu:  # the operator helper only needs these two attributes
    advertiser_ids = [os.environ["TEST_ADVERTISER"]]
op = run_report_operator(Emu, dest)
op.poll_interval = poll
print(json.dumps(op.execute({"ti": FakeTI(), "task_state_store": FileStore()})))
"""


def start_child(emu: TikTokEmulator, store: Path, dest: Path, poll: float) -> subprocess.Popen[str]:
    env = {**os.environ, "TEST_ADVERTISER": emu.advertiser_ids[0], "PYTHONPATH": str(Path.cwd())}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(dest), str(poll)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path.cwd())


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def slow_emu(emu: TikTokEmulator) -> TikTokEmulator:
    emu.config.processing_seconds = 2.0
    return emu


def test_worker_killed_while_waiting_reconnects(slow_emu: TikTokEmulator, tmp_path: Path) -> None:
    store, dest = tmp_path / "state.json", tmp_path / "out" / "report.csv"
    first = start_child(slow_emu, store, dest, poll=60)
    try:
        wait_until(lambda: store.exists() or first.poll() is not None)
        assert first.poll() is None, first.communicate()[1][-2000:]
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(10)
    task_id = json.loads(store.read_text())["tiktok_report_task"]["report_task_id"]
    assert not dest.exists()

    second = start_child(slow_emu, store, dest, poll=0.1)
    out, err = second.communicate(timeout=90)
    assert second.returncode == 0, err[-3000:]
    assert json.loads(out.strip().splitlines()[-1])["report_task_id"] == task_id
    assert slow_emu.count("/report/task/create/") == 1, "the retry created a duplicate TikTok task"
    assert dest.read_bytes() == slow_emu.expected_report_csv(task_id)
    assert not store.exists(), "the remembered task was not forgotten after the download"
    assert leftovers(dest.parent) == []


def test_failed_try_keeps_the_task_for_the_next_try(emu: TikTokEmulator, tmp_path: Path) -> None:
    store = StateStore()
    emu.faults.add("/report/task/check/", Fault.code(50000), every=True)
    with pytest.raises(Exception, match="50000"):
        run_async_flow(emu, tmp_path, context=task_context(store))
    assert store.data, "the created task was not remembered"
    emu.faults.clear()
    got = run_async_flow(emu, tmp_path, context=task_context(store))
    assert emu.count("/report/task/create/") == 1
    assert got == emu.expected_report_csv(emu.tasks[0]["task_id"])


def test_broken_download_leaves_old_file_and_no_partial(emu: TikTokEmulator, tmp_path: Path) -> None:
    dest = tmp_path / "async.csv"
    dest.write_bytes(b"yesterday's report\n")
    emu.faults.add("/report/task/download/", Fault.truncate(), every=True)
    with pytest.raises(TikTokTransportError):
        run_report_operator(emu, dest).execute(task_context())
    assert dest.read_bytes() == b"yesterday's report\n"
    assert leftovers(tmp_path) == []


def test_terminated_during_download_leaves_nothing(emu: TikTokEmulator, tmp_path: Path) -> None:
    store, dest = tmp_path / "state.json", tmp_path / "out" / "report.csv"
    emu.faults.add("/report/task/download/", Fault.stall(30), every=True)
    child = start_child(emu, store, dest, poll=0.05)
    try:
        wait_until(lambda: emu.count("/report/task/download/") > 0 or child.poll() is not None)
        assert child.poll() is None, child.communicate()[1][-2000:]
        wait_until(lambda: dest.parent.exists() and bool(leftovers(dest.parent)))  # the temporary object
        child.send_signal(signal.SIGTERM)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode != 0
    assert not dest.exists()
    assert leftovers(dest.parent) == []


def test_killed_mid_download_partial_is_hidden_and_removed_by_the_next_attempt(emu: TikTokEmulator,
                                                                               tmp_path: Path) -> None:
    store, dest = tmp_path / "state.json", tmp_path / "out" / "report.csv"
    emu.faults.add("/report/task/download/", Fault.stall(30), every=True)
    first = start_child(emu, store, dest, poll=0.05)
    staging = dest.parent / ".tiktok-partial"
    try:
        wait_until(lambda: (staging.exists() and any(staging.iterdir())) or first.poll() is not None)
        assert first.poll() is None, first.communicate()[1][-2000:]
        first.send_signal(signal.SIGKILL)  # no handler runs: the temporary object stays
    finally:
        first.wait(10)
    assert [p.name for p in staging.iterdir()] and not list(dest.parent.glob("*.csv*"))
    assert [p.name for p in dest.parent.iterdir()] == [".tiktok-partial"]  # nothing visible beside the output
    emu.faults.clear()
    second = start_child(emu, store, dest, poll=0.05)
    _, err = second.communicate(timeout=90)
    assert second.returncode == 0, err[-3000:]
    assert dest.read_bytes() == emu.expected_report_csv(emu.tasks[0]["task_id"])
    assert leftovers(dest.parent) == [], "the next attempt did not remove the killed attempt's temporary object"
