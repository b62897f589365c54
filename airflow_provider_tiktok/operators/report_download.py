"""Streaming download of an async report task's output to any ``ObjectStoragePath``.

``CSV_STRING`` tasks answer ``/report/task/download/`` with the CSV body itself; ``CSV_DOWNLOAD`` and
``XLSX_DOWNLOAD`` tasks answer JSON with a pre-signed ``download_url`` valid for one hour (a fresh one
is requested when it has expired). Bytes flow in 4 MiB chunks from the socket into
:func:`~airflow_provider_tiktok.utils.storage.atomic_write`, so memory stays bounded whatever the
report size and a killed task leaves no partial file at the destination.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

import tenacity
from airflow.sdk import BaseOperator

from airflow_provider_tiktok.api.core.errors import (
    TikTokDownloadURLExpiredError,
    TikTokError,
    TikTokTaskNotReadyError,
    TikTokTransportError,
)
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.operators._report_common import fail_fast
from airflow_provider_tiktok.utils.storage import (
    ProgressLogger,
    Sink,
    atomic_write,
    check_compression,
    resolve_destination,
)

log = logging.getLogger(__name__)

CHUNK_SIZE = 4 * 1024 * 1024
#: Longest pause between two download attempts answered "task not ready" (40201).
MAX_NOT_READY_WAIT = 300.0


def _copy(chunks: Iterable[bytes], sink: Sink, counter: reports.CsvRowCounter | None,
          progress: ProgressLogger) -> None:
    for chunk in chunks:
        if not chunk:
            continue
        sink.write(chunk)
        rows = counter.feed(chunk) if counter is not None else 0
        progress.update(bytes_added=len(chunk), rows_added=rows)


def _copy_from_url(client: Any, link: reports.DownloadLink, task_id: str, advertiser_id: str, sink: Sink,
                   counter: reports.CsvRowCounter | None, progress: ProgressLogger, max_url_refreshes: int) -> None:
    for refresh in range(max_url_refreshes + 1):
        try:
            with client.open_url(link.download_url) as response:
                _copy(response.iter_bytes(CHUNK_SIZE), sink, counter, progress)
            return
        except TikTokDownloadURLExpiredError:
            if refresh >= max_url_refreshes:
                raise
            log.info("download_url of report task %s has expired; asking TikTok for a fresh one", task_id)
            link = client.call(reports.download_task(task_id, advertiser_id))


def _download_once(client: Any, task_id: str, advertiser_id: str, destination: Any, compression: str | None,
                   max_url_refreshes: int, progress_every: float) -> dict[str, Any]:
    progress = ProgressLogger(f"TikTok report task {task_id} -> {destination}", every=progress_every, logger=log)
    counter: reports.CsvRowCounter | None = reports.CsvRowCounter()
    output_format = "CSV_STRING"
    with atomic_write(destination, compression=compression) as sink:
        link: reports.DownloadLink | None = None
        with client.stream(reports.download_task(task_id, advertiser_id)) as response:
            if response.is_json:
                link = response.json_data
            else:
                _copy(response.iter_bytes(CHUNK_SIZE), sink, counter, progress)
        if link is not None:
            output_format = link.output_format or "CSV_DOWNLOAD"
            if output_format == "XLSX_DOWNLOAD":
                counter = None  # a workbook has no countable lines
            _copy_from_url(client, link, task_id, advertiser_id, sink, counter, progress, max_url_refreshes)
    progress.rows = counter.rows if counter is not None else 0
    progress.done()
    return {
        "destination": str(destination),
        "bytes": sink.bytes_stored,
        "bytes_uncompressed": sink.bytes_in,
        "rows": counter.rows if counter is not None else None,
        "output_format": output_format,
        "compression": compression,
    }


def download_report(hook: Any, *, task_id: str, advertiser_id: str, destination: Any, compression: str | None = None,
                    max_url_refreshes: int = 3, max_attempts: int = 4, not_ready_wait: float = 30.0,
                    progress_every: float = 5.0) -> dict[str, Any]:
    """Stream report task ``task_id`` into ``destination`` atomically; return what was written.

    Retried, at most ``max_attempts`` attempts in all: a stream broken mid-way
    (:class:`TikTokTransportError`) restarts at once from scratch into a fresh temporary object; a
    "task not ready" answer (40201) is asked again after ``not_ready_wait`` seconds, doubling. Rows
    are counted as newlines outside quoted CSV fields, minus the header (``None`` for XLSX).
    """
    client = hook.get_conn()

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TikTokTaskNotReadyError):
            return min(not_ready_wait * 2 ** (state.attempt_number - 1), MAX_NOT_READY_WAIT)
        return 0.0

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("Download of report task %s failed (attempt %d/%d), trying again: %s", task_id,
                    state.attempt_number, max_attempts, exc)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max_attempts), wait=wait, before_sleep=before_sleep, reraise=True,
        retry=tenacity.retry_if_exception_type((TikTokTransportError, TikTokTaskNotReadyError)))
    return retrying(_download_once, client, task_id, advertiser_id, destination, compression, max_url_refreshes,
                    progress_every)


class TikTokDownloadReportOperator(BaseOperator):
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

    Returns (XCom) ``{destination, bytes, bytes_uncompressed, rows, output_format, compression, task_id,
    advertiser_id, advertiser_ids, start_date, end_date}``.
    """

    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "advertiser_ids", "destination",
                                      "report_start_date", "report_end_date", "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(
        self,
        *,
        report_task_id: str,
        advertiser_id: str,
        destination: Any,
        destination_conn_id: str | None = None,
        compression: str | None = None,
        report_start_date: Any = None,
        report_end_date: Any = None,
        advertiser_ids: Any = None,
        tiktok_conn_id: str = DEFAULT_CONN_ID,
        emit_asset: bool = False,
        max_url_refreshes: int = 3,
        not_ready_wait: float = 30.0,
        **kwargs: Any,
    ) -> None:
        check_compression(compression)
        static = not (isinstance(destination, str) and "{{" in destination)
        if static:
            resolved = resolve_destination(destination, conn_id=destination_conn_id)
            if emit_asset:
                from airflow.sdk import Asset

                kwargs.setdefault("outlets", [Asset(str(resolved))])
        super().__init__(**kwargs)
        self.report_task_id = report_task_id
        self.advertiser_id = advertiser_id
        self.advertiser_ids = advertiser_ids
        self.destination = destination
        self.destination_conn_id = destination_conn_id
        self.compression = compression
        self.report_start_date = report_start_date
        self.report_end_date = report_end_date
        self.tiktok_conn_id = tiktok_conn_id
        self.max_url_refreshes = max_url_refreshes
        self.not_ready_wait = not_ready_wait

    def execute(self, context: Any) -> dict[str, Any]:
        from airflow_provider_tiktok.hooks.tiktok import TikTokHook

        destination = resolve_destination(self.destination, conn_id=self.destination_conn_id)
        hook = TikTokHook(tiktok_conn_id=self.tiktok_conn_id)
        return run_download(hook, task_id=str(self.report_task_id), advertiser_id=str(self.advertiser_id),
                            advertiser_ids=self.advertiser_ids, destination=destination,
                            compression=self.compression, start_date=self.report_start_date,
                            end_date=self.report_end_date, max_url_refreshes=self.max_url_refreshes,
                            not_ready_wait=self.not_ready_wait)


def run_download(hook: Any, *, task_id: str, advertiser_id: str, destination: Any, compression: str | None,
                 advertiser_ids: Any = None, start_date: Any = None, end_date: Any = None,
                 max_url_refreshes: int = 3, not_ready_wait: float = 30.0) -> dict[str, Any]:
    """:func:`download_report` with Airflow error mapping and the ids / dates added to the result."""
    try:
        result = download_report(hook, task_id=task_id, advertiser_id=advertiser_id, destination=destination,
                                 compression=compression, max_url_refreshes=max_url_refreshes,
                                 not_ready_wait=not_ready_wait)
    except TikTokError as exc:
        raise fail_fast(exc) from exc
    ids = reports.parse_advertiser_ids(advertiser_ids) or [advertiser_id]
    result.update(task_id=task_id, advertiser_id=advertiser_id, advertiser_ids=ids,
                  start_date=str(start_date) if start_date else None, end_date=str(end_date) if end_date else None)
    return result
