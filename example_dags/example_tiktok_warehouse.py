"""TikTok to a warehouse layout: dimension files (campaigns, ad groups, ads) and an ad-level daily fact file
per advertiser, joined on ids.

``discover_advertisers`` lists the advertisers the token can access. For each of them (mapped tasks):

- ``dim_campaigns``, ``dim_adgroups``, ``dim_ads``: the entities (``TikTokEntitiesToStorageOperator``), one
  JSON Lines file per advertiser and entity, deleted entities included (old report rows still name them);
- ``fact_ads_daily``: the ``ads_daily`` report preset (``TikTokSyncReportOperator``), the advertiser-local
  days that ended in the run's data interval plus ``TIKTOK_LOOKBACK_DAYS`` earlier ones.

``spend_by_campaign`` joins the files (fact ``ad_id`` -> ad -> ``campaign_id`` -> campaign name) and prints
spend per campaign. It streams every file line by line: memory holds the id -> name maps of the dimensions,
never the fact rows. Files go to ``TIKTOK_OUTPUT_BASE`` (shared object storage such as ``s3://...`` when
workers run on several machines).

Configuration (environment variables, all optional): ``TIKTOK_CONN_ID`` (default ``tiktok_default``, a
Marketing API connection), ``TIKTOK_ADVERTISER_IDS`` (keep only these), ``TIKTOK_OUTPUT_BASE`` (default
``file:///tmp/tiktok-example-output``), ``TIKTOK_OUTPUT_CONN_ID``, ``TIKTOK_LOOKBACK_DAYS`` (default 6),
``TIKTOK_POOL`` (unset: ``default_pool``; production: ``airflow pools set tiktok_api 4 "TikTok API"``).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, ObjectStoragePath, task

from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator
from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

try:  # Airflow >= 3.2
    from airflow.sdk import CronDataIntervalTimetable
except ImportError:  # Airflow 3.1
    from airflow.timetables.interval import CronDataIntervalTimetable

TIKTOK_CONN_ID = os.environ.get("TIKTOK_CONN_ID", "tiktok_default")
OUTPUT_BASE = os.environ.get("TIKTOK_OUTPUT_BASE", "file:///tmp/tiktok-example-output").rstrip("/") + "/warehouse"
OUTPUT_CONN_ID = os.environ.get("TIKTOK_OUTPUT_CONN_ID") or None
#: The pool capping concurrent TikTok calls: ``TIKTOK_POOL`` when set (create the pool first, see the
#: README); otherwise Airflow's ``default_pool``, which every Airflow has, and each task warns in its log.
POOL = os.environ.get("TIKTOK_POOL") or "default_pool"
LOOKBACK_DAYS = int(os.environ.get("TIKTOK_LOOKBACK_DAYS", "6"))
ADVERTISER_ALLOW_LIST = os.environ.get("TIKTOK_ADVERTISER_IDS") or None
#: The columns each dimension keeps: its id, the parent ids the join needs, and the names.
DIMENSIONS = {
    "campaigns": ["campaign_id", "campaign_name", "objective_type", "operation_status"],
    "adgroups": ["adgroup_id", "campaign_id", "adgroup_name", "operation_status"],
    "ads": ["ad_id", "adgroup_id", "campaign_id", "ad_name", "operation_status"],
}


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no TikTok pool caps the API calls."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "TikTok calls run in default_pool (TIKTOK_POOL is not set): nothing caps them at the app's QPS. "
            "For production: airflow pools set tiktok_api 4 'TikTok API calls' and TIKTOK_POOL=tiktok_api.")


def _lines(uri: str) -> Any:
    """The JSON objects of a JSON Lines file, one at a time."""
    path = ObjectStoragePath(uri, conn_id=OUTPUT_CONN_ID) if OUTPUT_CONN_ID else ObjectStoragePath(uri)
    with path.open("r") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


with DAG(
    dag_id="example_tiktok_warehouse",
    description="TikTok entities (dimensions) and the ads_daily preset (facts) per advertiser, joined on ids",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    schedule=CronDataIntervalTimetable("30 1 * * *", timezone="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "pool": POOL,
                  "on_execute_callback": warn_without_pool},
    tags=["tiktok", "example"],
) as dag:
    advertisers = TikTokListAdvertisersOperator(
        task_id="discover_advertisers", tiktok_conn_id=TIKTOK_CONN_ID, allow_list=ADVERTISER_ALLOW_LIST)

    dimensions = [
        TikTokEntitiesToStorageOperator.partial(
            task_id=f"dim_{entity}",
            tiktok_conn_id=TIKTOK_CONN_ID,
            entity=entity,
            fields=fields,
            include_deleted=True,
            destination=OUTPUT_BASE + "/dim_{entity}/advertiser={advertiser_id}.{ext}",
            destination_conn_id=OUTPUT_CONN_ID,
            map_index_template="{{ task.advertiser_id }}",
        ).expand(advertiser_id=advertisers.output)
        for entity, fields in DIMENSIONS.items()
    ]

    facts = TikTokSyncReportOperator.partial(
        task_id="fact_ads_daily",
        tiktok_conn_id=TIKTOK_CONN_ID,
        preset="ads_daily",
        metrics=["spend", "impressions", "clicks", "conversion"],  # the preset's columns, trimmed for the example
        lookback_days=LOOKBACK_DAYS,
        destination=OUTPUT_BASE + "/fact_ads_daily/advertiser={advertiser_id}/{start_date}_{end_date}.{ext}",
        destination_conn_id=OUTPUT_CONN_ID,
        map_index_template="{{ task.advertiser_id }}",
    ).expand(advertiser_id=advertisers.output)

    @task(pool="default_pool", on_execute_callback=None)
    def spend_by_campaign(campaigns: list[dict[str, Any]], ads: list[dict[str, Any]],
                          fact_results: list[dict[str, Any]]) -> dict[str, Any]:
        """Join facts to ads to campaigns on ids and print spend per campaign name (streaming every file)."""
        campaign_names: dict[str, str] = {}
        for result in campaigns:
            for row in _lines(result["uri"]):
                campaign_names[str(row["campaign_id"])] = row.get("campaign_name") or "?"
        campaign_of_ad: dict[str, str] = {}
        for result in ads:
            for row in _lines(result["uri"]):
                campaign_of_ad[str(row["ad_id"])] = str(row["campaign_id"])
        spend: dict[str, float] = defaultdict(float)
        fact_rows = unmatched = 0
        for result in fact_results:
            for row in _lines(result["uri"]):
                fact_rows += 1
                campaign_id = campaign_of_ad.get(str(row["ad_id"]))
                if campaign_id is None:
                    unmatched += 1
                    continue
                spend[campaign_names.get(campaign_id, f"campaign {campaign_id}")] += float(row.get("spend") or 0)
        for name, total in sorted(spend.items(), key=lambda item: -item[1]):
            print(f"{total:>14,.2f}  {name}")
        print(f"{fact_rows} fact rows joined to {len(campaign_of_ad)} ads and {len(campaign_names)} campaigns; "
              f"{unmatched} rows name an ad no dimension file lists")
        return {"outputs": [r["uri"] for r in (*campaigns, *ads, *fact_results)], "rows": fact_rows,
                "unmatched_rows": unmatched, "spend_by_campaign": {k: round(v, 2) for k, v in spend.items()}}

    summary = spend_by_campaign(dimensions[0].output, dimensions[2].output, facts.output)
    dimensions[1] >> summary
