"""``TikTokDownloadReportOperator``: a finished async report task's output to any ``ObjectStoragePath``.

The protocol (CSV body or pre-signed ``download_url``, URL refresh, retries, row counting) lives in
:mod:`airflow_provider_tiktok.api.marketing.download`; the hook writes atomically, so a killed task
leaves nothing at the destination.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api.core.params import parse_advertiser_ids
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.operators.base import TikTokWriteOperator, check_positive
from airflow_provider_tiktok.operators.results import FORMAT_OF_OUTPUT, write_result


def download_result(hook: TikTokHook, *, report_task_id: str, advertiser_id: str, destination: Any,
                    compression: str | None, advertiser_ids: Any = None, start_date: Any = None,
                    end_date: Any = None, max_url_refreshes: int = 3, not_ready_wait: float = 30.0,
                    owner: str | None = None) -> dict[str, Any]:
    """Download through the hook; return the shared result schema (plus ``advertiser_ids``, ``output_format``)."""
    written = hook.download_report_task(report_task_id, advertiser_id, destination, compression=compression,
                                        max_url_refreshes=max_url_refreshes, not_ready_wait=not_ready_wait,
                                        owner=owner)
    return write_result(
        uri=written.uri, rows=written.rows, bytes=written.bytes, bytes_uncompressed=written.bytes_uncompressed,
        format=FORMAT_OF_OUTPUT.get(written.output_format, "csv"), compression=written.compression,
        start_date=start_date, end_date=end_date, report_task_id=report_task_id, advertiser_id=advertiser_id,
        advertiser_ids=parse_advertiser_ids(advertiser_ids) or [advertiser_id], output_format=written.output_format)


class TikTokDownloadReportOperator(TikTokWriteOperator):
    """Download a finished TikTok async report task to ``destination`` (any ``ObjectStoragePath``).

    :param report_task_id: TikTok's task id (templated).
    :param advertiser_id: the task's advertiser (templated).
    :param destination: file URI or ``ObjectStoragePath`` (templated), e.g. ``file:///data/r.csv``,
        ``s3://bucket/tiktok/{{ ds }}.csv.gz``; written atomically.
    :param destination_conn_id: Airflow connection of the object store, when ``destination`` is a string.
    :param compression: ``None`` or ``"gzip"``.
    :param report_start_date: / :param report_end_date: the report's dates, echoed in the result (templated).
    :param advertiser_ids: all advertisers of the task, echoed in the result (templated).
    :param emit_asset: declare the (non-templated) destination as an outlet ``Asset``.
    :param max_url_refreshes: how many times to ask for a fresh ``download_url`` after it expired.
    :param not_ready_wait: seconds to wait before asking again when TikTok answers "task not ready"
        (40201), doubling per attempt.

    Returns the shared result (:mod:`airflow_provider_tiktok.operators.results`) plus ``advertiser_ids``
    and ``output_format`` (TikTok's).
    """

    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "advertiser_ids", "destination",
                                      "report_start_date", "report_end_date", "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(self, *, report_task_id: str, advertiser_id: str, destination: Any,
                 report_start_date: Any = None, report_end_date: Any = None, advertiser_ids: Any = None,
                 max_url_refreshes: int = 3, not_ready_wait: float = 30.0, **kwargs: Any) -> None:
        check_positive("not_ready_wait", not_ready_wait)
        if isinstance(max_url_refreshes, bool) or not isinstance(max_url_refreshes, int) or max_url_refreshes < 0:
            raise ValueError(f"max_url_refreshes must be an integer >= 0, got {max_url_refreshes!r}")
        super().__init__(destination=destination, **kwargs)
        self.report_task_id, self.advertiser_id, self.advertiser_ids = report_task_id, advertiser_id, advertiser_ids
        self.report_start_date, self.report_end_date = report_start_date, report_end_date
        self.max_url_refreshes, self.not_ready_wait = max_url_refreshes, not_ready_wait

    def run(self, context: Any) -> dict[str, Any]:
        return download_result(self.hook, report_task_id=str(self.report_task_id),
                               advertiser_id=str(self.advertiser_id), destination=self.resolved_destination(),
                               compression=self.compression, advertiser_ids=self.advertiser_ids,
                               start_date=self.report_start_date, end_date=self.report_end_date,
                               max_url_refreshes=self.max_url_refreshes, not_ready_wait=self.not_ready_wait,
                               owner=self.partial_owner)


__all__ = ["TikTokDownloadReportOperator", "download_result"]
