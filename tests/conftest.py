"""Test-wide Airflow isolation: a throw-away AIRFLOW_HOME with SQLite, no example DAGs.

Set before anything imports Airflow. Tests that need the metadata database (``dag.test()``,
Variables outside a task) request the ``airflow_db`` fixture, which migrates it once per session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# The emulator fixtures are an opt-in plugin (no pytest11 entry point): load it for the whole suite.
pytest_plugins = ["airflow_provider_tiktok.testing.pytest_plugin"]

_HOME = Path(tempfile.mkdtemp(prefix="tiktok-provider-tests-"))
os.environ["AIRFLOW_HOME"] = str(_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(_HOME / "dags")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_HOME / 'airflow.db'}"
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO")
(_HOME / "dags").mkdir(exist_ok=True)
# One Fernet key for this process and every `airflow` subprocess a test starts (encrypted Variables).
os.environ.setdefault("AIRFLOW__CORE__FERNET_KEY", "x6ebqSKJfMZ3yEfz7dYPgR3iNndrB4ZQ1Xb2h6Lq0zE=")


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    return _HOME


@pytest.fixture(scope="session")
def airflow_db(airflow_home: Path) -> Path:
    """Migrate the session's SQLite metadata database (once)."""
    airflow = Path(sys.executable).with_name("airflow")
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True, env=os.environ.copy())
    return airflow_home / "airflow.db"


@pytest.fixture
def create_report_task():
    """Creates a small async report task on the emulator behind ``tiktok_default``.

    ``outcome`` scripts its end (``status``, ``message``, timings); ``canceled=True`` cancels it at once.
    """

    def create(emu, *, canceled: bool = False, **outcome) -> str:
        from airflow_provider_tiktok.api.marketing import reports
        from airflow_provider_tiktok.hooks.tiktok import TikTokHook

        request = reports.ReportTaskRequest(report_type="BASIC", dimensions=["campaign_id"],
                                            data_level="AUCTION_CAMPAIGN", advertiser_id=emu.advertiser_ids[0],
                                            start_date="2024-05-01", end_date="2024-05-01")
        task_id = TikTokHook().call(reports.create_task(request))
        if outcome:
            emu.set_task_outcome(task_id, **outcome)
        if canceled:
            TikTokHook().call(reports.cancel_task(task_id, emu.advertiser_ids[0]))
        return task_id

    return create
