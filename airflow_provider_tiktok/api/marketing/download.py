"""Streaming download of an async report task's output (no Airflow import).

``CSV_STRING`` tasks answer ``/report/task/download/`` with the CSV body itself; ``CSV_DOWNLOAD`` and
``XLSX_DOWNLOAD`` tasks answer JSON with a pre-signed ``download_url`` valid for one hour (a fresh one
is requested when it has expired). Bytes flow in 1 MiB pieces from the socket into a sink that the
caller opens per attempt (the hook gives an atomic temporary object), so memory stays bounded. The pieces
are read into one reused buffer (``StreamedResponse.iter_reused``: ``readinto``, no per-chunk ``bytes``),
so the sink must consume (write or copy) each piece before the next arrives, as every file-like object's
``write`` does.

Retries follow the client's one :class:`~airflow_provider_tiktok.api.core.retry.RetryPolicy`: a
transport error (on the answer or mid-stream) restarts the whole attempt into a fresh sink, at most
``max_attempts`` attempts in all; the client's own request retry is switched off inside an attempt so
the two never multiply. "Task not ready" (40201) is asked again after a doubling pause.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, cast

from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import (
    TikTokDownloadURLExpiredError,
    TikTokTaskNotReadyError,
)
from airflow_provider_tiktok.api.marketing import reports

log = logging.getLogger(__name__)

#: Bytes per read: small enough that a piece is still in the CPU cache when it is written and counted
#: (with 8 MiB pieces every byte went through main memory twice more; benchmarks/NOTES.md has the figures).
CHUNK_SIZE = 1024 * 1024
#: Longest pause between two download attempts answered "task not ready" (40201).
MAX_NOT_READY_WAIT = 300.0


class ByteSink(Protocol):
    def write(self, data: bytes | bytearray) -> int: ...


#: Opens a fresh sink for one attempt; leaving the context with an exception must discard it.
OpenSink = Callable[[], AbstractContextManager[ByteSink]]
#: Called with (bytes added, rows added) while bytes flow.
OnProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class DownloadStats:
    """What one successful download wrote."""

    bytes_in: int
    rows: int | None
    output_format: str
    attempts: int


class _Copier:
    def __init__(self, sink: ByteSink, on_progress: OnProgress | None) -> None:
        self.sink = sink
        self.counter: reports.CsvRowCounter | None = reports.CsvRowCounter()
        self.bytes_in = 0
        self.on_progress = on_progress

    def copy(self, chunks: Iterable[bytes | bytearray]) -> None:
        """Write every chunk, then count its rows while it is still in the CPU cache.

        A helper thread counting one piece behind (the first version) read each piece back from memory on
        the other core and competed for the GIL; on a 1 GiB report (``benchmarks/bench_download.py``) it was
        not faster than counting here, and it held a second buffer.
        """
        counter = self.counter
        for chunk in chunks:
            if not chunk:
                continue
            self.sink.write(chunk)
            self.bytes_in += len(chunk)
            # A bytearray has every bytes method the counter uses (in, replace, split, indexing).
            rows = counter.feed(cast(bytes, chunk)) if counter is not None else 0
            if self.on_progress is not None:
                self.on_progress(len(chunk), rows)


def _copy_from_url(client: TikTokClient, link: reports.DownloadLink, task_id: str, advertiser_id: str,
                   copier: _Copier, max_url_refreshes: int) -> None:
    for refresh in range(max_url_refreshes + 1):
        try:
            with client.open_url(link.download_url, retry=False) as response:
                copier.copy(response.iter_reused(CHUNK_SIZE))
            return
        except TikTokDownloadURLExpiredError:
            if refresh >= max_url_refreshes:
                raise
            log.info("download_url of report task %s has expired; asking TikTok for a fresh one", task_id)
            link = client.call(reports.download_task(task_id, advertiser_id))


def _attempt(client: TikTokClient, task_id: str, advertiser_id: str, open_sink: OpenSink,
             max_url_refreshes: int, on_progress: OnProgress | None) -> tuple[int, int | None, str]:
    output_format = "CSV_STRING"
    with open_sink() as sink:
        copier = _Copier(sink, on_progress)
        link: reports.DownloadLink | None = None
        with client.stream(reports.download_task(task_id, advertiser_id), retry=False) as response:
            if response.is_json:
                link = response.json_data
            else:
                copier.copy(response.iter_reused(CHUNK_SIZE))
        if link is not None:
            output_format = link.output_format or "CSV_DOWNLOAD"
            if output_format == "XLSX_DOWNLOAD":
                copier.counter = None  # a workbook has no countable lines
            _copy_from_url(client, link, task_id, advertiser_id, copier, max_url_refreshes)
    rows = copier.counter.rows if copier.counter is not None else None
    return copier.bytes_in, rows, output_format


def download_report(client: TikTokClient, task_id: Any, advertiser_id: Any, open_sink: OpenSink, *,
                    max_url_refreshes: int = 3, not_ready_wait: float = 30.0, max_not_ready: int = 4,
                    on_progress: OnProgress | None = None, sleep: Callable[[float], None] = time.sleep,
                    ) -> DownloadStats:
    """Stream report task ``task_id`` into a sink from ``open_sink``; return what was written.

    Rows are counted as newlines outside quoted CSV fields, minus the header (``None`` for XLSX).
    """
    ids = reports.task_ids(task_id, advertiser_id)
    task, adv = ids["task_id"], ids["advertiser_id"]
    attempts = 0
    for not_ready in range(max_not_ready):
        try:
            for attempt in client.retry.retrying():
                with attempt:
                    attempts += 1
                    bytes_in, rows, fmt = _attempt(client, task, adv, open_sink, max_url_refreshes, on_progress)
                    return DownloadStats(bytes_in=bytes_in, rows=rows, output_format=fmt, attempts=attempts)
        except TikTokTaskNotReadyError as exc:
            if not_ready + 1 >= max_not_ready:
                raise
            pause = min(not_ready_wait * 2 ** not_ready, MAX_NOT_READY_WAIT)
            log.warning("Report task %s is not ready for download yet (%s); asking again in %.0fs", task, exc, pause)
            sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["CHUNK_SIZE", "ByteSink", "DownloadStats", "OpenSink", "download_report"]
