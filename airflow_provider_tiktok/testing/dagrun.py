"""Run one DAG file offline with ``airflow dags test`` and report what happened.

Used by the provider's end-to-end tests and demo runner::

    from airflow_provider_tiktok.testing.dagrun import run_dag

    result = run_dag("dags/tiktok_report.py", "tiktok_report", env=emu.connection_env(),
                     airflow_home=tmp_path / "airflow")
    assert result.state == "success", result.output

``airflow dags test`` runs every task in one process and runs deferred tasks' triggers inline, so
no scheduler, triggerer or API server is needed. The metadata database is a SQLite file in
``airflow_home`` (migrated on first use); states are read from it after the run.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class DagRunResult:
    """Outcome of :func:`run_dag`."""

    dag_id: str
    run_id: str | None
    #: DAG run state (``success`` / ``failed`` / ...), ``None`` when no run was recorded.
    state: str | None
    #: ``task_id`` (``task_id[map_index]`` for mapped tasks) -> final state.
    task_states: dict[str, str | None] = field(default_factory=dict)
    #: ``task_id`` -> number of tries used.
    tries: dict[str, int] = field(default_factory=dict)
    returncode: int = 0
    output: str = field(default="", repr=False)

    @property
    def succeeded(self) -> bool:
        return self.state == "success"


def airflow_command() -> str:
    """The ``airflow`` executable next to this Python (a virtualenv's), else ``airflow`` on PATH."""
    candidate = Path(sys.executable).with_name("airflow")
    return str(candidate) if candidate.exists() else "airflow"


def airflow_env(dag_file: str | os.PathLike[str], airflow_home: str | os.PathLike[str],
                env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of the ``airflow`` subprocess: an isolated home, SQLite, this one DAG file."""
    home = Path(airflow_home).resolve()
    result = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW__") and k != "AIRFLOW_HOME"}
    result.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(Path(dag_file).resolve()),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
    })
    result.update(env or {})
    return result


def _read_states(db: Path, dag_id: str) -> tuple[str | None, str | None, dict[str, str | None], dict[str, int]]:
    if not db.exists():
        return None, None, {}, {}
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT run_id, state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1",
                           (dag_id,)).fetchone()
        if row is None:
            return None, None, {}, {}
        run_id, state = row
        states: dict[str, str | None] = {}
        tries: dict[str, int] = {}
        for task_id, map_index, ti_state, try_number in conn.execute(
                "SELECT task_id, map_index, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ?",
                (dag_id, run_id)):
            key = task_id if map_index in (None, -1) else f"{task_id}[{map_index}]"
            states[key] = ti_state
            tries[key] = int(try_number or 0)
    return run_id, state, states, tries


def run_dag(
    dag_file: str | os.PathLike[str],
    dag_id: str,
    *,
    env: Mapping[str, str] | None = None,
    airflow_home: str | os.PathLike[str],
    logical_date: str | None = None,
    timeout: float = 300.0,
) -> DagRunResult:
    """Run ``dag_id`` from ``dag_file`` once with ``airflow dags test``; return run and task states.

    :param dag_file: the DAG file (it becomes the DAGs folder, so nothing else is parsed).
    :param env: extra environment, e.g. ``emulator.connection_env()`` and settings the DAG reads.
    :param airflow_home: a folder for the throw-away Airflow home and SQLite database.
    :param logical_date: ``YYYY-MM-DD`` or ISO timestamp; default: now.
    :param timeout: seconds before the run is stopped (``subprocess.TimeoutExpired`` is raised).
    """
    home = Path(airflow_home)
    home.mkdir(parents=True, exist_ok=True)
    full_env = airflow_env(dag_file, home, env)
    db = home / "airflow.db"
    if not db.exists():
        subprocess.run([airflow_command(), "db", "migrate"], env=full_env, check=True, capture_output=True,  # noqa: S603
                       timeout=timeout)
    cmd = [airflow_command(), "dags", "test", dag_id]
    if logical_date:
        cmd.append(logical_date)
    proc = subprocess.run(cmd, env=full_env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    run_id, state, states, tries = _read_states(db, dag_id)
    return DagRunResult(dag_id=dag_id, run_id=run_id, state=state, task_states=states, tries=tries,
                        returncode=proc.returncode, output=proc.stdout + proc.stderr)

