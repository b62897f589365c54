"""``TikTokBusinessAccountMetricsOperator``: a TikTok business account's profile and daily metrics as JSONL.

Example::

    TikTokBusinessAccountMetricsOperator(
        task_id="account_metrics",
        tiktok_conn_id="tiktok_accounts",                    # api_family = accounts
        report_start_date="{{ macros.ds_add(ds, -7) }}", report_end_date="{{ macros.ds_add(ds, -1) }}",
        destination="s3://bucket/tiktok/account/{{ ds }}.jsonl",
    )

The Accounts API access token lasts 24 h: the hook refreshes it (and stores the new pair in the
Variable ``tiktok_token__<conn_id>``) before it expires, so the DAG runs unattended for a year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api.accounts import business
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.operators.base import TikTokWriteOperator
from airflow_provider_tiktok.operators.results import write_result
from airflow_provider_tiktok.utils.storage import JsonLinesSink, atomic_write


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


class TikTokBusinessAccountMetricsOperator(TikTokWriteOperator):
    """Fetch ``GET /business/get/`` for one TikTok business account and write typed JSONL.

    :param tiktok_conn_id: an Accounts API ``tiktok`` connection (``airflow-tiktok auth login --family accounts``).
    :param business_id: the account's ``open_id``; defaults to the connection's Business ID (templated).
    :param report_start_date: first day, ``YYYY-MM-DD`` in UTC (templated); default ``report_end_date`` - 6 days.
    :param report_end_date: last day, UTC (templated); default yesterday (UTC). The window holds at most
        60 days and may start at most 60 days ago.
    :param fields: profile and daily fields (see :mod:`airflow_provider_tiktok.api.accounts.business`).
    :param destination: ``ObjectStoragePath`` or URI of the JSONL file (templated); written atomically.
    :param destination_conn_id: Airflow connection of the object store.
    :param compression: ``None`` or ``"gzip"``.
    :param emit_asset: declare the (non-templated) destination as an outlet ``Asset``.

    Each line is one day: ``business_id``, ``date``, the daily metrics (numbers, or ``null`` when TikTok
    has none), then the requested profile fields as of the run. Returns the shared result schema
    (:mod:`airflow_provider_tiktok.operators.results`) plus ``business_id``.
    """

    template_fields: Sequence[str] = ("business_id", "report_start_date", "report_end_date", "destination",
                                      "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(self, *, destination: Any, business_id: str | None = None, report_start_date: Any = None,
                 report_end_date: Any = None, fields: Sequence[str] = business.DEFAULT_FIELDS,
                 **kwargs: Any) -> None:
        checked = business.check_fields(fields)
        super().__init__(destination=destination, **kwargs)
        self.business_id, self.fields = business_id, checked
        self.report_start_date, self.report_end_date = report_start_date, report_end_date

    @property
    def subject(self) -> str:
        return f"Business account metrics ({self.tiktok_conn_id})"

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        end = _utc_date(self.report_end_date, "report_end_date") or today - dt.timedelta(days=1)
        start = _utc_date(self.report_start_date, "report_start_date") or end - dt.timedelta(days=6)
        business.check_window(start, end, today)
        return start, end

    def run(self, context: Any) -> dict[str, Any]:
        today = dt.datetime.now(dt.timezone.utc).date()
        start, end = self.window(today)
        business_id = self.hook.resolve_business_id(self.business_id)
        path = self.resolved_destination()
        self.log.info("Fetching /business/get/ for %s, %s..%s (UTC), %d field(s)", business_id, start, end,
                      len(self.fields))
        records = self.hook.get_business_account(business_id, start, end, self.fields)
        with atomic_write(path, compression=self.compression, owner=self.partial_owner) as sink:
            JsonLinesSink(sink).write_rows(records)
        self.log.info("Wrote %d row(s) to %s", len(records), path)
        return write_result(uri=path, rows=len(records), bytes=sink.bytes_stored, bytes_uncompressed=sink.bytes_in,
                            format="jsonl", compression=self.compression, start_date=start.isoformat(),
                            end_date=end.isoformat(), business_id=business_id)


__all__ = ["TikTokBusinessAccountMetricsOperator"]
