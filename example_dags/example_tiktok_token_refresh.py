"""Dedicated token refresh for Accounts API / Login Kit connections: one refresher, no races.

By default every task refreshes an expiring token itself (see ``docs/oauth.md``): when 20 mapped
tasks find it expired together, one refresh wins and the others re-read the stored pair. If you prefer
that tasks never refresh, run this DAG: it renews each connection's token well before it expires, in a
pool with **one slot**, so refreshes never overlap and a rotating refresh token is used exactly once.

Setup for production::

    airflow pools set tiktok_token_refresh 1 "TikTok token refresh (must stay at 1 slot)"
    export TIKTOK_REFRESH_POOL=tiktok_token_refresh

Without ``TIKTOK_REFRESH_POOL`` the DAG runs in Airflow's ``default_pool`` (it works anywhere, and each
connection still has one refresher: one mapped task per connection, one run at a time) and every task
warns in its log.

Configuration (environment variables, all optional):

- ``TIKTOK_REFRESH_CONN_IDS`` (default ``tiktok_accounts``): comma-separated ``tiktok`` connection ids
  whose API family is ``accounts`` or ``login_kit``.
- ``TIKTOK_REFRESH_POOL`` (unset: ``default_pool``).
- ``TIKTOK_REFRESH_AHEAD_HOURS`` (default 8): refresh when the access token expires within this many hours.
  Tokens last 24 h and the DAG runs every 6 h, so a token is renewed about twice a day and tasks that use
  it never see it close to expiry (their own 5-minute margin is never reached).

New tokens go to the Variable ``tiktok_token__<conn_id>`` (masked; never logged).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from airflow.sdk import DAG, task

CONN_IDS = [c.strip() for c in os.environ.get("TIKTOK_REFRESH_CONN_IDS", "tiktok_accounts").split(",") if c.strip()]
POOL = os.environ.get("TIKTOK_REFRESH_POOL") or "default_pool"
AHEAD_HOURS = float(os.environ.get("TIKTOK_REFRESH_AHEAD_HOURS", "8"))


def warn_without_pool(context: Any) -> None:
    """``on_execute_callback``: say in the task log that no one-slot pool serialises the refreshes."""
    if POOL == "default_pool":
        context["task"].log.warning(
            "Token refresh runs in default_pool (TIKTOK_REFRESH_POOL is not set). For production: airflow pools "
            "set tiktok_token_refresh 1 'TikTok token refresh' and TIKTOK_REFRESH_POOL=tiktok_token_refresh.")


with DAG(
    dag_id="example_tiktok_token_refresh",
    schedule=timedelta(hours=6),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5), "pool": POOL,
                  "on_execute_callback": warn_without_pool},
    tags=["tiktok", "example"],
    doc_md=__doc__,
) as dag:

    @task
    def refresh_token(conn_id: str) -> dict[str, Any]:
        """Refresh ``conn_id`` if its access token expires within ``AHEAD_HOURS``; return only expiry times."""
        from airflow_provider_tiktok.hooks.tiktok import TikTokHook
        from airflow_provider_tiktok.hooks.tokens import manager_for_config

        config = TikTokHook(tiktok_conn_id=conn_id).config
        if not config.tokens_expire:
            return {"conn_id": conn_id, "skipped": "Marketing API tokens do not expire"}
        manager = manager_for_config(config, margin=AHEAD_HOURS * 3600)
        before = manager.load()
        if before.expires_at is None:  # straight from the connection: expiry unknown, establish it
            manager.refresh(force=True)
        else:
            manager.access_token()  # refreshes (and stores) only when inside the margin
        after = manager.load()
        return {"conn_id": conn_id, "refreshed": after.access_token != before.access_token,
                "expires_at": after.expires_at, "refresh_expires_at": after.refresh_expires_at}

    refresh_token.expand(conn_id=CONN_IDS)
