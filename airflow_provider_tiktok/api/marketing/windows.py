"""Report date windows: Airflow data intervals → the advertiser's calendar dates, lookback, chunking.

TikTok's report dates (``start_date``/``end_date``, both inclusive) are calendar days *in the ad
account's time zone*. An Airflow data interval is a pair of instants ``[start, end)``. We map it to
**the local days that ended inside the interval**: day ``D`` belongs to the run whose interval
contains the instant ``D+1 00:00`` (local). Consecutive intervals therefore partition the local
calendar (no gap, no overlap, whatever the zone), and a run only asks for days that are complete
when it starts. For a daily 00:00 UTC schedule and the interval ``[Jan 1 00:00Z, Jan 2 00:00Z)``:

* ``Asia/Tokyo`` (UTC+9): Jan 1 JST ended at Jan 1 15:00Z → window ``2024-01-01..2024-01-01``;
* ``America/Los_Angeles`` (UTC-8): Dec 31 PST ended at Jan 1 08:00Z → ``2023-12-31..2023-12-31``
  (Jan 1 PST is still running at Jan 2 00:00Z, so it belongs to the next run);
* ``UTC``: ``2024-01-01..2024-01-01``.

``lookback_days`` then moves the start back so recent days are pulled again (late conversions).
No Airflow import here: the functions work on pendulum/datetime values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pendulum

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.errors import TikTokValidationError


@dataclass(frozen=True, order=True)
class ReportWindow:
    """An inclusive range of the advertiser's calendar dates."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise TikTokValidationError(
                f"the report window ends ({self.end}) before it starts ({self.start}): give end_date >= start_date")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_date(self) -> str:
        return self.start.isoformat()

    @property
    def end_date(self) -> str:
        return self.end.isoformat()

    def as_params(self) -> dict[str, str]:
        return {"start_date": self.start_date, "end_date": self.end_date}

    def halves(self) -> tuple[ReportWindow, ReportWindow]:
        """Split into two (the first half is the longer one); a one-day window cannot be split."""
        if self.days < 2:
            raise ValueError("a one-day window cannot be split")
        first_days = (self.days + 1) // 2
        mid = self.start + dt.timedelta(days=first_days - 1)
        return ReportWindow(self.start, mid), ReportWindow(mid + dt.timedelta(days=1), self.end)

    def __str__(self) -> str:
        return f"{self.start_date}..{self.end_date}"


def parse_date(value: Any, what: str) -> dt.date:
    """``YYYY-MM-DD`` (or a date / datetime) → ``date``, with an error naming the parameter."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise TikTokValidationError(f"{what} must be a date in YYYY-MM-DD form, got {value!r}")


def check_timezone(name: Any) -> str:
    """Validate an IANA zone name (e.g. ``Asia/Tokyo``)."""
    if not isinstance(name, str) or not name.strip():
        raise TikTokValidationError(f"timezone must be an IANA zone name such as 'Asia/Tokyo', got {name!r}")
    try:
        pendulum.timezone(name.strip())
    except Exception:
        raise TikTokValidationError(
            f"timezone {name!r} is not a known IANA zone name (e.g. 'America/Los_Angeles', 'Etc/GMT+8')") from None
    return name.strip()


def check_lookback(lookback_days: Any) -> int:
    if isinstance(lookback_days, bool) or not isinstance(lookback_days, int) or lookback_days < 0:
        raise TikTokValidationError(
            f"lookback_days must be a whole number of days >= 0 (0 = no re-pull), got {lookback_days!r}")
    return lookback_days


def _instant(value: Any, what: str) -> pendulum.DateTime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TikTokValidationError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
        return pendulum.instance(value)
    if isinstance(value, str):
        try:
            parsed = pendulum.parse(value)
        except Exception:
            parsed = None
        if isinstance(parsed, pendulum.DateTime):
            return parsed
    raise TikTokValidationError(f"{what} must be a timezone-aware datetime, got {value!r}")


def _local_day_bounds(interval_start: Any, interval_end: Any, timezone: str) -> tuple[dt.date, dt.date]:
    """(first, last) local day that ended in ``(interval_start, interval_end]``; last < first if none did."""
    tz = pendulum.timezone(check_timezone(timezone))
    start = _instant(interval_start, "data_interval_start").in_timezone(tz)
    end = _instant(interval_end, "data_interval_end").in_timezone(tz)
    if end < start:
        raise TikTokValidationError(f"the data interval ends ({end}) before it starts ({start})")
    # Day D ends at the local midnight opening D+1: the first such midnight after ``start`` closes
    # start's own day; the last one at or before ``end`` closes the day before end's date.
    return start.date(), end.date() - dt.timedelta(days=1)


def completed_local_days(interval_start: Any, interval_end: Any, timezone: str) -> ReportWindow | None:
    """The advertiser-local days that ended in ``(interval_start, interval_end]``; None if none did."""
    first, last = _local_day_bounds(interval_start, interval_end, timezone)
    return ReportWindow(first, last) if first <= last else None


def with_lookback(window: ReportWindow, lookback_days: int) -> ReportWindow:
    """Extend ``window`` backwards by ``lookback_days`` days."""
    return ReportWindow(window.start - dt.timedelta(days=check_lookback(lookback_days)), window.end)


def resolve_window(
    *,
    timezone: str,
    start_date: Any = None,
    end_date: Any = None,
    data_interval_start: Any = None,
    data_interval_end: Any = None,
    lookback_days: int = 0,
) -> ReportWindow | None:
    """The window to report on.

    Explicit ``start_date``/``end_date`` (advertiser-local, inclusive) win; otherwise the data interval
    is mapped as :func:`completed_local_days` does. ``lookback_days`` moves the start back either way
    (an interval that completed no local day then re-pulls the ``lookback_days`` days before it).
    A zero-length interval (manual and asset-triggered runs: start == end) means "the latest complete
    day": the local day that ended last at or before that instant.
    Returns None when there is nothing to report (no completed day and no lookback).
    """
    lookback = dt.timedelta(days=check_lookback(lookback_days))
    if start_date not in (None, "") or end_date not in (None, ""):
        if start_date in (None, "") or end_date in (None, ""):
            raise TikTokValidationError("give both start_date and end_date, or neither (to use the data interval)")
        window = ReportWindow(parse_date(start_date, "start_date"), parse_date(end_date, "end_date"))
        return with_lookback(window, lookback_days)
    if data_interval_start is None or data_interval_end is None:
        raise TikTokValidationError(
            "no report dates: give start_date and end_date, or run inside a DAG run with a data interval")
    first, last = _local_day_bounds(data_interval_start, data_interval_end, timezone)
    if _instant(data_interval_start, "data_interval_start") == _instant(data_interval_end, "data_interval_end"):
        first = last
    first -= lookback
    return ReportWindow(first, last) if first <= last else None


def max_days_for(dimensions: Any, report_type: str = "BASIC") -> int:
    """Longest window of one sync request: 30 days daily, 1 day hourly, 365 without time dimension."""
    dims = set(dimensions or ())
    if spec.TIME_DIMENSION_HOUR in dims:
        return spec.MAX_RANGE_DAYS_HOURLY
    if spec.TIME_DIMENSION_DAY in dims:
        return spec.MAX_RANGE_DAYS_DAILY
    return spec.MAX_RANGE_DAYS_NO_TIME


def chunk_window(window: ReportWindow, max_days: int) -> Iterator[ReportWindow]:
    """Consecutive windows of at most ``max_days`` days covering ``window`` in order."""
    if max_days < 1:
        raise TikTokValidationError(f"chunk size must be at least 1 day, got {max_days}")
    start = window.start
    while start <= window.end:
        end = min(start + dt.timedelta(days=max_days - 1), window.end)
        yield ReportWindow(start, end)
        start = end + dt.timedelta(days=1)


__all__ = [
    "ReportWindow",
    "check_lookback",
    "check_timezone",
    "chunk_window",
    "completed_local_days",
    "max_days_for",
    "parse_date",
    "resolve_window",
    "with_lookback",
]
