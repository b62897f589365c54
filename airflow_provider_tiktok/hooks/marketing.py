"""Marketing API operations of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook`.

One method per TikTok operation (async twins where triggers need them). Every method checks the
connection's API family before it builds a request, and raises the protocol layer's typed
:class:`~airflow_provider_tiktok.api.core.errors.TikTokError`; operators map those to Airflow.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing import advertisers, download, integrated, reports
from airflow_provider_tiktok.api.marketing.status import ReportTaskState, poll_intervals
from airflow_provider_tiktok.api.marketing.windows import check_timezone
from airflow_provider_tiktok.utils.storage import ProgressLogger, Sink, atomic_write

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

    from airflow_provider_tiktok.hooks.base import TikTokBaseHook

    _Base = TikTokBaseHook
else:
    _Base = object

log = logging.getLogger(__name__)
T = TypeVar("T")

_MARKETING = "marketing"


@dataclass(frozen=True)
class DownloadResult:
    """What :meth:`TikTokMarketingHookMixin.download_report_task` wrote."""

    uri: str
    bytes: int
    bytes_uncompressed: int
    rows: int | None
    output_format: str
    compression: str | None


class TikTokMarketingHookMixin(_Base):
    """Advertisers, async report tasks, report downloads and synchronous report pages."""

    # -- advertisers ----------------------------------------------------------------------------

    def get_authorized_advertisers(self) -> list[advertisers.Advertiser]:
        """``GET /oauth2/advertiser/get/``: the advertisers the connection's token may read."""
        config = self.family_config(_MARKETING, "listing advertisers")
        config.require("app_id", "app_secret", "access_token")
        return self.call(advertisers.authorized_advertisers(config.app_id, config.app_secret))

    def get_advertiser_info(self, advertiser_ids: Sequence[str],
                            fields: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """``GET /advertiser/info/``: details (name, currency, ``timezone``, status) of up to 100 advertisers."""
        return self._marketing_call(advertisers.advertiser_info(advertiser_ids, fields=fields))

    def get_advertiser_timezone(self, advertiser_id: str) -> str:
        """The IANA zone the advertiser reports in (its calendar days are the report's days)."""
        items = self.get_advertiser_info([advertiser_id], fields=["advertiser_id", "timezone"])
        zone = next((i.get("timezone") for i in items if str(i.get("advertiser_id")) == advertiser_id), None)
        if not zone:
            raise TikTokValidationError(f"TikTok returned no timezone for advertiser {advertiser_id}: "
                                        "pass timezone='Area/City' to the operator")
        try:
            return check_timezone(zone)
        except TikTokValidationError:
            raise TikTokValidationError(f"advertiser {advertiser_id} reports in {zone!r}, which is not an "
                                        "IANA zone name: pass timezone='Area/City' to the operator") from None

    def resolve_advertiser_ids(self, explicit: Any = None) -> list[str]:
        """The given advertiser ids, or the connection's default list; an error if neither."""
        ids = reports.parse_advertiser_ids(explicit)
        if ids:
            return ids
        if self.config.advertiser_ids:
            return list(self.config.advertiser_ids)
        raise TikTokValidationError(
            f"no advertiser id given and connection {self.tiktok_conn_id!r} has no default 'Advertiser IDs'")

    # -- async report tasks ---------------------------------------------------------------------

    def _marketing_call(self, call: ApiCall[T]) -> T:
        """Send a Marketing API request after checking the connection's family (before any HTTP)."""
        self.family_config(_MARKETING, call.path)
        return self.call(call)

    async def _amarketing_call(self, call: ApiCall[T]) -> T:
        self.check_family(await self.aget_config(), _MARKETING, call.path)
        return await self.acall(call)

    def create_report_task(self, request: reports.ReportTaskRequest) -> str:
        """``POST /report/task/create/``: returns TikTok's new report task id."""
        return self._marketing_call(reports.create_task(request))

    def get_report_task_state(self, report_task_id: str, advertiser_id: str) -> ReportTaskState:
        """``GET /report/task/check/``: the task's status (and TikTok's failure message)."""
        return self._marketing_call(reports.check_task(report_task_id, advertiser_id))

    async def aget_report_task_state(self, report_task_id: str, advertiser_id: str) -> ReportTaskState:
        """Async twin of :meth:`get_report_task_state` (for triggers)."""
        return await self._amarketing_call(reports.check_task(report_task_id, advertiser_id))

    def cancel_report_task(self, report_task_id: str, advertiser_id: str) -> str:
        """``POST /report/task/cancel/`` (QUEUING / PROCESSING tasks only); returns the new status."""
        return self._marketing_call(reports.cancel_task(report_task_id, advertiser_id))

    async def acancel_report_task(self, report_task_id: str, advertiser_id: str) -> str:
        """Async twin of :meth:`cancel_report_task`."""
        return await self._amarketing_call(reports.cancel_task(report_task_id, advertiser_id))

    def wait_for_report_task(self, report_task_id: str, advertiser_id: str, *, poll_interval: float,
                             deadline: float, max_poll_interval: float | None = None,
                             sleep: Callable[[float], None] = time.sleep) -> ReportTaskState:
        """Check until the task is terminal or ``deadline`` (epoch seconds) passes; return the last state.

        Pauses start at ``poll_interval`` and double up to ``max_poll_interval``. The caller tells a
        timeout from the returned state (``state.status.is_terminal`` is false).
        """
        pauses = poll_intervals(poll_interval, max_poll_interval)
        while True:
            state = self.get_report_task_state(report_task_id, advertiser_id)
            log.info("%s", state.describe())
            remaining = deadline - time.time()
            if state.status.is_terminal or remaining <= 0:
                return state
            sleep(min(next(pauses), remaining))

    def download_report_task(self, report_task_id: str, advertiser_id: str, destination: ObjectStoragePath, *,
                             compression: str | None = None, max_url_refreshes: int = 3,
                             not_ready_wait: float = 30.0, progress_every: float = 5.0,
                             owner: str | None = None) -> DownloadResult:
        """``GET /report/task/download/`` streamed into ``destination``, atomically.

        A broken stream restarts into a fresh temporary object (the client's retry policy bounds the
        attempts); a failed download leaves the destination as it was. ``owner`` names the temporary
        objects, so a later attempt of the same task removes what a killed one left.
        """
        self.family_config(_MARKETING, "/report/task/download/")
        progress = ProgressLogger(f"TikTok report task {report_task_id} -> {destination}", every=progress_every,
                                  logger=log)
        sinks: list[Sink] = []

        def open_sink() -> AbstractContextManager[Sink]:
            return _remember(atomic_write(destination, compression=compression, owner=owner), sinks)

        stats = download.download_report(
            self.get_conn(), report_task_id, advertiser_id, open_sink, max_url_refreshes=max_url_refreshes,
            not_ready_wait=not_ready_wait,
            on_progress=lambda nbytes, rows: progress.update(bytes_added=nbytes, rows_added=rows))
        progress.rows = stats.rows or 0
        progress.done()
        return DownloadResult(uri=str(destination), bytes=sinks[-1].bytes_stored, bytes_uncompressed=stats.bytes_in,
                              rows=stats.rows, output_format=stats.output_format, compression=compression)

    # -- synchronous reports --------------------------------------------------------------------

    def sync_report_reader(self, request: integrated.SyncReportRequest, *, allow_chunking: bool = True,
                           split_on_too_large: bool = True,
                           on_warning: Callable[[str], None] | None = None,
                           max_concurrency: int = 1) -> integrated.SyncReportReader:
        """A page reader of ``GET /report/integrated/get/`` (``reader.iter_pages(window)``, ``reader.stats``).

        ``max_concurrency`` > 1 fetches that many pages / chunks at a time (order kept), within the
        connection's rate budget.
        """
        self.family_config(_MARKETING, "/report/integrated/get/")
        return integrated.SyncReportReader(self.get_conn(), request, allow_chunking=allow_chunking,
                                           split_on_too_large=split_on_too_large, on_warning=on_warning,
                                           max_concurrency=max_concurrency)


class _remember(AbstractContextManager[Sink]):
    """Enter ``inner`` and keep the sink it yields (its final byte count is read after it closed)."""

    def __init__(self, inner: AbstractContextManager[Sink], sinks: list[Sink]) -> None:
        self.inner, self.sinks = inner, sinks

    def __enter__(self) -> Sink:
        sink = self.inner.__enter__()
        self.sinks.append(sink)
        return sink

    def __exit__(self, *exc_info: Any) -> bool | None:
        return self.inner.__exit__(*exc_info)


__all__ = ["DownloadResult", "TikTokMarketingHookMixin"]
