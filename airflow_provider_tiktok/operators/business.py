"""``TikTokBusinessAccountMetricsOperator``: a TikTok business account's profile and daily metrics as JSONL.

Example::

    TikTokBusinessAccountMetricsOperator(
        task_id="account_metrics",
        tiktok_conn_id="tiktok_accounts",                    # api_family = accounts
        date_from="{{ macros.ds_add(ds, -7) }}", date_to="{{ macros.ds_add(ds, -1) }}",
        destination="s3://bucket/tiktok/account/{{ ds }}.jsonl",
    )

The Accounts API access token lasts 24 h: the hook refreshes it (and stores the new pair in the
Variable ``tiktok_token__<conn_id>``) before it expires, so the DAG runs unattended for a year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseOperator

from airflow_provider_tiktok.api.accounts import business
from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokValidationError
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.utils.failures import fail_or_raise
from airflow_provider_tiktok.utils.storage import JsonLinesSink, atomic_write, resolve_destination


def _utc_date(value: Any, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise TikTokValidationError(f"{name} must be a date YYYY-MM-DD (UTC), got {value!r}") from None


class TikTokBusinessAccountMetricsOperator(BaseOperator):
    """Fetch ``GET /business/get/`` for one TikTok business account and write typed JSONL.

    :param tiktok_conn_id: an Accounts API ``tiktok`` connection (``airflow-tiktok auth login --family accounts``).
    :param business_id: the account's ``open_id``; defaults to the connection's Business ID (templated).
    :param date_from: first day, ``YYYY-MM-DD`` in UTC (templated); default ``date_to`` - 6 days.
    :param date_to: last day, UTC (templated); default yesterday (UTC). The window holds at most 60 days
        and may start at most 60 days ago.
    :param fields: profile and daily fields (see :mod:`airflow_provider_tiktok.api.accounts.business`).
    :param destination: ``ObjectStoragePath`` or URI of the JSONL file (templated); written atomically.
    :param destination_conn_id: Airflow connection of the object store.
    :param compression: ``None`` or ``"gzip"``.

    Each line is one day: ``business_id``, ``date``, the daily metrics (numbers, or ``null`` when TikTok
    has none), then the requested profile fields as of the run. Returns ``{path, rows, date_from, date_to}``.
    """

    template_fields: Sequence[str] = ("business_id", "date_from", "date_to", "destination")
    ui_color = "#25f4ee"

    def __init__(self, *, destination: Any, tiktok_conn_id: str = DEFAULT_CONN_ID, business_id: str | None = None,
                 date_from: Any = None, date_to: Any = None, fields: Sequence[str] = business.DEFAULT_FIELDS,
                 destination_conn_id: str | None = None, compression: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tiktok_conn_id = tiktok_conn_id
        self.business_id = business_id
        self.date_from = date_from
        self.date_to = date_to
        self.fields = business.check_fields(fields)
        self.destination = destination
        self.destination_conn_id = destination_conn_id
        if compression not in (None, "gzip"):
            raise ValueError(f"compression must be None or 'gzip', got {compression!r}")
        self.compression = compression

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        end = _utc_date(self.date_to, "date_to") or today - dt.timedelta(days=1)
        start = _utc_date(self.date_from, "date_from") or end - dt.timedelta(days=6)
        business.check_window(start, end, today)
        return start, end

    def execute(self, context: Any) -> dict[str, Any]:
        hook = TikTokHook(tiktok_conn_id=self.tiktok_conn_id)
        try:
            today = dt.datetime.now(dt.timezone.utc).date()
            start, end = self.window(today)
            config = hook.config
            if config.api_family != "accounts":
                raise TikTokValidationError(
                    f"connection {self.tiktok_conn_id!r} has API family {config.api_family!r}; /business/get/ needs "
                    "an Accounts API connection (airflow-tiktok auth login --family accounts)")
            business_id = self.business_id or config.business_id
            if not business_id:
                raise TikTokValidationError(
                    f"no business_id given and connection {self.tiktok_conn_id!r} has no 'Business ID' (open_id)")
            path = resolve_destination(self.destination, conn_id=self.destination_conn_id)
            self.log.info("Fetching /business/get/ for %s, %s..%s (UTC), %d field(s)", business_id, start, end,
                          len(self.fields))
            data = hook.call(business.business_get(business_id, start, end, self.fields))
            records = business.business_records(data, business_id, self.fields)
            with atomic_write(path, compression=self.compression) as sink:
                JsonLinesSink(sink).write_rows(records)
        except TikTokError as exc:
            raise fail_or_raise(exc, f"Business account metrics ({self.tiktok_conn_id})") from exc
        finally:
            hook.close()
        self.log.info("Wrote %d row(s) to %s", len(records), path)
        return {"path": str(path), "rows": len(records), "date_from": start.isoformat(), "date_to": end.isoformat()}


__all__ = ["TikTokBusinessAccountMetricsOperator"]
