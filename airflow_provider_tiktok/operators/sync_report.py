"""``TikTokSyncReportOperator``: a synchronous TikTok report (``/report/integrated/get/``) to object storage.

Per run and advertiser it:

1. validates every argument (no HTTP call before that);
2. reads the advertiser's time zone once from ``/advertiser/info/`` (or uses ``timezone``);
3. maps the DAG run's data interval to the advertiser's local calendar days (the days that *ended*
   in the interval, see :mod:`airflow_provider_tiktok.api.marketing.windows`), moved back by ``lookback_days``;
4. reads the report in date chunks and pages of 1000 rows, ``max_concurrency`` requests at a time inside
   the connection's rate budget, writing the pages to the destination in order (the same bytes as a
   sequential read; memory holds at most ``2 * max_concurrency`` pages), checking the row count of every
   chunk against TikTok's total;
5. moves the finished file into place (a failed run leaves nothing behind; a rerun overwrites).

The destination may contain ``{advertiser_id}``, ``{start_date}``, ``{end_date}``, ``{report_type}``,
``{data_level}``, ``{bc_id}`` and ``{ext}`` (``jsonl``/``csv`` plus ``.gz``), so each (advertiser, window)
has one deterministic file. Returns the shared result schema
(:mod:`airflow_provider_tiktok.operators.results`) plus ``report_type``, ``timezone``, ``requests``,
``chunks``, ``throttled`` (and ``bc_id`` / ``total_metrics`` when they apply) as XCom.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.concurrent_pager import DEFAULT_MAX_CONCURRENCY
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.prefetch import prefetch
from airflow_provider_tiktok.api.marketing.integrated import SyncReportRequest
from airflow_provider_tiktok.api.marketing.presets import apply_preset
from airflow_provider_tiktok.api.marketing.typing_rows import RowShaper
from airflow_provider_tiktok.api.marketing.windows import ReportWindow, check_lookback, check_timezone, resolve_window
from airflow_provider_tiktok.compat import AirflowSkipException
from airflow_provider_tiktok.operators.base import TikTokWriteOperator, check_positive, holds_template
from airflow_provider_tiktok.operators.results import write_result
from airflow_provider_tiktok.utils.placeholders import fill_placeholders
from airflow_provider_tiktok.utils.storage import (
    CsvSink,
    JsonLinesSink,
    ProgressLogger,
    atomic_write,
    resolve_destination,
)

OUTPUT_FORMATS = ("jsonl", "csv")
PLACEHOLDERS = frozenset({"advertiser_id", "start_date", "end_date", "report_type", "data_level", "bc_id", "ext"})


def render_destination(destination: Any, values: dict[str, str]) -> Any:
    """Fill ``{placeholder}``s of a destination string / ObjectStoragePath; unknown names are an error."""
    return fill_placeholders(destination, values, PLACEHOLDERS)


class TikTokSyncReportOperator(TikTokWriteOperator):
    """Write a synchronous TikTok report for one advertiser and one window to any ``ObjectStoragePath``.

    Use with ``.partial(...).expand(advertiser_id=TikTokListAdvertisersOperator(...).output)`` for many
    advertisers: each advertiser is its own task, so one advertiser's permission error fails only its task.

    :param destination: file URI or ``ObjectStoragePath`` (templated), e.g.
        ``s3://bucket/tiktok/{advertiser_id}/{start_date}_{end_date}.{ext}``.
    :param preset: a report preset (``ads_daily``, ``campaigns_hourly``, ``audience_country_daily``, ...:
        :data:`~airflow_provider_tiktok.api.marketing.presets.PRESETS`, ``docs/operators.md``) that fills
        ``report_type``, ``data_level``, ``dimensions`` and ``metrics``; each of them given here wins.
    :param dimensions: e.g. ``["campaign_id", "stat_time_day"]`` (list, JSON array or comma-separated).
    :param metrics: e.g. ``["spend", "impressions", "conversion"]``; TikTok's default when empty.
    :param advertiser_id: the ad account (templated; required except for ``report_type="BC"``).
    :param report_type: ``BASIC`` (default), ``AUDIENCE``, ``PLAYABLE_MATERIAL``, ``CATALOG``, ``BC``, ``TT_SHOP``.
    :param data_level: e.g. ``AUCTION_CAMPAIGN`` (required for BASIC, AUDIENCE, CATALOG).
    :param bc_id: Business Center id (required for ``BC``).
    :param report_start_date: first day (``YYYY-MM-DD``, advertiser-local, templated); with
        ``report_end_date`` it replaces the data interval.
    :param report_end_date: last day, inclusive.
    :param lookback_days: also re-pull this many days before the window (late conversions); default 0.
    :param timezone: the advertiser's IANA zone; read from TikTok when not given (``UTC`` for BC reports).
    :param query_lifetime: lifetime totals instead of a date range (BASIC, PLAYABLE_MATERIAL).
    :param filtering: list of ``{field_name, filter_type, filter_value}``.
    :param enable_total_metrics: also fetch ``total_metrics`` (returned in the XCom per chunk).
    :param service_type, order_field, order_type: passed to TikTok as is.
    :param page_size: 1..1000 (default 1000).
    :param allow_chunking: split windows longer than one request allows (default True; else an error).
    :param split_on_too_large: on 40067 retry the chunk as two halves (default True).
    :param output_format: ``jsonl`` (default) or ``csv``.
    :param compression: None or ``gzip``.
    :param typed_metrics: ``"-"`` → null, numbers → numbers (default); False keeps TikTok's strings.
    :param max_concurrency: pages and date chunks fetched at a time (default 4; 1 = one after the other).
        The output is the same either way; the connection's rate budget (``max_qps``) caps the request rate.
    :param destination_conn_id: object-storage connection for a string destination.
    :param emit_asset: declare the data set as the task's outlet ``Asset``: an ``Asset`` or URI string (the
        destination's ``{placeholder}``s make it many files), see ``docs/operators.md``.
    :param tiktok_conn_id: the TikTok connection.
    """

    template_fields: Sequence[str] = (
        "destination", "advertiser_id", "bc_id", "report_start_date", "report_end_date", "dimensions", "metrics",
        "filtering", "timezone", "data_level", "tiktok_conn_id",
    )

    def __init__(
        self,
        *,
        destination: Any,
        dimensions: Any = None,
        metrics: Any = None,
        advertiser_id: str | None = None,
        report_type: str | None = None,
        data_level: str | None = None,
        bc_id: str | None = None,
        report_start_date: Any = None,
        report_end_date: Any = None,
        lookback_days: int = 0,
        timezone: str | None = None,
        query_lifetime: bool = False,
        filtering: Any = None,
        enable_total_metrics: bool = False,
        service_type: str | None = None,
        order_field: str | None = None,
        order_type: str | None = None,
        page_size: int = spec.PAGE_SIZE_MAX,
        allow_chunking: bool = True,
        split_on_too_large: bool = True,
        output_format: str = "jsonl",
        compression: str | None = None,
        typed_metrics: bool = True,
        destination_conn_id: str | None = None,
        preset: str | None = None,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        emit_asset: Any = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(destination=destination, destination_conn_id=destination_conn_id, compression=compression,
                         emit_asset=emit_asset, **kwargs)
        # Arguments that are never templated are checked while the DAG is parsed.
        if output_format not in OUTPUT_FORMATS:
            raise TikTokValidationError(f"output_format must be one of {OUTPUT_FORMATS}, got {output_format!r}")
        check_lookback(lookback_days)
        check_positive("page_size", page_size, integer=True, maximum=spec.PAGE_SIZE_MAX)
        check_positive("max_concurrency", max_concurrency, integer=True)
        self.max_concurrency = max_concurrency
        self.preset = preset
        chosen = apply_preset(preset, {"report_type": report_type, "data_level": data_level,
                                       "dimensions": dimensions, "metrics": metrics})
        self.dimensions = chosen.get("dimensions")
        self.metrics = chosen.get("metrics")
        self.advertiser_id = advertiser_id
        self.report_type = chosen.get("report_type") or "BASIC"
        self.data_level = chosen.get("data_level")
        self.bc_id = bc_id
        self.report_start_date = report_start_date
        self.report_end_date = report_end_date
        self.lookback_days = lookback_days
        self.timezone = timezone
        self.query_lifetime = query_lifetime
        self.filtering = filtering
        self.enable_total_metrics = enable_total_metrics
        self.service_type = service_type
        self.order_field = order_field
        self.order_type = order_type
        self.page_size = page_size
        self.allow_chunking = allow_chunking
        self.split_on_too_large = split_on_too_large
        self.output_format = output_format
        self.typed_metrics = typed_metrics
        if not any(holds_template(getattr(self, name)) for name in self.template_fields if name != "destination"):
            self.build_request()  # every request value is static: check the combination at DAG parse time

    # -- building blocks ---------------------------------------------------------------------------

    @property
    def subject(self) -> str:
        if str(self.report_type).strip().upper() == "BC":
            return f"Business Center {self.bc_id}"
        return f"Advertiser {self.advertiser_id}"

    def build_request(self) -> SyncReportRequest:
        advertiser_id = str(self.advertiser_id).strip() if self.advertiser_id not in (None, "") else None
        return SyncReportRequest(
            report_type=self.report_type, dimensions=self.dimensions, metrics=self.metrics,
            data_level=self.data_level or None, advertiser_id=advertiser_id, bc_id=self.bc_id or None,
            service_type=self.service_type, query_lifetime=self.query_lifetime, filtering=self.filtering,
            enable_total_metrics=self.enable_total_metrics, order_field=self.order_field,
            order_type=self.order_type, page_size=self.page_size,
        )

    def _window(self, context: Any, timezone: str) -> ReportWindow | None:
        if self.query_lifetime:
            return None
        start, end = context.get("data_interval_start"), context.get("data_interval_end")
        if start is None or end is None:
            # Runs triggered from the UI/CLI/API on Airflow 3 may have no data interval: treat the run's
            # ``run_after`` as a zero-length interval, i.e. report the latest complete local day.
            run_after = getattr(context.get("dag_run"), "run_after", None)
            start = end = run_after
        return resolve_window(
            timezone=timezone, start_date=self.report_start_date, end_date=self.report_end_date,
            data_interval_start=start, data_interval_end=end, lookback_days=self.lookback_days)

    def _extension(self) -> str:
        return self.output_format + (".gz" if self.compression == "gzip" else "")

    def _destination_for(self, request: SyncReportRequest, window: ReportWindow | None) -> ObjectStoragePath:
        values = {
            "advertiser_id": request.advertiser_id or "", "bc_id": request.bc_id or "",
            "start_date": window.start_date if window else "lifetime",
            "end_date": window.end_date if window else "lifetime",
            "report_type": request.report_type, "data_level": request.data_level or "", "ext": self._extension(),
        }
        return resolve_destination(render_destination(self.destination, values), conn_id=self.destination_conn_id)

    def _check_before_http(self, context: Any, request: SyncReportRequest) -> None:
        """Everything that can be checked without TikTok: dates, window length, destination."""
        if self.timezone:
            check_timezone(self.timezone)
        window = self._window(context, self.timezone or "UTC")
        request.check_window(window, allow_chunking=self.allow_chunking)
        self._destination_for(request, window)

    def advertiser_timezone(self, request: SyncReportRequest) -> str:
        """``timezone`` if given, else the advertiser's zone from ``/advertiser/info/`` (UTC for BC)."""
        if self.timezone:
            return check_timezone(self.timezone)
        if request.report_type == "BC" or not request.advertiser_id:
            self.log.info("No timezone given for the %s report: using UTC dates", request.report_type)
            return "UTC"
        return self.hook.get_advertiser_timezone(request.advertiser_id)

    # -- run --------------------------------------------------------------------------------------

    def run(self, context: Any) -> dict[str, Any]:
        request = self.build_request()
        self._check_before_http(context, request)
        timezone = self.advertiser_timezone(request)
        window = self._window(context, timezone)
        if window is None and not request.query_lifetime:
            raise AirflowSkipException(
                f"{self.subject}: no {timezone} calendar day ended inside this run's data interval "
                f"({context.get('data_interval_start')} .. {context.get('data_interval_end')}); nothing to report")
        request.check_window(window, allow_chunking=self.allow_chunking)
        path = self._destination_for(request, window)
        self.log.info("%s: %s report %s (%s) -> %s", self.subject, request.report_type,
                      window or "lifetime", timezone, path)
        shaper = RowShaper(request.dimensions, request.metrics, advertiser_id=request.advertiser_id,
                           typed=self.typed_metrics)
        reader = self.hook.sync_report_reader(request, allow_chunking=self.allow_chunking,
                                              split_on_too_large=self.split_on_too_large,
                                              on_warning=self.log.warning, max_concurrency=self.max_concurrency)
        progress = ProgressLogger(f"{self.subject} report", logger=self.log)
        with atomic_write(path, compression=self.compression, owner=self.partial_owner) as sink:
            writer = JsonLinesSink(sink) if self.output_format == "jsonl" else CsvSink(sink, shaper.columns)
            # Pages are fetched ahead (max_concurrency at a time) while this one is typed and written.
            for items in prefetch(reader.iter_pages(window)):
                before = sink.bytes_in
                writer.write_rows(shaper.shape_all(items))
                progress.update(bytes_added=sink.bytes_in - before, rows_added=len(items))
        progress.done()
        stats = reader.stats
        extra: dict[str, Any] = {"report_type": request.report_type, "timezone": timezone,
                                 "requests": stats.requests, "chunks": stats.chunks, "throttled": stats.throttled}
        if request.report_type == "BC":
            extra["bc_id"] = request.bc_id
        if stats.total_metrics:
            extra["total_metrics"] = stats.total_metrics
        return write_result(uri=path, rows=stats.rows, bytes=sink.bytes_stored, bytes_uncompressed=sink.bytes_in,
                            format=self.output_format, compression=self.compression,
                            start_date=window.start_date if window else None,
                            end_date=window.end_date if window else None,
                            advertiser_id=request.advertiser_id, **extra)


__all__ = ["TikTokSyncReportOperator", "render_destination"]
