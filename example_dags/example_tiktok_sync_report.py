"""TikTok synchronous report, one mapped task per advertiser, JSON Lines in each advertiser's own calendar days.

``discover_advertisers`` lists the advertisers the token can access; ``ad_daily_report`` is mapped over
them, so one advertiser's permission error fails only its own task. TikTok reports days in the
**advertiser's time zone**: the operator reads each advertiser's zone and writes the local days that ended
inside the run's data interval (a Tokyo and a Los Angeles account get their own correct "yesterday"),
re-pulling ``TIKTOK_LOOKBACK_DAYS`` earlier days for late conversions. Rows stream page by page to one
JSON Lines file per (advertiser, window), written atomically; reruns overwrite it.

Configuration (environment variables, all optional):

- ``TIKTOK_CONN_ID`` (default ``tiktok_default``): a Marketing API ``tiktok`` connection.
- ``TIKTOK_ADVERTISER_IDS``: keep only these advertisers (comma-separated).
- ``TIKTOK_OUTPUT_BASE`` (default ``file:///tmp/tiktok-example-output``), ``TIKTOK_OUTPUT_CONN_ID``.
- ``TIKTOK_LOOKBACK_DAYS`` (default 2), ``TIKTOK_POOL`` (unset: ``default_pool``,
  with a warning in each task's log; production: ``airflow pools set tiktok_api 4 "TikTok API"``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, task

from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

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
LOOKBACK_DAYS = int(os.environ.get("TIKTOK_LOOKBACK_DAYS", "2"))
ADVERTISER_ALLOW_LIST = os.environ.get("TIKTOK_ADVERTISER_IDS") or None


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no TikTok pool caps the API calls."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "TikTok calls run in default_pool (TIKTOK_POOL is not set): nothing caps them at the app's QPS. "
            "For production: airflow pools set tiktok_api 4 'TikTok API calls' and TIKTOK_POOL=tiktok_api.")


with DAG(
    dag_id="example_tiktok_sync_report",
    description="TikTok sync ad report per advertiser (mapped), advertiser-local days, JSON Lines",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    # Hourly at :15 would also work: each run writes only the local days that ended in its interval.
    schedule=CronDataIntervalTimetable("15 0 * * *", timezone="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "pool": POOL,
                  "on_execute_callback": warn_without_pool},
    tags=["tiktok", "example"],
) as dag:
    advertisers = TikTokListAdvertisersOperator(
        task_id="discover_advertisers", tiktok_conn_id=TIKTOK_CONN_ID, allow_list=ADVERTISER_ALLOW_LIST)

    reports = TikTokSyncReportOperator.partial(
        task_id="ad_daily_report",
        tiktok_conn_id=TIKTOK_CONN_ID,
        report_type="BASIC",
        data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions", "clicks", "conversion"],
        lookback_days=LOOKBACK_DAYS,
        output_format="jsonl",
        destination=OUTPUT_BASE + "/sync_report/advertiser={advertiser_id}/{start_date}_{end_date}.{ext}",
        destination_conn_id=OUTPUT_CONN_ID,
        map_index_template="{{ task.advertiser_id }}",
    ).expand(advertiser_id=advertisers.output)

    @task(pool="default_pool", on_execute_callback=None)
    def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
        """One line per advertiser: local window, time zone, rows written (from the results; no file is read)."""
        for r in results:
            print(f"advertiser {r['advertiser_id']} ({r['timezone']}): {r['start_date']}..{r['end_date']}, "
                  f"{r['rows']} rows -> {r['uri']}")
        return {"outputs": [r["uri"] for r in results], "rows": sum(int(r["rows"]) for r in results),
                "windows": {r["advertiser_id"]: [r["start_date"], r["end_date"], r["timezone"]] for r in results}}

    summarize(reports.output)
