"""TikTok async report, one pipeline per advertiser: discover → create task → wait (deferred) → download → summary.

- ``discover_advertisers`` lists the advertisers the token can access (optionally narrowed by the
  ``TIKTOK_ADVERTISER_IDS`` environment variable, comma-separated).
- The ``advertiser_report`` task group is mapped over them: it creates a TikTok report task for yesterday
  (the run's data interval), waits for it with a **deferrable** sensor (the worker slot is freed while the
  triggerer polls TikTok), then streams the CSV to object storage.
- ``summarize`` streams every file back (one row in memory at a time) and reports rows and total spend.

Configuration (environment variables, all optional):

- ``TIKTOK_CONN_ID`` (default ``tiktok_default``): a Marketing API ``tiktok`` connection.
- ``TIKTOK_OUTPUT_BASE`` (default ``file:///tmp/tiktok-example-output``): any ``ObjectStoragePath`` root,
  e.g. ``s3://my-bucket/tiktok`` (set ``TIKTOK_OUTPUT_CONN_ID`` for its connection).
- ``TIKTOK_POOL``: the pool that caps concurrent TikTok calls; size it to the app's QPS tier
  (``airflow pools set tiktok_api 4 "TikTok API"``, then ``TIKTOK_POOL=tiktok_api``). Unset: Airflow's
  ``default_pool`` (the DAG runs anywhere) and every task warns in its log.
- ``TIKTOK_POLL_SECONDS`` (default 60): how often the triggerer checks the report task.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, ObjectStoragePath, task, task_group

from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator
from airflow_provider_tiktok.operators.report_task import TikTokCreateReportTaskOperator
from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor

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
ADVERTISER_ALLOW_LIST = os.environ.get("TIKTOK_ADVERTISER_IDS") or None

GROUP = "advertiser_report"
CREATE = "create_report_task"
#: One file per (day, advertiser); the advertiser id comes from this map index's create task.
DESTINATION = (
    OUTPUT_BASE + "/async_report/date=" + REPORT_DAY + "/advertiser_"
    "{{ ti.xcom_pull(task_ids='" + GROUP + "." + CREATE + "', key='advertiser_id', map_indexes=ti.map_index) }}"
    ".csv"
)


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no TikTok pool caps the API calls."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "TikTok calls run in default_pool (TIKTOK_POOL is not set): nothing caps them at the app's QPS. "
            "For production: airflow pools set tiktok_api 4 'TikTok API calls' and TIKTOK_POOL=tiktok_api.")


with DAG(
    dag_id="example_tiktok_async_report",
    description="TikTok async report per advertiser, waiting in the triggerer, to object storage",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    schedule=CronDataIntervalTimetable("0 6 * * *", timezone="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "pool": POOL,
                  "on_execute_callback": warn_without_pool},
    tags=["tiktok", "example"],
) as dag:
    advertisers = TikTokListAdvertisersOperator(
        task_id="discover_advertisers", tiktok_conn_id=TIKTOK_CONN_ID, allow_list=ADVERTISER_ALLOW_LIST)

    @task_group(group_id=GROUP)
    def advertiser_report(advertiser_id: str) -> Any:
        create = TikTokCreateReportTaskOperator(
            task_id=CREATE,
            tiktok_conn_id=TIKTOK_CONN_ID,
            advertiser_id=advertiser_id,
            report_type="BASIC",
            data_level="AUCTION_CAMPAIGN",
            dimensions=["campaign_id", "stat_time_day"],
            metrics=["spend", "impressions", "clicks", "conversion"],
            report_start_date=REPORT_DAY,
            report_end_date=REPORT_DAY,
        )
        wait = TikTokReportTaskSensor(
            task_id="wait_for_report",
            tiktok_conn_id=TIKTOK_CONN_ID,
            report_task_id=create.output["report_task_id"],
            advertiser_id=advertiser_id,
            deferrable=True,
            poke_interval=POLL_SECONDS,
            timeout=timedelta(hours=6).total_seconds(),
            cancel_on_timeout=True,
            retries=0,
        )
        download = TikTokDownloadReportOperator(
            task_id="download_report",
            tiktok_conn_id=TIKTOK_CONN_ID,
            report_task_id=create.output["report_task_id"],
            advertiser_id=advertiser_id,
            destination=DESTINATION,
            destination_conn_id=OUTPUT_CONN_ID,
            report_start_date=REPORT_DAY,
            report_end_date=REPORT_DAY,
        )
        create >> wait >> download
        return download.output

    @task(pool="default_pool", on_execute_callback=None)
    def summarize(downloads: list[dict[str, Any]]) -> dict[str, Any]:
        """Stream each downloaded CSV back (``uri`` of the download result): rows and total spend per advertiser."""
        if isinstance(downloads, dict):  # a single advertiser may arrive unwrapped
            downloads = [downloads]
        files, total_rows, total_spend = [], 0, 0.0
        for result in downloads:
            path = ObjectStoragePath(result["uri"], conn_id=OUTPUT_CONN_ID)
            rows, spend = 0, 0.0
            with path.open("rb") as raw:  # streamed: one row in memory, whatever the file's size
                for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")):
                    rows += 1
                    if row.get("spend") not in (None, "", "-"):
                        spend += float(row["spend"])
            print(f"advertiser {result['advertiser_id']} (TikTok task {result['report_task_id']}): {rows} rows, "
                  f"spend {spend:.2f} -> {path}")
            files.append({"advertiser_id": result["advertiser_id"], "report_task_id": result["report_task_id"],
                          "uri": str(path), "rows": rows, "spend": round(spend, 2)})
            total_rows += rows
            total_spend += spend
        return {"outputs": [f["uri"] for f in files], "rows": total_rows, "spend": round(total_spend, 2),
                "files": files}

    summarize(advertiser_report.expand(advertiser_id=advertisers.output))
