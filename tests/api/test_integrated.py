"""Sync report request model and page reader, against the emulator over loopback HTTP."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokQueryTooLargeError, TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing.integrated import SyncReportReader, SyncReportRequest, TikTokRowCountError
from airflow_provider_tiktok.api.marketing.windows import ReportWindow
from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.emulator.validation import validate_report

PATH = "/report/integrated/get/"
D = dt.date


def client_for(emu: TikTokEmulator) -> TikTokClient:
    return TikTokClient(access_token=emu.access_token, base_url=emu.base_url, retry=RetryPolicy.none())


def report_calls(emu: TikTokEmulator) -> list[dict[str, Any]]:
    return [r["query"] for r in emu.requests if r["path"] == PATH]


def read_all(reader: SyncReportReader, window: ReportWindow | None) -> list[dict[str, Any]]:
    return [item for page in reader.iter_pages(window) for item in page]


def basic(adv: str, **kwargs: Any) -> SyncReportRequest:
    kwargs.setdefault("data_level", "AUCTION_AD")
    kwargs.setdefault("dimensions", ["ad_id", "stat_time_day"])
    kwargs.setdefault("metrics", ["spend", "impressions", "ctr"])
    return SyncReportRequest(report_type="BASIC", advertiser_id=adv, **kwargs)


# -- validation (no HTTP) ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"report_type": "BC", "dimensions": ["advertiser_id"]}, "needs bc_id"),
        ({"report_type": "AUDIENCE", "advertiser_id": "1", "data_level": "AUCTION_AD",
          "dimensions": ["gender", "stat_time_hour"]}, "no hourly"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"], "page_size": 0}, "page_size"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"], "page_size": 1001},
         "page_size"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"], "page_size": "10"},
         "page_size"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": {"ad_id": 1}}, "list of field names"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": "[ad_id"}, "not valid JSON"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["Ad Id"]}, "not TikTok field names"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id", "ad_id"]}, "more than once"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"], "metrics": 5},
         "list of field names"),
        ({"advertiser_id": "1", "dimensions": ["ad_id"]}, "needs data_level"),
        ({"report_type": "REACH", "advertiser_id": "1", "dimensions": ["ad_id"]}, "report_type"),
        ({"report_type": "TT_SHOP", "advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"]},
         "data_level"),
        ({"report_type": "CATALOG", "advertiser_ids": ["1", "2"], "data_level": "AUCTION_AD",
          "dimensions": ["ad_id"]}, "only for BASIC and AUDIENCE"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id", "stat_time_day"],
          "query_lifetime": True}, "query_lifetime cannot"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD", "dimensions": ["ad_id"],
          "filtering": [{"field_name": "ad_ids", "filter_type": "IN"}]}, "filter_value"),
        ({"advertiser_id": "abc", "data_level": "AUCTION_AD", "dimensions": ["ad_id"]}, "numeric"),
        ({"data_level": "AUCTION_AD", "dimensions": ["ad_id"]}, "needs advertiser_id"),
        ({"advertiser_id": "1", "data_level": "AUCTION_AD"}, "dimensions is required"),
    ],
)
def test_bad_input_is_rejected(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(TikTokValidationError, match=needle):
        SyncReportRequest(**kwargs)


def test_params_encoding_and_report_types() -> None:
    request = basic("7", dimensions='["ad_id","stat_time_day"]', metrics="spend, impressions",
                    filtering=[{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [19, 20]}],
                    enable_total_metrics=True)
    window = ReportWindow(D(2024, 1, 1), D(2024, 1, 2))
    first, second = request.params(window, 1), request.params(window, 2)
    assert first["dimensions"] == ["ad_id", "stat_time_day"] and first["metrics"] == ["spend", "impressions"]
    assert first["filtering"] == [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": '["19","20"]'}]
    assert (first["start_date"], first["end_date"], first["page_size"]) == ("2024-01-01", "2024-01-02", 1000)
    assert first["enable_total_metrics"] is True and "enable_total_metrics" not in second
    bc = SyncReportRequest(report_type="BC", bc_id="72", dimensions=["advertiser_id"]).params(window)
    assert bc["bc_id"] == "72" and "advertiser_id" not in bc and "data_level" not in bc
    lifetime = SyncReportRequest(report_type="PLAYABLE_MATERIAL", advertiser_id="7", dimensions=["playable_id"],
                                 query_lifetime=True).params(None)
    assert lifetime["query_lifetime"] is True and "start_date" not in lifetime
    for rtype, extra in (("AUDIENCE", {"data_level": "AUCTION_AD", "dimensions": ["gender", "stat_time_day"]}),
                         ("CATALOG", {"data_level": "AUCTION_AD", "dimensions": ["catalog_id"]}),
                         ("TT_SHOP", {"data_level": "AUCTION_CAMPAIGN", "dimensions": ["campaign_id"]})):
        assert SyncReportRequest(report_type=rtype, advertiser_id="7", **extra).params(window)["report_type"] == rtype


def test_long_window_without_chunking_fails_before_http(tiktok_emulator: TikTokEmulator) -> None:
    reader = SyncReportReader(client_for(tiktok_emulator), basic(tiktok_emulator.advertiser_ids[0]),
                              allow_chunking=False)
    with pytest.raises(TikTokValidationError, match="at most 30"):
        next(reader.iter_pages(ReportWindow(D(2024, 1, 1), D(2024, 1, 31))))
    assert tiktok_emulator.count(PATH) == 0


# -- reading ------------------------------------------------------------------------------------

def test_multi_page_report_has_exactly_the_emulator_rows(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(ads_per_advertiser=40)
    adv = emu.advertiser_ids[1]
    request = basic(adv, page_size=50)
    window = ReportWindow(D(2024, 3, 1), D(2024, 3, 3))
    reader = SyncReportReader(client_for(emu), request)
    got = read_all(reader, window)
    # The emulator's own row oracle for the same query (40 ads x 3 days = 120 rows).
    query = validate_report({k: json.dumps(v) if isinstance(v, list) else str(v)
                             for k, v in request.params(window).items()}, async_mode=False, bc_advertisers=[])
    expected = list(emu.make_plan(query, sync=True).iter_rows())
    assert len(got) == len(expected) == 120
    assert [{**g["dimensions"], **g["metrics"]} for g in got] == expected
    assert [q["page"] for q in report_calls(emu)] == ["1", "2", "3"]
    assert reader.stats.requests == 3 and reader.stats.rows == 120


def test_95_days_of_daily_data_take_4_requests(tiktok_emulator: TikTokEmulator) -> None:
    adv = tiktok_emulator.advertiser_ids[0]
    request = basic(adv, data_level="AUCTION_ADVERTISER", dimensions=["advertiser_id", "stat_time_day"])
    window = ReportWindow(D(2024, 1, 1), D(2024, 4, 4))
    rows = read_all(SyncReportReader(client_for(tiktok_emulator), request), window)
    calls = report_calls(tiktok_emulator)
    assert [(q["start_date"], q["end_date"]) for q in calls] == [
        ("2024-01-01", "2024-01-30"), ("2024-01-31", "2024-02-29"), ("2024-03-01", "2024-03-30"),
        ("2024-03-31", "2024-04-04")]
    days = [r["dimensions"]["stat_time_day"][:10] for r in rows]
    assert days == [(D(2024, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(95)]


def test_40067_splits_the_chunk_until_it_fits(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(max_query_rows=100)  # 8 ads/day: 30 days (240 rows) is too large
    warnings: list[str] = []
    reader = SyncReportReader(client_for(emu), basic(emu.advertiser_ids[0]), on_warning=warnings.append)
    rows = read_all(reader, ReportWindow(D(2024, 1, 1), D(2024, 1, 30)))
    windows = [(q["start_date"], q["end_date"]) for q in report_calls(emu)]
    assert windows == [("2024-01-01", "2024-01-30"), ("2024-01-01", "2024-01-15"), ("2024-01-01", "2024-01-08"),
                       ("2024-01-09", "2024-01-15"), ("2024-01-16", "2024-01-30"), ("2024-01-16", "2024-01-23"),
                       ("2024-01-24", "2024-01-30")]
    assert len(rows) == 240 and len({(r["dimensions"]["ad_id"], r["dimensions"]["stat_time_day"]) for r in rows}) == 240
    assert reader.stats.splits == 3 and any("40067" in w for w in warnings)


def test_40067_on_a_single_day_is_raised(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(max_query_rows=5)
    reader = SyncReportReader(client_for(emu), basic(emu.advertiser_ids[0]))
    with pytest.raises(TikTokQueryTooLargeError, match="40067"):
        read_all(reader, ReportWindow(D(2024, 1, 1), D(2024, 1, 2)))
    # 2 days -> 40067 -> first day alone -> 40067 again: nothing smaller to try.
    assert [(q["start_date"], q["end_date"]) for q in report_calls(emu)] == [("2024-01-01", "2024-01-02"),
                                                                            ("2024-01-01", "2024-01-01")]


class DroppingClient(TikTokClient):
    """Real HTTP, but one row of page 2 goes missing on the way (like a lossy proxy)."""

    @contextlib.contextmanager
    def stream(self, call: Any) -> Iterator[Any]:
        with super().stream(call) as response:
            if call.params.get("page") == 2:
                response.json_data.items.pop()
            yield response


def test_row_count_mismatch_fails_loudly(tiktok_emulator: TikTokEmulator) -> None:
    client = DroppingClient(access_token=tiktok_emulator.access_token, base_url=tiktok_emulator.base_url,
                            retry=RetryPolicy.none())
    reader = SyncReportReader(client, basic(tiktok_emulator.advertiser_ids[0], page_size=10))
    with pytest.raises(TikTokRowCountError, match="received 23 rows but TikTok reported total_number=24"):
        read_all(reader, ReportWindow(D(2024, 1, 1), D(2024, 1, 3)))


def test_ads_throttle_header_warns(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(ads_per_advertiser=20_500)
    warnings: list[str] = []
    reader = SyncReportReader(client_for(emu), basic(emu.advertiser_ids[0], dimensions=["ad_id"], metrics=["spend"]),
                              on_warning=warnings.append)
    pages = 0
    for page in reader.iter_pages(ReportWindow(D(2024, 1, 1), D(2024, 1, 1))):
        pages += 1
        assert len(page) == 1000
    assert pages == 20 and reader.stats.rows == 20_000 and reader.stats.throttled
    assert len(warnings) == 1 and "20,000 ads" in warnings[0]


def test_lifetime_report_sends_no_dates(tiktok_emulator: TikTokEmulator) -> None:
    request = basic(tiktok_emulator.advertiser_ids[0], dimensions=["ad_id"], query_lifetime=True)
    rows = read_all(SyncReportReader(client_for(tiktok_emulator), request), None)
    (query,) = report_calls(tiktok_emulator)
    assert query["query_lifetime"] == "true" and "start_date" not in query
    assert len(rows) == 8


# -- concurrent reads (max_concurrency > 1) ------------------------------------------------------

def _budgeted_client(emu: TikTokEmulator, qps: float) -> TikTokClient:
    from airflow_provider_tiktok.api.core.budget import LocalRateBudget

    return TikTokClient(access_token=emu.access_token, base_url=emu.base_url, retry=RetryPolicy.none(),
                        budget=LocalRateBudget({"*": qps}, margin=0.05))


def _dump(pages: Any) -> str:
    return "\n".join(json.dumps(item, sort_keys=False) for page in pages for item in page)


@pytest.mark.parametrize("concurrency", [2, 4, 7])
def test_concurrent_read_is_identical_to_the_sequential_one(tiktok_emulator_factory: Any, concurrency: int) -> None:
    emu = tiktok_emulator_factory(latency_seconds=0.005, latency_jitter=1.0, seed=concurrency)
    request = basic(emu.advertiser_ids[0], page_size=37)
    window = ReportWindow(D(2024, 1, 1), D(2024, 3, 30))  # 3 chunks of 30 days, 7 pages each
    sequential = SyncReportReader(client_for(emu), request)
    expected = _dump(sequential.iter_pages(window))
    concurrent = SyncReportReader(client_for(emu), request, max_concurrency=concurrency)
    assert _dump(concurrent.iter_pages(window)) == expected
    assert concurrent.stats.rows == sequential.stats.rows == 720
    assert concurrent.stats.chunks == sequential.stats.chunks and len(concurrent.stats.chunks) == 3
    assert concurrent.stats.requests == sequential.stats.requests == 21


def test_concurrent_read_splits_on_40067_like_the_sequential_one(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(max_query_rows=100)
    request = basic(emu.advertiser_ids[0], page_size=30)
    window = ReportWindow(D(2024, 1, 1), D(2024, 2, 29))
    sequential = SyncReportReader(client_for(emu), request, on_warning=lambda _: None)
    expected = _dump(sequential.iter_pages(window))
    warnings: list[str] = []
    concurrent = SyncReportReader(client_for(emu), request, on_warning=warnings.append, max_concurrency=4)
    assert _dump(concurrent.iter_pages(window)) == expected
    assert concurrent.stats.splits == sequential.stats.splits > 0
    assert concurrent.stats.chunks == sequential.stats.chunks
    assert sum("40067" in w for w in warnings) == concurrent.stats.splits


def test_concurrent_read_stays_inside_the_budget(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(endpoint_qps=6, latency_seconds=0.05)
    reader = SyncReportReader(_budgeted_client(emu, 6), basic(emu.advertiser_ids[0], page_size=20),
                              max_concurrency=8)
    t0 = dt.datetime.now()
    rows = read_all(reader, ReportWindow(D(2024, 1, 1), D(2024, 1, 30)))  # 240 rows, 12 pages
    assert len(rows) == 240
    assert emu.codes(PATH) == {0: 12}  # not one 40100
    assert emu.peak_qps(PATH) <= 6
    assert (dt.datetime.now() - t0).total_seconds() >= 1.0  # 12 requests at 6 per second: two windows


def test_pages_in_flight_are_bounded(tiktok_emulator_factory: Any) -> None:
    import time

    emu = tiktok_emulator_factory(ads_per_advertiser=40)
    reader = SyncReportReader(client_for(emu), basic(emu.advertiser_ids[0], page_size=10), max_concurrency=4)
    handed = 0
    for page in reader.iter_pages(ReportWindow(D(2024, 1, 1), D(2024, 1, 5))):  # 200 rows, 20 pages
        handed += 1
        time.sleep(0.01)  # a slow writer: fetched pages must not pile up
        assert emu.count(PATH) - handed <= 8  # 2 x max_concurrency requested ahead at most
        assert len(page) == 10
    assert handed == 20


def test_iter_requests_reads_advertisers_concurrently_in_order(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(latency_seconds=0.01, latency_jitter=1.0)
    requests_ = [basic(adv, page_size=50) for adv in emu.advertiser_ids]
    window = ReportWindow(D(2024, 1, 1), D(2024, 2, 15))
    expected = [(r.advertiser_id, item) for r in requests_
                for page in SyncReportReader(client_for(emu), r).iter_pages(window) for item in page]
    reader = SyncReportReader(client_for(emu), requests_[0], max_concurrency=5)
    got = [(r.advertiser_id, item) for r, page in reader.iter_requests(requests_, window) for item in page]
    assert got == expected
    assert reader.stats.chunks[0].startswith(emu.advertiser_ids[0]) and len(reader.stats.chunks) == 6


def test_max_concurrency_is_checked() -> None:
    with pytest.raises(TikTokValidationError, match="max_concurrency must be a whole number >= 1"):
        SyncReportReader(TikTokClient(access_token="t"), basic("1"), max_concurrency=0)
