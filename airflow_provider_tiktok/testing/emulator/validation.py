"""Validation of report queries (/report/integrated/get/ and /report/task/create/).

Violations answer code 40002 with a message naming the offending parameter, as TikTok does.
Dimension and metric names are checked against the provider's catalog
(:mod:`airflow_provider_tiktok.api.marketing.catalog`, stdlib + ``api.spec`` only): the emulator
trusts it rather than keeping a second list, so it accepts exactly what the provider lets through.
Unknown metrics get TikTok's message (``Please correct the information in invalid metric fields and
try again. Invalid metric fields: ['spendd'].``); unknown dimensions the same form for dimensions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing import catalog
from airflow_provider_tiktok.testing.emulator.params import (
    bool_param,
    int_param,
    json_param,
    str_list_param,
    str_param,
)
from airflow_provider_tiktok.testing.emulator.wire import ApiError

_FIELD_RE = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Filter types listed on the async create page.
_ASYNC_FILTER_TYPES = frozenset(
    {"IN", "MATCH", "GREATER_EQUAL", "GREATER_THAN", "LOWER_EQUAL", "LOWER_THAN", "BETWEEN", "RANGE"}
)


@dataclass
class ReportQuery:
    report_type: str
    data_level: str | None
    service_type: str
    advertiser_ids: list[str]
    multi_advertiser: bool
    dimensions: list[str]
    metrics: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    query_lifetime: bool
    time_dimension: str | None  # "stat_time_day" | "stat_time_hour" | None
    entity_level: int  # 0 advertiser .. 3 ad (finest ID dimension requested)
    breakdowns: list[str]
    id_filters: dict[int, list[str]] = field(default_factory=dict)
    filtering: list[dict[str, Any]] = field(default_factory=list)
    bc_id: str | None = None
    page: int = 1
    page_size: int = spec.PAGE_SIZE_DEFAULT
    order_field: str | None = None
    order_type: str = "DESC"
    enable_total_metrics: bool = False
    output_format: str = "CSV_STRING"
    file_name: str | None = None
    title_translation: bool = True

    @property
    def columns(self) -> list[str]:
        """CSV column order: dimensions then metrics."""
        return list(self.dimensions) + [m for m in self.metrics if m not in self.dimensions]


def _enum(
    params: dict[str, Any], name: str, allowed: frozenset[str], default: str | None, required: bool = False
) -> str | None:
    value = str_param(params, name, required=required)
    if value is None:
        return default
    if value not in allowed:
        raise ApiError(40002, f"{name}: Must be one of: {', '.join(sorted(allowed))}.")
    return value


def _date(params: dict[str, Any], name: str) -> dt.date:
    raw = str_param(params, name, required=True)
    assert raw is not None
    if not _DATE_RE.match(raw):
        raise ApiError(40002, f"{name}: Invalid date format, it should be YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(40002, f"{name}: Invalid date {raw}.") from None


def _dimensions(report_type: str, dims: list[str], data_level: str | None) -> tuple[str | None, int, list[str]]:
    if not dims:
        raise ApiError(40002, "dimensions: Missing data for required field.")
    if len(set(dims)) != len(dims):
        raise ApiError(40002, "dimensions: Duplicate dimensions are not allowed.")
    time_dims = [d for d in dims if d in C.TIME_DIMENSIONS]
    if len(time_dims) > 1:
        raise ApiError(40002, "dimensions: Only one time dimension (stat_time_day or stat_time_hour) is allowed.")
    if report_type == "AUDIENCE" and "stat_time_hour" in dims:
        raise ApiError(40002, "dimensions: stat_time_hour is not supported for AUDIENCE reports.")
    breakdowns = [d for d in dims if d in C.AUDIENCE_DIMENSION_VALUES]
    for dim in dims:
        if not _FIELD_RE.match(dim):
            raise ApiError(40002, f"dimensions: Invalid dimension {dim!r}.")
    problems = catalog.field_problems(report_type, data_level, dims)
    _reject_unknown("dimension", [p.name for p in problems if p.unknown])
    if report_type == "AUDIENCE" and not set(dims) & catalog.AUDIENCE_BREAKDOWNS:
        raise ApiError(40002, "dimensions: AUDIENCE reports need at least one audience dimension (e.g. gender, age).")
    levels = [C.ID_DIMENSIONS.index(d) for d in dims if d in C.ID_DIMENSIONS]
    entity_level = max(levels) if levels else 0
    if problems:  # only ID dimensions finer than data_level are left
        raise ApiError(40002, f"dimensions: {problems[0].name} is not supported when data_level is {data_level}.")
    return (time_dims[0] if time_dims else None), entity_level, breakdowns


def _reject_unknown(kind: str, names: list[str]) -> None:
    """TikTok's 40002 for names it does not know (its wording for metrics; the same form for dimensions)."""
    if names:
        raise ApiError(40002, f"Please correct the information in invalid {kind} fields and try again. "
                              f"Invalid {kind} fields: {names!r}.")


def _filtering(params: dict[str, Any], async_mode: bool) -> tuple[list[dict[str, Any]], dict[int, list[str]]]:
    items = json_param(params, "filtering", list) or []
    allowed = _ASYNC_FILTER_TYPES if async_mode else spec.FILTER_TYPES
    id_filters: dict[int, list[str]] = {}
    for item in items:
        if not isinstance(item, dict):
            raise ApiError(40002, "filtering: Each filter must be an object.")
        for key in ("field_name", "filter_type", "filter_value"):
            if item.get(key) in (None, ""):
                raise ApiError(40002, f"filtering.{key}: Missing data for required field.")
        if item["filter_type"] not in allowed:
            raise ApiError(40002, f"filtering.filter_type: Must be one of: {', '.join(sorted(allowed))}.")
        value = item["filter_value"]
        if item["filter_type"] in ("IN", "NOT_IN", "CONTAIN_ANY_OF", "BETWEEN"):
            if isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    raise ApiError(40002, "filtering.filter_value: Must be a JSON array string.") from None
            if not isinstance(value, list):
                raise ApiError(40002, "filtering.filter_value: Must be a JSON array string.")
            if item["filter_type"] == "BETWEEN" and len(value) != 2:
                raise ApiError(40002, "filtering.filter_value: BETWEEN needs exactly 2 values.")
        field_name = item["field_name"]
        if field_name in C.ID_FILTER_FIELDS and item["filter_type"] == "IN":
            id_filters[C.ID_FILTER_FIELDS[field_name]] = [str(v) for v in value]
    return list(items), id_filters


def validate_report(params: dict[str, Any], *, async_mode: bool, bc_advertisers: list[str]) -> ReportQuery:
    """Validate and normalise report parameters (sync GET query or async create JSON body)."""
    types = spec.ASYNC_REPORT_TYPES | {"PLAYABLE_MATERIAL"} if async_mode else spec.REPORT_TYPES
    report_type = _enum(params, "report_type", frozenset(types), None, required=True)
    assert report_type is not None
    if async_mode and report_type == "PLAYABLE_MATERIAL":
        raise ApiError(40002, "report_type: PLAYABLE_MATERIAL is not supported for asynchronous reports.")

    service_type = _enum(params, "service_type", spec.SERVICE_TYPES, "AUCTION")
    if report_type == "BC" and params.get("service_type"):
        raise ApiError(40002, "service_type: Not supported when report_type is BC.")
    data_level = _enum(params, "data_level", spec.DATA_LEVELS, None)
    if report_type in spec.DATA_LEVEL_REQUIRED and data_level is None:
        raise ApiError(40002, f"data_level: Missing data for required field when report_type is {report_type}.")
    if report_type == "TT_SHOP" and data_level not in (None, "AUCTION_ADVERTISER", "AUCTION_CAMPAIGN"):
        raise ApiError(40002, "data_level: Must be AUCTION_ADVERTISER or AUCTION_CAMPAIGN for TT_SHOP.")
    if report_type == "BC":
        data_level = None

    dims = str_list_param(params, "dimensions", required=True) or []
    time_dim, entity_level, breakdowns = _dimensions(report_type, dims, data_level)
    metrics = str_list_param(params, "metrics") or list(spec.DEFAULT_METRICS)
    for metric in metrics:
        if not _FIELD_RE.match(metric):
            raise ApiError(40002, f"metrics: Invalid metric {metric!r}.")
    _reject_unknown("metric", [p.name for p in catalog.field_problems(report_type, None, (), metrics)])

    lifetime = bool_param(params, "query_lifetime", False)
    start = end = None
    if lifetime:
        if report_type not in ("BASIC", "PLAYABLE_MATERIAL"):
            raise ApiError(40002, "query_lifetime: Only supported for BASIC and PLAYABLE_MATERIAL reports.")
        if time_dim or breakdowns:
            raise ApiError(40002, "query_lifetime: Time and audience dimensions are not supported with lifetime.")
    else:
        start, end = _date(params, "start_date"), _date(params, "end_date")
        if end < start:
            raise ApiError(40002, "end_date: end_date must be later than or equal to start_date.")
        span = (end - start).days + 1
        if not async_mode:  # async reports have no time-range limit
            limit, what = spec.MAX_RANGE_DAYS_NO_TIME, "there is no time dimension"
            if time_dim == "stat_time_day":
                limit, what = spec.MAX_RANGE_DAYS_DAILY, "the dimension is stat_time_day"
            elif time_dim == "stat_time_hour":
                limit, what = spec.MAX_RANGE_DAYS_HOURLY, "the dimension is stat_time_hour"
            if span > limit:
                raise ApiError(
                    40002,
                    f"start_date, end_date: The time span between start_date and end_date should be less than "
                    f"or equal to {limit} day(s) when {what}.",
                )

    multi = False
    bc_id = None
    adv_ids_list = str_list_param(params, "advertiser_ids")
    if report_type == "BC":
        bc_id = str_param(params, "bc_id", required=True)
        advertisers = list(bc_advertisers)
    elif adv_ids_list:
        if report_type not in ("BASIC", "AUDIENCE"):
            raise ApiError(40002, "advertiser_ids: Only supported when report_type is BASIC or AUDIENCE.")
        if len(adv_ids_list) > spec.MAX_ADVERTISER_IDS:
            raise ApiError(40002, f"advertiser_ids: Length must be between 1 and {spec.MAX_ADVERTISER_IDS}.")
        advertisers, multi = list(dict.fromkeys(adv_ids_list)), True
    else:
        adv = str_param(params, "advertiser_id", required=True)
        advertisers = [adv] if adv else []

    query = ReportQuery(
        report_type=report_type,
        data_level=data_level,
        service_type=service_type or "AUCTION",
        advertiser_ids=advertisers,
        multi_advertiser=multi,
        dimensions=dims,
        metrics=metrics,
        start_date=start,
        end_date=end,
        query_lifetime=lifetime,
        time_dimension=time_dim,
        entity_level=entity_level,
        breakdowns=breakdowns,
        bc_id=bc_id,
        order_field=str_param(params, "order_field"),
        order_type=_enum(params, "order_type", spec.ORDER_TYPES, "DESC") or "DESC",
    )
    query.filtering, query.id_filters = _filtering(params, async_mode)
    if async_mode:
        _async_only(params, query)
    else:
        _enum(params, "query_mode", spec.QUERY_MODES, "REGULAR")
        query.page = int_param(params, "page", 1, lo=1)
        query.page_size = int_param(params, "page_size", spec.PAGE_SIZE_DEFAULT, lo=1, hi=spec.PAGE_SIZE_MAX)
        query.enable_total_metrics = bool_param(params, "enable_total_metrics", False)
    return query


def _async_only(params: dict[str, Any], query: ReportQuery) -> None:
    for name in ("page", "page_size"):
        if params.get(name) not in (None, ""):
            raise ApiError(40002, f"{name}: Unknown field; asynchronous reports are not paginated.")
    query.output_format = _enum(params, "output_format", spec.OUTPUT_FORMATS, "CSV_STRING") or "CSV_STRING"
    file_name = str_param(params, "file_name")
    if file_name is not None:
        if len(file_name) > spec.FILE_NAME_MAX_LEN:
            raise ApiError(40002, f"file_name: Length must be at most {spec.FILE_NAME_MAX_LEN} characters.")
        bad = sorted(set(file_name) & spec.FILE_NAME_FORBIDDEN)
        if bad:
            raise ApiError(40002, f"file_name: Contains forbidden characters {''.join(bad)!r}.")
    query.file_name = file_name
    query.title_translation = bool_param(params, "enable_report_title_translation", True)
