"""Real Airflow components for the system tests: one throw-away ``AIRFLOW_HOME`` per stack.

``AirflowStack`` starts ``airflow scheduler``, ``triggerer``, ``dag-processor`` and ``api-server`` as separate
processes (each in its own session, so the whole process group is stopped at the end), all sharing one
environment: SQLite metadata database, LocalExecutor, no example DAGs, SimpleAuthManager with everyone admin
(no login), the TikTok emulator behind ``AIRFLOW_CONN_TIKTOK_DEFAULT`` when the test sets it.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

AIRFLOW = str(Path(sys.executable).with_name("airflow"))
REPO = Path(__file__).resolve().parents[2]
EXAMPLE_DAGS = REPO / "example_dags"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AirflowStack:
    """Airflow's processes in a temporary ``AIRFLOW_HOME``; ``stop()`` ends every process group it started."""

    def __init__(self, home: Path, dags_folder: Path, extra_env: Mapping[str, str] | None = None) -> None:
        self.home = home
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.db_path = home / "airflow.db"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
        self.env.update({
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{self.db_path}",
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "120",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "5",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        })
        self.env.update(extra_env or {})
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []

    # -- processes --------------------------------------------------------------------------------

    def cli(self, *args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"airflow {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return result

    def migrate(self) -> None:
        self.cli("db", "migrate")

    def start(self, name: str, *args: str) -> None:
        log = (self.home / f"{name}.log").open("wb")
        self._logs.append(log)
        self.procs[name] = subprocess.Popen(
            [AIRFLOW, *args], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start_api_server(self) -> None:
        self.start("api-server", "api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1")

    def start_all(self) -> None:
        self.start_api_server()
        self.start("scheduler", "scheduler")
        self.start("triggerer", "triggerer")
        self.start("dag-processor", "dag-processor")

    def log_text(self, name: str) -> str:
        path = self.home / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {proc.returncode}:\n{self.log_text(name)[-4000:]}")

    def wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"api-server not healthy after {timeout}s:\n{self.log_text('api-server')[-4000:]}")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for proc in self.procs.values():  # children the component spawned (executor workers, gunicorn)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for log in self._logs:
            log.close()

    # -- metadata database (read-only queries) ------------------------------------------------------

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        for _ in range(20):
            try:
                with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5) as db:
                    return db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:  # locked by a writer, or table not there yet
                last = exc
                time.sleep(0.2)
        raise AssertionError(f"metadata query failed: {last}")


@pytest.fixture
def airflow_stack_factory(tmp_path: Path) -> Iterator[Any]:
    """Build stacks in ``tmp_path``; every stack is stopped at teardown, even when the test fails."""
    stacks: list[AirflowStack] = []

    def make(dags_folder: Path, extra_env: Mapping[str, str] | None = None) -> AirflowStack:
        home = tmp_path / f"airflow-home-{len(stacks)}"
        home.mkdir()
        stack = AirflowStack(home, dags_folder, extra_env)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
