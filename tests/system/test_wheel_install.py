"""The built wheel installs into a clean virtual environment and works there, on the oldest and newest pairs.

Airflow 3.1.8 on the oldest supported Python (3.10) and Airflow 3.3.2 on the newest (3.13): ``pip install
apache-airflow==<v> <wheel>`` into a fresh venv (pip's own cache is reused, so a second run is quick), then,
in that venv: Airflow discovers the provider and its connection type, the example DAGs parse without import
errors, and one report operator runs against the emulator shipped in the wheel. Bounded by timeouts.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_DAGS, REPO

pytestmark = [
    pytest.mark.slow,
    # The matrix builds its own venvs for both Airflow versions: one pass of the suite (CI runs two) suffices.
    pytest.mark.skipif(not __import__("airflow").__version__.startswith("3.3."),
                       reason="the wheel matrix (3.1.8 and 3.3.2 in their own venvs) runs in the Airflow 3.3 pass"),
]

#: (Airflow, Python): the oldest Airflow on the oldest Python, the newest on the newest.
MATRIX = [("3.1.8", "3.10"), ("3.3.2", "3.13")]
INSTALL_TIMEOUT = 900

SMOKE = r"""
import json, os, sys, tempfile
from airflow.providers_manager import ProvidersManager
import airflow_provider_tiktok

pm = ProvidersManager()
assert "airflow-provider-tiktok" in pm.providers, sorted(pm.providers)
assert "tiktok" in pm.hooks, sorted(pm.hooks)
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:
    from airflow.models.dagbag import DagBag
bag = DagBag(dag_folder=sys.argv[1])
assert not bag.import_errors, bag.import_errors
assert len(bag.dags) >= 6, sorted(bag.dags)

from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.context import InMemoryStateStore, task_context
from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator

with TikTokEmulator(queuing_seconds=0, processing_seconds=0) as emu, tempfile.TemporaryDirectory() as out:
    os.environ.update(emu.connection_env("tiktok_default"))
    op = TikTokRunReportOperator(
        task_id="smoke", advertiser_id=emu.advertiser_ids[0], report_type="BASIC", data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id", "stat_time_day"], metrics=["spend"], report_start_date="2024-05-01",
        report_end_date="2024-05-02", destination=f"file://{out}/r.csv", deferrable=False, poll_interval=0.1)
    result = op.execute(task_context(state_store=InMemoryStateStore()))
    assert result["rows"] > 0, result
print(json.dumps({"python": sys.version.split()[0], "provider": airflow_provider_tiktok.__version__,
                  "dags": len(bag.dags), "rows": result["rows"]}))
"""


def _python(version: str) -> str:
    """The interpreter itself (pyenv's shims refuse versions that are not selected)."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"))
    on_path = shutil.which(f"python{version}")
    if on_path and "/shims/" not in on_path:
        candidates.append(on_path)
    found = candidates[-1] if candidates else None
    if found is None:
        pytest.skip(f"Python {version} is not installed (pyenv install {version}, or your distribution's package)")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("build", reason="pip install build (in the test extra)")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)], check=True,
                   capture_output=True, timeout=600)
    [built] = out.glob("airflow_provider_tiktok-*.whl")
    return built


@pytest.mark.parametrize(("airflow_version", "python_version"), MATRIX, ids=[f"airflow{a}-py{p}" for a, p in MATRIX])
def test_wheel_installs_and_runs_in_a_clean_venv(wheel: Path, tmp_path: Path, airflow_version: str,
                                                 python_version: str) -> None:
    venv = tmp_path / "venv"
    subprocess.run([_python(python_version), "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "VIRTUAL_ENV", "PYTHON"))}
    env.update({"AIRFLOW_HOME": str(tmp_path / "home"), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    install = subprocess.run([str(py), "-m", "pip", "install", "--quiet", f"apache-airflow=={airflow_version}",
                              str(wheel)], env=env, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    assert install.returncode == 0, install.stderr[-3000:]
    smoke = subprocess.run([str(py), "-c", SMOKE, str(EXAMPLE_DAGS)], env=env, capture_output=True, text=True,
                           timeout=300, cwd=tmp_path)
    assert smoke.returncode == 0, (smoke.stdout[-2000:], smoke.stderr[-4000:])
    assert f'"python": "{python_version}.' in smoke.stdout, smoke.stdout
