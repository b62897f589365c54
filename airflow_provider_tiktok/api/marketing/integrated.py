"""Synchronous reports: ``GET /report/integrated/get/`` request model, validation and page reader.

:class:`SyncReportRequest` holds every parameter of the endpoint and validates it before any HTTP
call. :class:`SyncReportReader` runs it on a :class:`~airflow_provider_tiktok.api.core.client.TikTokClient`:

* the window is cut into chunks the endpoint accepts (30 days with ``stat_time_day``, 1 day with
  ``stat_time_hour``, 365 days without a time dimension);
* each chunk is read page by page at ``page_size`` 1000 until ``total_page``; pages are yielded as
  they arrive, so memory holds one page, never the report;
* rows received per chunk must equal ``page_info.total_number`` (else :class:`TikTokRowCountError`);
* an answer carrying ``X-Tt-Ads-Throttle`` (TikTok kept only the newest 20,000 ads) is reported
  through ``on_warning``;
* 40067 (query too large) on a chunk's first page splits that chunk in two and retries each half,
  down to one day;
* with ``max_concurrency`` > 1, pages, date chunks and (:meth:`SyncReportReader.iter_requests`) advertisers
  are fetched that many at a time on worker threads (:mod:`~airflow_provider_tiktok.api.core.concurrent_pager`)
  and still handed out in the sequential order, so the output is byte-identical; the client's rate budget
  keeps the requests inside the app's QPS.

No Airflow import here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.concurrent_pager import check_concurrency, iter_parts_pages
from airflow_provider_tiktok.api.core.errors import (
    TikTokQueryTooLargeError,
    TikTokRowCountError,
    TikTokTransportError,
    TikTokValidationError,
)
from airflow_provider_tiktok.api.core.pager import NumberedPage, iter_numbered_pages
from airflow_provider_tiktok.api.core.params import check_id, normalize_enum, normalize_filtering, parse_field_list
from airflow_provider_tiktok.api.marketing.catalog_check import check_report_fields
from airflow_provider_tiktok.api.marketing.windows import ReportWindow, chunk_window, max_days_for

log = logging.getLogger(__name__)

MAX_METRICS = 100


@dataclass(frozen=True)
class SyncReportRequest:
    """Every parameter of ``/report/integrated/get/`` except the dates and the page (see :meth:`api_call`).

    Construction validates the combination and raises :class:`TikTokValidationError` saying what to fix.
    ``dimensions``/``metrics`` accept lists, JSON array strings or comma-separated strings.
    """

    report_type: str = "BASIC"
    dimensions: Sequence[str] = ()
    metrics: Sequence[str] = ()
    data_level: str | None = None
    advertiser_id: str | None = None
    advertiser_ids: Sequence[str] | None = None
    bc_id: str | None = None
    service_type: str | None = None
    query_lifetime: bool = False
    filtering: Any = None
    enable_total_metrics: bool = False
    multi_adv_report_in_utc_time: bool = False
    order_field: str | None = None
    order_type: str | None = None
    page_size: int = spec.PAGE_SIZE_MAX
    extra_params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "report_type", normalize_enum(self.report_type, spec.REPORT_TYPES, "report_type", required=True))
        set_(self, "dimensions", parse_field_list(self.dimensions, "dimensions", required=True))
        metrics = parse_field_list(self.metrics, "metrics", required=False)
        if len(metrics) > MAX_METRICS:
            raise TikTokValidationError(f"metrics: at most {MAX_METRICS} per request, got {len(metrics)}")
        set_(self, "metrics", metrics)
        set_(self, "filtering", normalize_filtering(self.filtering))
        if isinstance(self.page_size, bool) or not isinstance(self.page_size, int) or \
                not 1 <= self.page_size <= spec.PAGE_SIZE_MAX:
            raise TikTokValidationError(f"page_size must be an integer from 1 to {spec.PAGE_SIZE_MAX}, "
                                        f"got {self.page_size!r}")
        self._check_report_type()
        self._check_dimensions()
        check_report_fields(self.report_type, self.data_level, self.dimensions, self.metrics)

    def _check_report_type(self) -> None:
        set_ = object.__setattr__
        rtype = self.report_type
        if rtype == "BC":
            if not self.bc_id:
                raise TikTokValidationError("report_type BC needs bc_id (the Business Center id)")
            set_(self, "bc_id", check_id(self.bc_id, "bc_id"))
            if self.service_type:
                raise TikTokValidationError("service_type is not supported with report_type BC: leave it unset")
            if self.data_level:
                raise TikTokValidationError("data_level is not used with report_type BC: leave it unset")
        else:
            ids = [check_id(i, "advertiser_ids") for i in (self.advertiser_ids or ())]
            if ids:
                if rtype not in spec.MULTI_ADVERTISER_REPORT_TYPES:
                    raise TikTokValidationError(f"advertiser_ids is only for BASIC and AUDIENCE reports, not {rtype}"
                                                "; give one advertiser_id")
                if not 1 <= len(ids) <= spec.MAX_ADVERTISER_IDS:
                    raise TikTokValidationError(f"advertiser_ids takes 1 to {spec.MAX_ADVERTISER_IDS} ids")
                set_(self, "advertiser_ids", tuple(ids))
            elif not self.advertiser_id:
                raise TikTokValidationError(f"report_type {rtype} needs advertiser_id")
            else:
                set_(self, "advertiser_id", check_id(self.advertiser_id, "advertiser_id"))
            set_(self, "service_type", normalize_enum(self.service_type, spec.SERVICE_TYPES, "service_type"))
        if rtype in spec.DATA_LEVEL_REQUIRED and not self.data_level:
            raise TikTokValidationError(f"report_type {rtype} needs data_level, e.g. 'AUCTION_CAMPAIGN'")
        if self.data_level:
            allowed = spec.TT_SHOP_DATA_LEVELS if rtype == "TT_SHOP" else spec.DATA_LEVELS
            set_(self, "data_level", normalize_enum(self.data_level, allowed, f"data_level (report_type {rtype})"))
        if self.filtering and rtype == "TT_SHOP":
            raise TikTokValidationError("filtering is not supported with report_type TT_SHOP")
        set_(self, "order_type", normalize_enum(self.order_type, spec.ORDER_TYPES, "order_type"))

    def _check_dimensions(self) -> None:
        dims = set(self.dimensions)
        time_dims = dims & {spec.TIME_DIMENSION_DAY, spec.TIME_DIMENSION_HOUR}
        if len(time_dims) > 1:
            raise TikTokValidationError("dimensions: use stat_time_day or stat_time_hour, not both")
        if self.report_type == "AUDIENCE" and spec.TIME_DIMENSION_HOUR in dims:
            raise TikTokValidationError("AUDIENCE reports have no hourly breakdown: use stat_time_day")
        if self.query_lifetime:
            if self.report_type not in ("BASIC", "PLAYABLE_MATERIAL"):
                raise TikTokValidationError("query_lifetime is only for BASIC and PLAYABLE_MATERIAL reports")
            if time_dims:
                raise TikTokValidationError(f"query_lifetime cannot be combined with {sorted(time_dims)}: "
                                            "drop the time dimension or query_lifetime")

    # -- derived --------------------------------------------------------------------------------

    @property
    def max_days(self) -> int:
        """Longest window (days) of one request for these dimensions."""
        return max_days_for(self.dimensions, self.report_type)

    def params(self, window: ReportWindow | None, page: int = 1) -> dict[str, Any]:
        """The query parameters of one page (the client JSON-encodes lists and booleans)."""
        p: dict[str, Any] = {"report_type": self.report_type}
        if self.report_type == "BC":
            p["bc_id"] = self.bc_id
        elif self.advertiser_ids:
            p["advertiser_ids"] = list(self.advertiser_ids)
            if self.multi_adv_report_in_utc_time:
                p["multi_adv_report_in_utc_time"] = True
        else:
            p["advertiser_id"] = self.advertiser_id
        for name in ("data_level", "service_type", "order_field", "order_type"):
            if getattr(self, name):
                p[name] = getattr(self, name)
        p["dimensions"] = list(self.dimensions)
        if self.metrics:
            p["metrics"] = list(self.metrics)
        if self.filtering:
            p["filtering"] = list(self.filtering)
        if self.query_lifetime:
            p["query_lifetime"] = True
        elif window is None:
            raise TikTokValidationError("a report window (start_date/end_date) is required without query_lifetime")
        else:
            if window.days > self.max_days:
                raise TikTokValidationError(
                    f"{window} spans {window.days} days; one request may span at most {self.max_days} "
                    f"with dimensions {list(self.dimensions)}: allow chunking or shorten the window")
            p.update(window.as_params())
        if self.enable_total_metrics and page == 1:
            p["enable_total_metrics"] = True
        p.update(self.extra_params)
        p["page"] = page
        p["page_size"] = self.page_size
        return p

    def api_call(self, window: ReportWindow | None, page: int = 1) -> ApiCall[ReportPage]:
        return ApiCall("GET", spec.Paths.REPORT_INTEGRATED_GET, params=self.params(window, page),
                       parse=ReportPage.from_data)

    def check_window(self, window: ReportWindow | None, *, allow_chunking: bool) -> None:
        """Fail early when ``window`` needs several requests but chunking is off."""
        if self.query_lifetime or window is None:
            return
        if not allow_chunking and window.days > self.max_days:
            raise TikTokValidationError(
                f"{window} spans {window.days} days but one {self.report_type} request with dimensions "
                f"{list(self.dimensions)} may span at most {self.max_days}: set allow_chunking=True or shorten "
                "the window")


@dataclass
class ReportPage(NumberedPage):
    """One answer of ``/report/integrated/get/``."""

    total_metrics: dict[str, Any] | None = None
    throttled: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, items_key: str = "list") -> ReportPage:
        base = NumberedPage.from_data(data, items_key=items_key)
        return cls(items=base.items, page=base.page, page_size=base.page_size, total_number=base.total_number,
                   total_page=base.total_page, total_metrics=data.get("total_metrics"))


@dataclass
class ReadStats:
    """What a :class:`SyncReportReader` did (for logs and XCom)."""

    requests: int = 0
    rows: int = 0
    chunks: list[str] = field(default_factory=list)
    splits: int = 0
    throttled: bool = False
    total_metrics: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ReportPart:
    """One paged query of a concurrent read: a request (advertiser) over one date chunk."""

    request: SyncReportRequest
    window: ReportWindow | None
    label: str

    def __str__(self) -> str:
        return self.label


class SyncReportReader:
    """Reads a :class:`SyncReportRequest` over a window, page by page (see module docstring).

    :param client: the sync client (its retry policy handles rate limits and transient failures).
    :param request: the validated request.
    :param allow_chunking: cut long windows into several requests (else a long window is an error).
    :param split_on_too_large: on 40067 halve the chunk and retry (down to one day).
    :param on_warning: called with a message for noteworthy answers (ads throttling, splits).
    :param max_concurrency: requests in flight at most (1: one page after the other).
    """

    def __init__(self, client: TikTokClient, request: SyncReportRequest, *, allow_chunking: bool = True,
                 split_on_too_large: bool = True, on_warning: Callable[[str], None] | None = None,
                 max_concurrency: int = 1) -> None:
        self.client = client
        self.request = request
        self.allow_chunking = allow_chunking
        self.split_on_too_large = split_on_too_large
        self.on_warning = on_warning or log.warning
        try:
            self.max_concurrency = check_concurrency(max_concurrency)
        except ValueError as exc:
            raise TikTokValidationError(str(exc)) from None
        self.stats = ReadStats()
        self._lock = threading.Lock()

    def iter_pages(self, window: ReportWindow | None) -> Iterator[list[dict[str, Any]]]:
        """Yield each page's items (``{"dimensions", "metrics"}``) in order over the whole window."""
        self.request.check_window(window, allow_chunking=self.allow_chunking)
        if self.max_concurrency > 1:
            for _request, items in self._read_concurrently([self.request], window, tag=False):
                yield items
            return
        if self.request.query_lifetime or window is None:
            yield from self._read_chunk(None)
            return
        for chunk in chunk_window(window, self.request.max_days):
            yield from self._read_chunk(chunk)

    def iter_requests(self, requests: Sequence[SyncReportRequest],
                      window: ReportWindow | None) -> Iterator[tuple[SyncReportRequest, list[dict[str, Any]]]]:
        """``(request, items)`` of several requests (e.g. one per advertiser) over ``window``, in order.

        All requests' pages and chunks are fetched up to ``max_concurrency`` at a time; the order is request
        by request, chunk by chunk, page by page, as if read one after the other.
        """
        for request in requests:
            request.check_window(window, allow_chunking=self.allow_chunking)
        yield from self._read_concurrently(requests, window, tag=True)

    def _parts(self, request: SyncReportRequest, window: ReportWindow | None, tag: bool) -> list[ReportPart]:
        prefix = f"{request.advertiser_id or request.bc_id or ','.join(request.advertiser_ids or ())} " if tag else ""
        if request.query_lifetime or window is None:
            return [ReportPart(request, None, prefix + "lifetime")]
        return [ReportPart(request, chunk, f"{prefix}{chunk}") for chunk in chunk_window(window, request.max_days)]

    def _split(self, part: ReportPart, exc: BaseException) -> list[ReportPart] | None:
        window = part.window
        if not (isinstance(exc, TikTokQueryTooLargeError) and self.split_on_too_large and window is not None
                and window.days > 1):
            return None
        halves = window.halves()
        with self._lock:
            self.stats.splits += 1
        self.on_warning(f"TikTok answered 40067 (query too large) for {part.label}: retrying as {halves[0]} and "
                        f"{halves[1]}")
        prefix = part.label[:-len(str(window))]
        return [ReportPart(part.request, half, f"{prefix}{half}") for half in halves]

    def _read_concurrently(self, requests: Sequence[SyncReportRequest], window: ReportWindow | None, *,
                           tag: bool) -> Iterator[tuple[SyncReportRequest, list[dict[str, Any]]]]:
        parts = [part for request in requests for part in self._parts(request, window, tag)]
        current: ReportPart | None = None
        pages = iter_parts_pages(parts, lambda part, number: self._fetch(part.window, number, part.request),
                                 max_concurrency=self.max_concurrency, expand=self._split, label=str,
                                 path=spec.Paths.REPORT_INTEGRATED_GET)
        for part, page in pages:
            if part is not current:  # page 1 of the next chunk
                current = part
                self.stats.chunks.append(part.label)
                if page.total_metrics is not None:
                    self.stats.total_metrics.append({"window": part.label, **page.total_metrics})
            self._note_throttle(page, part.label)
            self.stats.rows += len(page.items)
            if page.items:
                yield part.request, page.items

    def _note_throttle(self, page: ReportPage, label: str) -> None:
        if page.throttled and not self.stats.throttled:
            self.stats.throttled = True
            self.on_warning(
                f"TikTok truncated the report for {label} to {spec.SYNC_REPORT_AD_LIMIT:,} ads "
                f"({spec.ADS_THROTTLE_HEADER}: {page.throttled}); filter by campaign_ids/adgroup_ids or use "
                "an async report to get every ad")

    def _fetch(self, window: ReportWindow | None, page: int, request: SyncReportRequest | None = None) -> ReportPage:
        with self.client.stream((request or self.request).api_call(window, page)) as response:
            if not response.is_json:
                raise TikTokTransportError("/report/integrated/get/ answered without a JSON body",
                                           http_status=response.status, path=spec.Paths.REPORT_INTEGRATED_GET)
            result: ReportPage = response.json_data
            throttle = response.headers.get(spec.ADS_THROTTLE_HEADER)
        with self._lock:
            self.stats.requests += 1
        if throttle:
            result.throttled = throttle
        return result

    def _read_chunk(self, window: ReportWindow | None) -> Iterator[list[dict[str, Any]]]:
        label = str(window) if window else "lifetime"
        try:
            first = self._fetch(window, 1)
        except TikTokQueryTooLargeError:
            if not (self.split_on_too_large and window is not None and window.days > 1):
                raise
            halves = window.halves()
            self.stats.splits += 1
            self.on_warning(f"TikTok answered 40067 (query too large) for {label}: retrying as {halves[0]} and "
                            f"{halves[1]}")
            for half in halves:
                yield from self._read_chunk(half)
            return
        self.stats.chunks.append(label)
        if first.total_metrics is not None:
            self.stats.total_metrics.append({"window": label, **first.total_metrics})
        pages = iter_numbered_pages(lambda number: self._fetch(window, number), label=label,
                                    path=spec.Paths.REPORT_INTEGRATED_GET, first=first)
        for page in pages:
            self._note_throttle(page, label)
            self.stats.rows += len(page.items)
            if page.items:
                yield page.items


__all__ = [
    "ReadStats",
    "ReportPage",
    "ReportPart",
    "SyncReportReader",
    "SyncReportRequest",
    "TikTokRowCountError",
]
