"""Date windows: data interval → advertiser-local days, lookback, chunking."""

from __future__ import annotations

import datetime as dt
import itertools

import pendulum
import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing.windows import (
    ReportWindow,
    chunk_window,
    completed_local_days,
    max_days_for,
    resolve_window,
)

D = dt.date
UTC_DAY = (pendulum.datetime(2024, 1, 1, tz="UTC"), pendulum.datetime(2024, 1, 2, tz="UTC"))


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Tokyo", (D(2024, 1, 1), D(2024, 1, 1))),  # Jan 1 JST ended at Jan 1 15:00Z
        ("America/Los_Angeles", (D(2023, 12, 31), D(2023, 12, 31))),  # Jan 1 PST still running at Jan 2 00:00Z
        ("UTC", (D(2024, 1, 1), D(2024, 1, 1))),
    ],
)
def test_daily_utc_interval_maps_to_completed_local_day(zone: str, expected: tuple[dt.date, dt.date]) -> None:
    window = completed_local_days(*UTC_DAY, zone)
    assert window is not None
    assert (window.start, window.end) == expected


def test_interval_just_after_local_midnight() -> None:
    # 15:00Z is 00:00 JST: [Jan 1 15:00Z, Jan 2 15:00Z) contains exactly the end of Jan 2 JST.
    start, end = pendulum.datetime(2024, 1, 1, 15, tz="UTC"), pendulum.datetime(2024, 1, 2, 15, tz="UTC")
    assert completed_local_days(start, end, "Asia/Tokyo") == ReportWindow(D(2024, 1, 2), D(2024, 1, 2))
    # One second earlier the interval still ends before Jan 2 JST is over: only Jan 1 ended inside it.
    assert completed_local_days(start.subtract(seconds=1), end.subtract(seconds=1), "Asia/Tokyo") == \
        ReportWindow(D(2024, 1, 1), D(2024, 1, 1))


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin", "UTC"])
def test_consecutive_intervals_partition_the_local_calendar(zone: str) -> None:
    # 70 daily runs across both DST changes of 2024 in the US and Europe: no gap, no overlap.
    days: list[dt.date] = []
    start = pendulum.datetime(2024, 3, 1, 6, tz="UTC")
    for i in range(70 * 3):  # every 8 hours, to cross local midnights at all offsets
        window = completed_local_days(start.add(hours=8 * i), start.add(hours=8 * (i + 1)), zone)
        if window is not None:
            days.extend(window.start + dt.timedelta(days=k) for k in range(window.days))
    assert days == [days[0] + dt.timedelta(days=k) for k in range(len(days))]
    assert len(days) >= 69


def test_short_interval_without_completed_day_is_none_and_lookback_repulls() -> None:
    start, end = pendulum.datetime(2024, 1, 1, 1, tz="UTC"), pendulum.datetime(2024, 1, 1, 2, tz="UTC")
    assert resolve_window(timezone="UTC", data_interval_start=start, data_interval_end=end) is None
    window = resolve_window(timezone="UTC", data_interval_start=start, data_interval_end=end, lookback_days=3)
    assert window == ReportWindow(D(2023, 12, 29), D(2023, 12, 31))


def test_zero_length_interval_of_a_manual_run_means_the_latest_complete_day() -> None:
    instant = pendulum.datetime(2024, 1, 2, 3, tz="UTC")  # 12:00 JST, 19:00 PST on Jan 1
    tokyo = resolve_window(timezone="Asia/Tokyo", data_interval_start=instant, data_interval_end=instant)
    la = resolve_window(timezone="America/Los_Angeles", data_interval_start=instant, data_interval_end=instant,
                        lookback_days=1)
    assert tokyo == ReportWindow(D(2024, 1, 1), D(2024, 1, 1))
    assert la == ReportWindow(D(2023, 12, 30), D(2023, 12, 31))


def test_lookback_extends_the_start_only() -> None:
    window = resolve_window(timezone="America/Los_Angeles", data_interval_start=UTC_DAY[0],
                            data_interval_end=UTC_DAY[1], lookback_days=7)
    assert window == ReportWindow(D(2023, 12, 24), D(2023, 12, 31))
    explicit = resolve_window(timezone="UTC", start_date="2024-02-10", end_date="2024-02-12", lookback_days=2)
    assert explicit == ReportWindow(D(2024, 2, 8), D(2024, 2, 12))


def test_explicit_dates_win_over_the_interval() -> None:
    window = resolve_window(timezone="Asia/Tokyo", start_date="2024-05-01", end_date=dt.date(2024, 5, 3),
                            data_interval_start=UTC_DAY[0], data_interval_end=UTC_DAY[1])
    assert (window.start_date, window.end_date, window.days) == ("2024-05-01", "2024-05-03", 3)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"start_date": "2024-01-01"}, "both start_date and end_date"),
        ({"start_date": "2024-01-05", "end_date": "2024-01-01"}, "before it starts"),
        ({"start_date": "01/02/2024", "end_date": "2024-01-03"}, "YYYY-MM-DD"),
        ({"start_date": "2024-01-01", "end_date": "2024-01-02", "lookback_days": -1}, "lookback_days"),
        ({"start_date": "2024-01-01", "end_date": "2024-01-02", "lookback_days": 1.5}, "lookback_days"),
        ({}, "no report dates"),
        ({"data_interval_start": dt.datetime(2024, 1, 1), "data_interval_end": dt.datetime(2024, 1, 2)},
         "timezone-aware"),
    ],
)
def test_bad_window_input(kwargs: dict, needle: str) -> None:
    with pytest.raises(TikTokValidationError, match=needle):
        resolve_window(timezone="UTC", **kwargs)


def test_unknown_timezone() -> None:
    with pytest.raises(TikTokValidationError, match="IANA"):
        completed_local_days(*UTC_DAY, "Mars/Olympus")


def test_chunking_by_granularity() -> None:
    window = ReportWindow(D(2024, 1, 1), D(2024, 4, 4))  # 95 days
    assert window.days == 95
    chunks = list(chunk_window(window, max_days_for(["campaign_id", "stat_time_day"])))
    assert [c.days for c in chunks] == [30, 30, 30, 5]
    assert chunks[0].start == window.start and chunks[-1].end == window.end
    assert all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(chunks))
    assert len(list(chunk_window(window, max_days_for(["stat_time_hour"])))) == 95
    assert len(list(chunk_window(window, max_days_for(["campaign_id"])))) == 1


def test_halves_cover_the_window() -> None:
    first, second = ReportWindow(D(2024, 1, 1), D(2024, 1, 5)).halves()
    assert (first, second) == (ReportWindow(D(2024, 1, 1), D(2024, 1, 3)), ReportWindow(D(2024, 1, 4), D(2024, 1, 5)))
    with pytest.raises(ValueError, match="one-day"):
        ReportWindow(D(2024, 1, 1), D(2024, 1, 1)).halves()
