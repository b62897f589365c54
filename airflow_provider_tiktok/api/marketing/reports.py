"""Async report tasks (``/report/task/*``): the request model, its validation and the API calls.

No Airflow import: operators, the sensor and the trigger build their requests here, so the rules
about what TikTok accepts live in one place and are checked before any HTTP call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.params import (
    normalize_enum,
    normalize_filtering,
    parse_advertiser_ids,
    parse_field_list,
)
from airflow_provider_tiktok.api.marketing.catalog_check import check_report_fields
from airflow_provider_tiktok.api.marketing.status import ReportTaskState

#: Output formats whose download answer is JSON with a pre-signed ``download_url``.
URL_OUTPUT_FORMATS = frozenset({"CSV_DOWNLOAD", "XLSX_DOWNLOAD"})
#: The enumerated options of a report task and their allowed values.
ENUM_OPTIONS: dict[str, frozenset[str]] = {
    "report_type": spec.ASYNC_REPORT_TYPES, "data_level": spec.DATA_LEVELS, "service_type": spec.SERVICE_TYPES,
    "output_format": spec.OUTPUT_FORMATS, "order_type": spec.ORDER_TYPES,
}
#: Report types that accept ``enable_report_title_translation``.
TITLE_TRANSLATION_TYPES = frozenset({"BASIC", "AUDIENCE"})
#: Report types that accept ``query_lifetime`` in an async task (PLAYABLE_MATERIAL is not async).
LIFETIME_TYPES = frozenset({"BASIC"})


def _date(name: str, value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:  # a rendered timestamp such as "2024-05-01T00:00:00+00:00"
        return dt.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise TikTokValidationError(f"{name} must be a date YYYY-MM-DD, got {value!r}") from None


def check_report_options(
    *,
    report_type: Any,
    dimensions: Any,
    data_level: Any = None,
    service_type: Any = None,
    output_format: Any = "CSV_STRING",
    metrics: Any = None,
    order_type: Any = None,
    filtering: Any = None,
    file_name: Any = None,
    query_lifetime: bool = False,
) -> dict[str, Any]:
    """Validate the options that do not depend on ids or dates; return them normalised.

    Operators call this at DAG parse time so that a typo fails the DAG import, not a run.
    """
    if str(report_type or "").strip().upper() == "PLAYABLE_MATERIAL":
        raise TikTokValidationError(
            "report_type PLAYABLE_MATERIAL is not supported by TikTok's asynchronous reports; use the "
            "synchronous report operator for playable ads")
    rtype = normalize_enum(report_type, spec.ASYNC_REPORT_TYPES, "report_type", required=True)
    assert rtype is not None
    level = normalize_enum(data_level, spec.DATA_LEVELS, "data_level")
    if rtype in spec.DATA_LEVEL_REQUIRED and level is None:
        raise TikTokValidationError(f"data_level is required for report_type {rtype}; e.g. AUCTION_CAMPAIGN")
    dims = list(parse_field_list(dimensions, "dimensions", required=True))
    fmt = normalize_enum(output_format or "CSV_STRING", spec.OUTPUT_FORMATS, "output_format", required=True)
    check_report_fields(rtype, level, dims, parse_field_list(metrics, "metrics", required=False))
    if query_lifetime and rtype not in LIFETIME_TYPES:
        raise TikTokValidationError(f"query_lifetime is only supported for report_type BASIC, not {rtype}")
    if file_name:
        name = str(file_name)
        bad = sorted(set(name) & spec.FILE_NAME_FORBIDDEN)
        if bad or len(name) > spec.FILE_NAME_MAX_LEN:
            raise TikTokValidationError(
                f"file_name must be at most {spec.FILE_NAME_MAX_LEN} characters without {''.join(bad) or '/'}: "
                f"{name!r}")
    return {
        "report_type": rtype,
        "data_level": level,
        "service_type": normalize_enum(service_type, spec.SERVICE_TYPES, "service_type"),
        "dimensions": dims,
        "metrics": list(parse_field_list(metrics, "metrics", required=False)) or None,
        "output_format": fmt,
        "order_type": normalize_enum(order_type, spec.ORDER_TYPES, "order_type"),
        "filtering": normalize_filtering(filtering),
        "file_name": str(file_name) if file_name else None,
    }


def check_date_range(start_date: Any, end_date: Any, *, query_lifetime: bool = False,
                     names: tuple[str, str] = ("start_date", "end_date")) -> tuple[str | None, str | None]:
    """The inclusive ``YYYY-MM-DD`` range (``None, None`` with ``query_lifetime``); ``names`` name the arguments."""
    start, end = _date(names[0], start_date), _date(names[1], end_date)
    if query_lifetime:
        return None, None
    if start is None or end is None:
        raise TikTokValidationError(
            f"give {names[0]} and {names[1]} (YYYY-MM-DD, inclusive) or set query_lifetime=True")
    if start > end:
        raise TikTokValidationError(f"{names[0]} {start} is after {names[1]} {end}; swap them")
    return start, end


def check_advertiser_ids(advertiser_ids: Any, report_type: str) -> list[str]:
    """Validate ``advertiser_ids`` (a list of up to 5, BASIC / AUDIENCE only)."""
    ids = parse_advertiser_ids(advertiser_ids)
    if not ids:
        return []
    if len(ids) > spec.MAX_ADVERTISER_IDS:
        raise TikTokValidationError(
            f"advertiser_ids takes at most {spec.MAX_ADVERTISER_IDS} ids, got {len(ids)}: create one report "
            f"task per group of {spec.MAX_ADVERTISER_IDS}")
    if report_type not in spec.MULTI_ADVERTISER_REPORT_TYPES:
        raise TikTokValidationError(
            f"advertiser_ids is only allowed for report_type {sorted(spec.MULTI_ADVERTISER_REPORT_TYPES)}; for "
            f"{report_type} pass a single advertiser_id")
    return ids


@dataclass(frozen=True)
class ReportTaskRequest:
    """Every ``/report/task/create/`` parameter, validated and normalised on construction.

    After construction the public fields hold the normalised values: enumerations upper-case,
    ``dimensions`` / ``metrics`` tuples, ``advertiser_ids`` a tuple (empty when one ``advertiser_id``
    is given), dates ``YYYY-MM-DD`` (``None`` with ``query_lifetime``), ``filtering`` TikTok's list.
    """

    report_type: str
    dimensions: Sequence[str]
    advertiser_id: str | None = None
    advertiser_ids: Sequence[str] | None = None
    data_level: str | None = None
    service_type: str | None = None
    metrics: Sequence[str] | None = None
    start_date: Any = None
    end_date: Any = None
    query_lifetime: bool = False
    filtering: Any = None
    order_field: str | None = None
    order_type: str | None = None
    output_format: str = "CSV_STRING"
    file_name: str | None = None
    #: ``False`` (unlike TikTok's default) so the header row holds stable field names such as ``ad_id``.
    enable_report_title_translation: bool = False

    def __post_init__(self) -> None:
        opts = check_report_options(
            report_type=self.report_type, dimensions=self.dimensions, data_level=self.data_level,
            service_type=self.service_type, output_format=self.output_format, metrics=self.metrics,
            order_type=self.order_type, filtering=self.filtering, file_name=self.file_name,
            query_lifetime=self.query_lifetime)
        ids = check_advertiser_ids(self.advertiser_ids, opts["report_type"])
        single = str(self.advertiser_id).strip() if self.advertiser_id not in (None, "") else None
        if single is not None and not single.isdigit():
            raise TikTokValidationError(f"advertiser_id must be a numeric TikTok id, got {self.advertiser_id!r}")
        if not ids and single is None:
            raise TikTokValidationError("give advertiser_id or advertiser_ids (up to 5) for the report task")
        start, end = check_date_range(self.start_date, self.end_date, query_lifetime=self.query_lifetime)
        opts["dimensions"] = tuple(opts["dimensions"])
        opts["metrics"] = tuple(opts["metrics"]) if opts["metrics"] else None
        opts.update(advertiser_id=single, advertiser_ids=tuple(ids), start_date=start, end_date=end,
                    query_lifetime=bool(self.query_lifetime), order_field=self.order_field or None,
                    enable_report_title_translation=bool(self.enable_report_title_translation))
        for name, value in opts.items():
            object.__setattr__(self, name, value)

    # -- derived values -----------------------------------------------------------------------------

    @property
    def advertiser_id_list(self) -> list[str]:
        """All advertisers of the task (``advertiser_ids`` wins over ``advertiser_id``, as at TikTok)."""
        return list(self.advertiser_ids) if self.advertiser_ids else [str(self.advertiser_id)]

    @property
    def primary_advertiser_id(self) -> str:
        """The advertiser id to pass to check / download / cancel."""
        return self.advertiser_id_list[0]

    @property
    def date_range(self) -> tuple[str | None, str | None]:
        return self.start_date, self.end_date

    def to_body(self) -> dict[str, Any]:
        """The JSON body of ``/report/task/create/`` (unset options left out)."""
        body: dict[str, Any] = {"report_type": self.report_type, "dimensions": list(self.dimensions),
                                "output_format": self.output_format}
        if self.advertiser_ids:
            body["advertiser_ids"] = list(self.advertiser_ids)
        else:
            body["advertiser_id"] = self.advertiser_id
        for key in ("service_type", "data_level", "metrics", "filtering", "order_type", "start_date", "end_date"):
            value = getattr(self, key)
            if value is not None:
                body[key] = list(value) if key == "metrics" else value
        if self.query_lifetime:
            body["query_lifetime"] = True
        if self.order_field:
            body["order_field"] = self.order_field
        if self.file_name and self.output_format in URL_OUTPUT_FORMATS:
            body["file_name"] = self.file_name
        if self.report_type in TITLE_TRANSLATION_TYPES:
            body["enable_report_title_translation"] = self.enable_report_title_translation
        return body


@dataclass(frozen=True)
class DownloadLink:
    """``/report/task/download/`` answer of a ``CSV_DOWNLOAD`` / ``XLSX_DOWNLOAD`` task."""

    download_url: str = field(repr=False)
    file_name: str | None
    output_format: str | None


def task_ids(task_id: Any, advertiser_id: Any) -> dict[str, str]:
    task, adv = str(task_id or "").strip(), str(advertiser_id or "").strip()
    if not task:
        raise TikTokValidationError("report task id is empty: pass the task_id returned by the create operator")
    if not adv.isdigit():
        raise TikTokValidationError(f"advertiser_id must be a numeric TikTok id, got {advertiser_id!r}")
    return {"task_id": task, "advertiser_id": adv}


def create_task(request: ReportTaskRequest) -> ApiCall[str]:
    """``POST /report/task/create/``: returns the new task id."""
    return ApiCall("POST", spec.Paths.REPORT_TASK_CREATE, json_body=request.to_body(),
                   parse=lambda data: str(data["task_id"]))


def check_task(task_id: Any, advertiser_id: Any) -> ApiCall[ReportTaskState]:
    """``GET /report/task/check/``: the task's status (and failure message)."""
    ids = task_ids(task_id, advertiser_id)
    return ApiCall("GET", spec.Paths.REPORT_TASK_CHECK, params=ids,
                   parse=lambda data: ReportTaskState.from_data(data, task_id=ids["task_id"],
                                                                advertiser_id=ids["advertiser_id"]))


def _parse_link(data: dict[str, Any]) -> DownloadLink:
    url = data.get("download_url")
    if not url:
        raise TikTokValidationError("TikTok's download answer has no download_url")
    return DownloadLink(str(url), data.get("file_name"), data.get("output_format"))


def download_task(task_id: Any, advertiser_id: Any) -> ApiCall[DownloadLink]:
    """``GET /report/task/download/``: CSV bytes (``CSV_STRING``) or JSON with a ``download_url``.

    Open it with ``client.stream(...)``; the parse step applies only to the JSON answer.
    """
    return ApiCall("GET", spec.Paths.REPORT_TASK_DOWNLOAD, params=task_ids(task_id, advertiser_id), parse=_parse_link)


def cancel_task(task_id: Any, advertiser_id: Any) -> ApiCall[str]:
    """``POST /report/task/cancel/`` (only QUEUING / PROCESSING tasks); returns the new status."""
    return ApiCall("POST", spec.Paths.REPORT_TASK_CANCEL, json_body=task_ids(task_id, advertiser_id),
                   parse=lambda data: str(data.get("status") or spec.TASK_CANCELED))


def _newlines(data: bytes) -> int:
    """``data.count(b"\\n")``, about twice as fast: ``replace`` scans with memchr, ``count`` byte by byte."""
    return len(data) - len(data.replace(b"\n", b""))


class CsvRowCounter:
    """Counts CSV records in a byte stream without holding it.

    Counts ``\\n`` outside double-quoted fields, so a newline inside a quoted cell does not count
    (an escaped quote ``""`` toggles twice and cancels out). A last record without a final newline
    counts too. :attr:`rows` excludes the header row.
    """

    def __init__(self) -> None:
        self._lines = 0
        self._in_quotes = False
        self._last: int | None = None

    def feed(self, chunk: bytes) -> int:
        """Count ``chunk``; return how many complete records it ended."""
        if not chunk:
            return 0
        before = self._lines
        if not self._in_quotes and b'"' not in chunk:
            self._lines += _newlines(chunk)
        else:
            for i, part in enumerate(chunk.split(b'"')):
                if i:
                    self._in_quotes = not self._in_quotes
                if not self._in_quotes:
                    self._lines += _newlines(part)
        self._last = chunk[-1]
        return self._lines - before

    @property
    def rows(self) -> int:
        lines = self._lines + (1 if self._last is not None and self._last != ord("\n") else 0)
        return max(0, lines - 1)
