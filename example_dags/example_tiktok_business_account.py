"""TikTok business account daily metrics (Accounts API) as JSON Lines, with automatic token refresh.

A TikTok *account* (creator / brand profile, not an ad account) authorizes your app once with
``airflow-tiktok auth login --family accounts`` (see ``docs/oauth.md``). Its access token lasts 24 hours:
the hook refreshes it before it expires (and when TikTok answers 40102) and stores the new token pair in
the Airflow Variable ``tiktok_token__<conn_id>``, so this DAG runs unattended for the refresh token's
lifetime (a year). ``example_tiktok_token_refresh`` keeps the token fresh even when nothing else runs.

Each run writes the last 7 UTC days (TikTok revises recent days; reruns overwrite the same file) of
followers, views, likes, comments and shares, plus the profile as of the run.

Configuration (environment variables, all optional):

- ``TIKTOK_ACCOUNTS_CONN_ID`` (default ``tiktok_accounts``): an Accounts API ``tiktok`` connection
  (API family ``accounts``, Business ID = the account's ``open_id``).
- ``TIKTOK_OUTPUT_BASE`` (default ``file:///tmp/tiktok-example-output``), ``TIKTOK_OUTPUT_CONN_ID``.
- ``TIKTOK_POOL`` (unset: ``default_pool``, with a warning in the task log; production:
  ``airflow pools set tiktok_api 4 "TikTok API"``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG

from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator

TIKTOK_ACCOUNTS_CONN_ID = os.environ.get("TIKTOK_ACCOUNTS_CONN_ID", "tiktok_accounts")
OUTPUT_BASE = os.environ.get("TIKTOK_OUTPUT_BASE", "file:///tmp/tiktok-example-output").rstrip("/")
OUTPUT_CONN_ID = os.environ.get("TIKTOK_OUTPUT_CONN_ID") or None
#: The pool capping concurrent TikTok calls: ``TIKTOK_POOL`` when set (create the pool first, see the
#: README); otherwise Airflow's ``default_pool``, which every Airflow has, and each task warns in its log.
POOL = os.environ.get("TIKTOK_POOL") or "default_pool"
#: Days are relative to when the run was due (``run_after`` exists for scheduled and manual runs alike).
LAST_DAY = "{{ (dag_run.run_after - macros.timedelta(days=1)) | ds }}"
FIRST_DAY = "{{ (dag_run.run_after - macros.timedelta(days=7)) | ds }}"


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no TikTok pool caps the API calls."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "TikTok calls run in default_pool (TIKTOK_POOL is not set): nothing caps them at the app's QPS. "
            "For production: airflow pools set tiktok_api 4 'TikTok API calls' and TIKTOK_POOL=tiktok_api.")


with DAG(
    dag_id="example_tiktok_business_account",
    description="TikTok business account profile and daily metrics (Accounts API) to JSON Lines",
    doc_md=__doc__,
    start_date=datetime(2026, 1, 1),
    schedule="0 7 * * *",
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "pool": POOL,
                  "on_execute_callback": warn_without_pool},
    tags=["tiktok", "example", "accounts-api"],
) as dag:
    TikTokBusinessAccountMetricsOperator(
        task_id="account_daily_metrics",
        tiktok_conn_id=TIKTOK_ACCOUNTS_CONN_ID,
        report_start_date=FIRST_DAY,
        report_end_date=LAST_DAY,
        destination=OUTPUT_BASE + "/business_account/" + LAST_DAY + ".jsonl",
        destination_conn_id=OUTPUT_CONN_ID,
    )
