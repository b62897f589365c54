"""The example DAGs parse cleanly in a DagBag (on every supported Airflow) and follow the repo's conventions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from .conftest import EXAMPLE_DAGS

try:  # Airflow >= 3.2
    from airflow.dag_processing.dagbag import DagBag
except ImportError:  # Airflow 3.1
    from airflow.models.dagbag import DagBag  # type: ignore[no-redef]

DAG_FILES = sorted(EXAMPLE_DAGS.glob("example_*.py"))
SECRET_LIKE = re.compile(r"(access_token|refresh_token|app_secret|password)\s*[=:]\s*['\"][^'\"{]{6,}", re.I)


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(EXAMPLE_DAGS), include_examples=False) if "include_examples" in \
        DagBag.__init__.__code__.co_varnames else DagBag(dag_folder=str(EXAMPLE_DAGS))


def test_example_dags_exist() -> None:
    names = {p.name for p in DAG_FILES}
    assert {"example_tiktok_async_report.py", "example_tiktok_run_report.py", "example_tiktok_sync_report.py",
            "example_tiktok_business_account.py"} <= names


def test_no_import_errors(dagbag: DagBag) -> None:
    assert dagbag.import_errors == {}, "\n".join(f"{f}: {e}" for f, e in dagbag.import_errors.items())
    assert len(dagbag.dags) >= len(DAG_FILES)


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.stem)
def test_dag_conventions(dagbag: DagBag, path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source)), f"{path.name} needs a module docstring"
    assert not SECRET_LIKE.search(source), f"{path.name} looks like it holds a secret"
    dags = [d for d in dagbag.dags.values() if Path(d.fileloc).resolve() == path.resolve()]
    assert dags, f"no DAG defined in {path.name}"
    for dag in dags:
        assert dag.dag_id.startswith("example_tiktok_"), dag.dag_id
        assert dag.doc_md, f"{dag.dag_id} has no doc_md"
        assert dag.catchup is False or "catchup-safe" in source, dag.dag_id
        assert "tiktok" in dag.tags
        for task in dag.tasks:
            if task.__class__.__module__.startswith("airflow_provider_tiktok"):
                conn_id = getattr(task, "tiktok_conn_id", None) or getattr(task, "partial_kwargs", {}).get(
                    "tiktok_conn_id")
                assert conn_id in ("tiktok_default", "tiktok_accounts"), (dag.dag_id, task.task_id, conn_id)


@pytest.mark.parametrize("path", [p for p in DAG_FILES if p.stem != "example_tiktok_token_refresh"],
                         ids=lambda p: p.stem)
def test_api_tasks_use_the_tiktok_pool_and_retries(dagbag: DagBag, path: Path) -> None:
    dag = next(d for d in dagbag.dags.values() if Path(d.fileloc).resolve() == path.resolve())
    api_tasks = [t for t in dag.tasks if t.__class__.__module__.startswith("airflow_provider_tiktok")
                 or "TikTok" in getattr(t, "operator_name", "")]
    assert api_tasks, dag.dag_id
    for task in api_tasks:
        pool = getattr(task, "pool", None) or getattr(task, "partial_kwargs", {}).get("pool")
        assert pool == "tiktok_api", (dag.dag_id, task.task_id, pool)
        retries = getattr(task, "retries", None)
        if retries is None:
            retries = task.partial_kwargs.get("retries")
        sensor = "Sensor" in type(task).__name__ or "Sensor" in getattr(task, "operator_name", "")
        assert sensor or (retries or 0) >= 1, (dag.dag_id, task.task_id)
