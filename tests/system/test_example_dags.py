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


#: DAGs that make no TikTok call (the Asset consumer reads files only) or use their own pool variable.
NO_API_POOL = {"example_tiktok_token_refresh", "example_tiktok_asset_consumer"}


@pytest.mark.parametrize("path", [p for p in DAG_FILES if p.stem not in NO_API_POOL], ids=lambda p: p.stem)
def test_api_tasks_use_the_configured_pool_or_the_default_one_and_retries(dagbag: DagBag, path: Path) -> None:
    """No ``TIKTOK_POOL``: ``default_pool`` (exists in every Airflow, so nothing hangs) plus a warning callback."""
    dag = next(d for d in dagbag.dags.values() if Path(d.fileloc).resolve() == path.resolve())
    api_tasks = [t for t in dag.tasks if t.__class__.__module__.startswith("airflow_provider_tiktok")
                 or "TikTok" in getattr(t, "operator_name", "")]
    assert api_tasks, dag.dag_id
    for task in api_tasks:
        pool = getattr(task, "pool", None) or getattr(task, "partial_kwargs", {}).get("pool")
        assert pool == "default_pool", (dag.dag_id, task.task_id, pool)
        callbacks = getattr(task, "on_execute_callback", None) or getattr(task, "partial_kwargs", {}).get(
            "on_execute_callback")
        assert callbacks, (dag.dag_id, task.task_id, "no warning when running without the TikTok pool")
        retries = getattr(task, "retries", None)
        if retries is None:
            retries = task.partial_kwargs.get("retries")
        sensor = "Sensor" in type(task).__name__ or "Sensor" in getattr(task, "operator_name", "")
        assert sensor or (retries or 0) >= 1, (dag.dag_id, task.task_id)


def test_a_configured_pool_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOK_POOL", "tiktok_api")
    monkeypatch.setenv("TIKTOK_REFRESH_POOL", "tiktok_token_refresh")
    bag = DagBag(dag_folder=str(EXAMPLE_DAGS), include_examples=False) if "include_examples" in \
        DagBag.__init__.__code__.co_varnames else DagBag(dag_folder=str(EXAMPLE_DAGS))
    pools = {}
    for dag in bag.dags.values():
        for task in dag.tasks:
            if task.__class__.__module__.startswith("airflow_provider_tiktok") or "refresh" in task.task_id:
                pools[(dag.dag_id, task.task_id)] = getattr(task, "pool", None) or task.partial_kwargs.get("pool")
    assert pools and set(pools.values()) == {"tiktok_api", "tiktok_token_refresh"}, pools
    assert pools[("example_tiktok_token_refresh", "refresh_token")] == "tiktok_token_refresh"


def test_the_report_dag_feeds_the_asset_consumer(dagbag: DagBag) -> None:
    producer = dagbag.dags["example_tiktok_run_report"].get_task("campaign_daily_report")
    consumer = dagbag.dags["example_tiktok_asset_consumer"]
    [asset] = producer.outlets
    assert asset.name == "tiktok_campaign_daily_report"
    scheduled = list(consumer.timetable.asset_condition.objects)
    assert [(a.name, a.uri) for a in scheduled] == [(asset.name, asset.uri)]


def test_every_example_has_its_graph_picture_in_the_readme(dagbag: DagBag) -> None:
    """``docs/graph-<dag_id>.png`` (taken by test_examples_anywhere in Chromium) exists and the README shows it."""
    readme = (EXAMPLE_DAGS.parent / "README.md").read_text(encoding="utf-8")
    for dag_id in dagbag.dags:
        picture = EXAMPLE_DAGS.parent / "docs" / f"graph-{dag_id}.png"
        assert picture.exists(), f"{picture.name} is missing: TIKTOK_UPDATE_SCREENSHOT=1 pytest " \
                                 "tests/system/test_examples_anywhere.py"
        assert f"/docs/graph-{dag_id}.png)" in readme, f"the README does not show {picture.name}"
