"""TikTok daily report in ONE task: create the async report task, wait, download — with a lookback window.

``TikTokRunReportOperator`` does the whole async lifecycle in a single Airflow task. It remembers the
TikTok task id before waiting, so a retry after a worker crash reconnects to the same TikTok task instead
of creating a duplicate; with ``deferrable=True`` the wait happens in the triggerer.

Each run covers the day of its data interval **plus the ``TIKTOK_LOOKBACK_DAYS`` days before it** (TikTok
keeps attributing conversions for days, so recent days are re-pulled). The file name depends only on the
run's data interval, so reruns and backfills overwrite the same file: the DAG is catchup-safe. Up to 5
advertisers share one TikTok report task.

The task declares the Asset ``tiktok_campaign_daily_report`` (``emit_asset``): each successful run
records an Asset event whose ``extra`` names the file it wrote, and ``example_tiktok_asset_consumer`` is
scheduled on that Asset (data-aware scheduling: it runs when a new report has landed, not at a set time).

Configuration (environment variables, all optional):

- ``TIKTOK_CONN_ID`` (default ``tiktok_default``): a Marketing API ``tiktok`` connection.
- ``TIKTOK_ADVERTISER_IDS``: comma-separated ids (at most 5); default: the connection's "Advertiser IDs".
- ``TIKTOK_OUTPUT_BASE`` (default ``file:///tmp/tiktok-example-output``), ``TIKTOK_OUTPUT_CONN_ID``.
- ``TIKTOK_LOOKBACK_DAYS`` (default 7), ``TIKTOK_POLL_SECONDS`` (default 60).
- ``TIKTOK_POOL`` (unset: ``default_pool``, with a warning in the task log; production:
  ``airflow pools set tiktok_api 4 "TikTok API"``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, Asset

from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator

try:  # Airflow >= 3.2
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 3.1
    from airflow.timetables.interval import CronDataIntervalTimetable

TIKTOK_CONN_ID = os.environ.get("TIKTOK_CONN_ID", "tiktok_default")
OUTPUT_BASE = os.environ.get("TIKTOK_OUTPUT_BASE", "file:///tmp/tiktok-example-output").rstrip("/")
OUTPUT_CONN_ID = os.environ.get("TIKTOK_OUTPUT_CONN_ID") or None
#: The pool capping concurrent TikTok calls: ``TIKTOK_POOL`` when set (create the pool first, see the
#: README); otherwise Airflow's ``default_pool``, which every Airflow has, and each task warns in its log.
POOL = os.environ.get("TIKTOK_POOL") or "default_pool"
#: The report day: the data interval's first day; runs triggered without a logical date (Airflow 3 API/CLI
#: default) have no data interval, so they report the day before they were triggered.
DAY = ("(data_interval_start if data_interval_start is defined and data_interval_start "
       "else dag_run.run_after - macros.timedelta(days=1))")
REPORT_DAY = "{{ " + DAY + " | ds }}"
POLL_SECONDS = float(os.environ.get("TIKTOK_POLL_SECONDS", "60"))
LOOKBACK_DAYS = int(os.environ.get("TIKTOK_LOOKBACK_DAYS", "7"))
#: The data set every run adds to (one file per day under this prefix); the consumer DAG is scheduled on it.
REPORT_ASSET = Asset(name="tiktok_campaign_daily_report", uri=OUTPUT_BASE + "/run_report")
ADVERTISER_IDS = os.environ.get("TIKTOK_ADVERTISER_IDS") or (
    "{{ conn['" + TIKTOK_CONN_ID + "'].extra_dejson.advertiser_ids }}")


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no TikTok pool caps the API calls."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "TikTok calls run in default_pool (TIKTOK_POOL is not set): nothing caps them at the app's QPS. "
            "For production: airflow pools set tiktok_api 4 'TikTok API calls' and TIKTOK_POOL=tiktok_api.")


with DAG(
    dag_id="example_tiktok_run_report",
    description="One-task TikTok async report with a lookback window, daily and catchup-safe",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    schedule=CronDataIntervalTimetable("30 6 * * *", timezone="UTC"),
    catchup=False,  # safe to turn on: every run writes its own deterministic file
    max_active_runs=2,
    default_args={"retries": 3, "retry_delay": timedelta(minutes=10), "retry_exponential_backoff": True},
    tags=["tiktok", "example"],
) as dag:
    TikTokRunReportOperator(
        task_id="campaign_daily_report",
        tiktok_conn_id=TIKTOK_CONN_ID,
        advertiser_ids=ADVERTISER_IDS,
        report_type="BASIC",
        data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id", "stat_time_day"],
        metrics=["spend", "impressions", "clicks", "conversion", "cpc", "ctr"],
        report_start_date="{{ (" + DAY + " - macros.timedelta(days=" + str(LOOKBACK_DAYS) + ")) | ds }}",
        report_end_date=REPORT_DAY,
        destination=OUTPUT_BASE + "/run_report/date=" + REPORT_DAY + "/campaigns.csv.gz",
        destination_conn_id=OUTPUT_CONN_ID,
        compression="gzip",
        emit_asset=REPORT_ASSET,
        deferrable=True,
        poll_interval=POLL_SECONDS,
        wait_timeout=timedelta(hours=6).total_seconds(),
        pool=POOL,
        on_execute_callback=warn_without_pool,
        execution_timeout=timedelta(hours=7),
    )
