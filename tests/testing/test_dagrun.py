"""run_dag(): real `airflow dags test` runs of report DAGs against the emulator (loopback HTTP)."""

from __future__ import annotations

import textwrap

import pytest

from airflow_provider_tiktok.testing.dagrun import run_dag

pytestmark = pytest.mark.slow

PIPELINE = '''
import os
import pendulum
from airflow.sdk import DAG
from airflow_provider_tiktok.operators.report_task import TikTokCreateReportTaskOperator
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator
from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor

with DAG("tiktok_pipeline", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False):
    create = TikTokCreateReportTaskOperator(
        task_id="create", report_type="BASIC", data_level="AUCTION_AD", dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions", "ad_name"], advertiser_id=os.environ["TEST_ADVERTISER"],
        report_start_date="{{ macros.ds_add(ds, -2) }}", report_end_date="{{ ds }}")
    wait = TikTokReportTaskSensor(
        task_id="wait", report_task_id="{{ ti.xcom_pull('create', key='report_task_id') }}",
        advertiser_id="{{ ti.xcom_pull('create', key='advertiser_id') }}", deferrable=True, poke_interval=0.2)
    download = TikTokDownloadReportOperator(
        task_id="download", report_task_id="{{ ti.xcom_pull('create', key='report_task_id') }}",
        advertiser_id="{{ ti.xcom_pull('create', key='advertiser_id') }}",
        destination="file://" + os.environ["TEST_OUT"] + "/{{ ds }}.csv")
    create >> wait >> download
'''

CRASH_ONCE = '''
import os
from datetime import timedelta
import pendulum
from airflow.sdk import DAG
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator


class CrashOnceRunReport(TikTokRunReportOperator):
    """Try 1 dies while waiting (after the TikTok task was created), like a lost worker."""

    def execute(self, context):
        if context["ti"].try_number > 1:
            return super().execute(context)
        original = TikTokHook.wait_for_report_task
        def crash(*args, **kwargs):
            raise RuntimeError("simulated worker crash")
        TikTokHook.wait_for_report_task = crash
        try:
            return super().execute(context)
        finally:
            TikTokHook.wait_for_report_task = original


with DAG("tiktok_crash_once", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False):
    CrashOnceRunReport(
        task_id="run", report_type="BASIC", data_level="AUCTION_CAMPAIGN", dimensions=["campaign_id"],
        advertiser_id=os.environ["TEST_ADVERTISER"], report_start_date="{{ ds }}", report_end_date="{{ ds }}",
        destination="file://" + os.environ["TEST_OUT"] + "/run.csv", poll_interval=0.2, deferrable=False,
        retries=1, retry_delay=timedelta(seconds=0))
'''


@pytest.fixture(scope="module")
def airflow_home(tmp_path_factory):
    """One Airflow home (one `airflow db migrate`) for the module's runs."""
    return tmp_path_factory.mktemp("airflow-home")


def _write(tmp_path, name, source):
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return path


def _env(emu, out):
    return {**emu.connection_env("tiktok_default"), "TEST_ADVERTISER": emu.advertiser_ids[0], "TEST_OUT": str(out)}


def test_create_sensor_deferrable_download_produces_the_emulator_csv(tiktok_emulator, tmp_path, airflow_home):
    emu = tiktok_emulator
    out = tmp_path / "out"
    dag_file = _write(tmp_path, "pipeline.py", PIPELINE)
    result = run_dag(dag_file, "tiktok_pipeline", env=_env(emu, out), airflow_home=airflow_home,
                     logical_date="2024-05-10")
    assert result.state == "success", result.output[-3000:]
    assert result.task_states == {"create": "success", "wait": "success", "download": "success"}
    [task] = emu.tasks
    assert task["params"]["start_date"] == "2024-05-08" and task["params"]["end_date"] == "2024-05-10"
    assert (out / "2024-05-10.csv").read_bytes() == emu.expected_report_csv(task["task_id"])


def test_retry_after_crash_reconnects_to_the_same_tiktok_task(tiktok_emulator, tmp_path, airflow_home):
    emu = tiktok_emulator
    out = tmp_path / "out"
    dag_file = _write(tmp_path, "crash.py", CRASH_ONCE)
    result = run_dag(dag_file, "tiktok_crash_once", env=_env(emu, out), airflow_home=airflow_home,
                     logical_date="2024-05-10")
    assert result.state == "success", result.output[-3000:]
    assert result.tries["run"] == 2 and "simulated worker crash" in result.output
    assert emu.count("/report/task/create/") == 1
    assert (out / "run.csv").read_bytes() == emu.expected_report_csv(emu.tasks[0]["task_id"])
