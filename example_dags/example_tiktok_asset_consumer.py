"""Data-aware scheduling: a DAG that runs when ``example_tiktok_run_report`` has written a new report.

``example_tiktok_run_report`` declares the Asset ``tiktok_campaign_daily_report`` (``emit_asset``); every
successful run records an Asset event whose ``extra`` holds the result of the write: ``uri`` (the file),
``rows``, ``start_date`` / ``end_date``, ``report_task_id``. This DAG is scheduled on that Asset, so it starts
as soon as a report lands (not at a guessed time), and ``load_new_reports`` streams exactly the file(s) the
events name: rows and spend, one row in memory at a time (replace it with your warehouse load).

Triggered by hand (no Asset event), it has nothing to read and says so.

Configuration (environment variables, all optional; the same as the report DAG's):

- ``TIKTOK_OUTPUT_BASE`` (default ``file:///tmp/tiktok-example-output``), ``TIKTOK_OUTPUT_CONN_ID``.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from datetime import datetime
from typing import Any

from airflow.sdk import DAG, Asset, ObjectStoragePath, task

OUTPUT_BASE = os.environ.get("TIKTOK_OUTPUT_BASE", "file:///tmp/tiktok-example-output").rstrip("/")
OUTPUT_CONN_ID = os.environ.get("TIKTOK_OUTPUT_CONN_ID") or None
#: Must equal the Asset of example_tiktok_run_report (same name and URI).
REPORT_ASSET = Asset(name="tiktok_campaign_daily_report", uri=OUTPUT_BASE + "/run_report")


def stream_rows(uri: str, compression: str | None) -> Any:
    """The CSV's rows one at a time (gzip-decompressed on the fly)."""
    with ObjectStoragePath(uri, conn_id=OUTPUT_CONN_ID).open("rb") as raw:
        binary = gzip.GzipFile(fileobj=raw) if compression == "gzip" else raw
        yield from csv.DictReader(io.TextIOWrapper(binary, encoding="utf-8", newline=""))


with DAG(
    dag_id="example_tiktok_asset_consumer",
    description="Runs when the TikTok daily report Asset is updated; streams the new file",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    schedule=[REPORT_ASSET],
    catchup=False,
    max_active_runs=1,
    tags=["tiktok", "example", "assets"],
) as dag:

    @task
    def load_new_reports(triggering_asset_events: Any = None) -> dict[str, Any]:
        """Read the files named by the Asset events that started this run."""
        events = list(triggering_asset_events.get(REPORT_ASSET, [])) if triggering_asset_events else []
        if not events:
            print("No Asset event (run by hand): nothing new to load.")
            return {"outputs": [], "rows": 0, "files": []}
        files = []
        for event in events:
            extra = dict(event.extra or {})
            rows, spend = 0, 0.0
            for row in stream_rows(extra["uri"], extra.get("compression")):
                rows += 1
                if row.get("spend") not in (None, "", "-"):
                    spend += float(row["spend"])
            print(f"{extra['uri']} ({extra.get('start_date')}..{extra.get('end_date')}): {rows} rows, "
                  f"spend {spend:.2f}")
            if extra.get("rows") is not None and rows != extra["rows"]:
                raise ValueError(f"{extra['uri']} has {rows} rows, the report task wrote {extra['rows']}")
            files.append({"uri": extra["uri"], "rows": rows, "spend": round(spend, 2)})
        return {"outputs": [f["uri"] for f in files], "rows": sum(f["rows"] for f in files), "files": files}

    load_new_reports()
