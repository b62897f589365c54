"""Synchronous /report/integrated/get/: validation, pagination, data, limits."""

from __future__ import annotations

import pytest

ADV = "7100000000000000001"


def test_shape_and_formats(api):
    r = api.report(dimensions=["campaign_id", "stat_time_day"], metrics=["spend", "impressions", "campaign_name"])
    assert r["code"] == 0
    row = r["data"]["list"][0]
    assert set(row) == {"dimensions", "metrics"}
    assert set(row["dimensions"]) == {"campaign_id", "stat_time_day"}
    assert isinstance(row["dimensions"]["campaign_id"], str)
    assert row["dimensions"]["stat_time_day"].endswith(" 00:00:00")
    assert all(isinstance(v, str) for v in row["metrics"].values())


def test_default_metrics_are_spend_and_impressions(api):
    r = api.report()
    assert set(r["data"]["list"][0]["metrics"]) == {"spend", "impressions"}


def test_hourly_format(api):
    r = api.report(
        dimensions=["campaign_id", "stat_time_hour"], start_date="2024-01-01", end_date="2024-01-01", page_size=30
    )
    hours = [row["dimensions"]["stat_time_hour"] for row in r["data"]["list"]]
    assert hours[:2] == ["2024-01-01 00:00:00", "2024-01-01 01:00:00"]


def test_pagination(api):
    first = api.report(page_size=5)
    info = first["data"]["page_info"]
    # 8 ads -> 2 campaigns x 7 days
    assert info == {"page": 1, "page_size": 5, "total_number": 14, "total_page": 3}
    rows = []
    for page in range(1, 4):
        rows += api.report(page_size=5, page=page)["data"]["list"]
    assert len(rows) == 14
    assert len({(r["dimensions"]["campaign_id"], r["dimensions"]["stat_time_day"]) for r in rows}) == 14
    assert api.report(page_size=5, page=4)["data"]["list"] == []


def test_deterministic_and_range_independent(api):
    whole = api.report(start_date="2024-01-01", end_date="2024-01-07", page_size=100)["data"]["list"]
    part = api.report(start_date="2024-01-03", end_date="2024-01-04", page_size=100)["data"]["list"]
    index = {(r["dimensions"]["campaign_id"], r["dimensions"]["stat_time_day"]): r["metrics"] for r in whole}
    for r in part:
        assert index[(r["dimensions"]["campaign_id"], r["dimensions"]["stat_time_day"])] == r["metrics"]


def test_dash_values_present(api):
    r = api.report(
        data_level="AUCTION_AD",
        dimensions=["ad_id", "stat_time_day"],
        metrics=["spend", "impressions", "clicks", "conversion"],
        start_date="2024-01-01",
        end_date="2024-01-30",
        page_size=1000,
    )
    values = [v for row in r["data"]["list"] for v in row["metrics"].values()]
    dashes = values.count("-")
    assert 0 < dashes < len(values) * 0.15


@pytest.mark.parametrize(
    ("dims", "start", "end", "ok"),
    [
        (["campaign_id", "stat_time_day"], "2024-01-01", "2024-01-30", True),
        (["campaign_id", "stat_time_day"], "2024-01-01", "2024-01-31", False),
        (["campaign_id", "stat_time_hour"], "2024-01-01", "2024-01-01", True),
        (["campaign_id", "stat_time_hour"], "2024-01-01", "2024-01-02", False),
        (["campaign_id"], "2024-01-01", "2024-12-30", True),
        (["campaign_id"], "2024-01-01", "2024-12-31", False),
    ],
)
def test_date_range_limits(api, dims, start, end, ok):
    r = api.report(dimensions=dims, start_date=start, end_date=end)
    if ok:
        assert r["code"] == 0
    else:
        assert r["code"] == 40002
        assert "start_date" in r["message"]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"report_type": None}, "report_type"),
        ({"report_type": "NOPE"}, "report_type"),
        ({"data_level": None}, "data_level"),
        ({"data_level": "AUCTION_X"}, "data_level"),
        ({"service_type": "X"}, "service_type"),
        ({"dimensions": None}, "dimensions"),
        ({"dimensions": "campaign_id"}, "dimensions"),
        ({"start_date": None}, "start_date"),
        ({"start_date": "2024/01/01"}, "start_date"),
        ({"end_date": "2023-12-31"}, "end_date"),
        ({"page": 0}, "page"),
        ({"page_size": 1001}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"order_type": "UP"}, "order_type"),
        ({"advertiser_ids": [ADV] * 6}, "advertiser_ids"),
        ({"filtering": [{"field_name": "campaign_ids", "filter_type": "EQ", "filter_value": "[]"}]}, "filter_type"),
        ({"filtering": [{"field_name": "campaign_ids", "filter_type": "IN"}]}, "filter_value"),
        (
            {
                "report_type": "AUDIENCE",
                "dimensions": ["gender", "stat_time_hour"],
                "start_date": "2024-01-01",
                "end_date": "2024-01-01",
            },
            "stat_time_hour",
        ),
        ({"report_type": "BC", "data_level": None}, "bc_id"),
        ({"report_type": "CATALOG", "advertiser_ids": [ADV]}, "advertiser_ids"),
        ({"data_level": "AUCTION_CAMPAIGN", "dimensions": ["ad_id"]}, "dimensions"),
    ],
)
def test_validation_errors_40002(api, params, word):
    r = api.report(**params)
    assert r["code"] == 40002, r
    assert word in r["message"]
    assert r["data"] == {}


def test_query_lifetime_needs_no_dates(api):
    r = api.report(query_lifetime=True, dimensions=["campaign_id"], start_date=None, end_date=None)
    assert r["code"] == 0
    assert r["data"]["page_info"]["total_number"] == 2


def test_audience_report(api):
    r = api.report(report_type="AUDIENCE", dimensions=["campaign_id", "gender"], page_size=100)
    assert r["code"] == 0
    assert {row["dimensions"]["gender"] for row in r["data"]["list"]} == {"MALE", "FEMALE", "NONE"}


def test_no_permission_40001(api):
    r = api.report(advertiser_id="7100000000000000099")
    assert r["code"] == 40001
    assert r["message"] == "No permission to operate advertiser 7100000000000000099"
    r = api.report(advertiser_id=None, advertiser_ids=[ADV, "7100000000000000099"])
    assert r["code"] == 40001


def test_multi_advertiser_adds_currency_timezone(api):
    ids = api.emu.advertiser_ids
    r = api.report(advertiser_id=None, advertiser_ids=ids, dimensions=["advertiser_id", "stat_time_day"], page_size=100)
    assert r["code"] == 0
    assert r["data"]["page_info"]["total_number"] == 21
    tz = {row["metrics"]["advertiser_id"]: row["metrics"]["timezone"] for row in r["data"]["list"]}
    assert tz == {ids[0]: "Asia/Tokyo", ids[1]: "America/Los_Angeles", ids[2]: "UTC"}
    assert all("currency" in row["metrics"] for row in r["data"]["list"])


def test_total_metrics(api):
    r = api.report(enable_total_metrics=True, metrics=["spend", "impressions", "ctr"], page_size=100)
    total = r["data"]["total_metrics"]
    rows = r["data"]["list"]
    assert int(total["impressions"]) == sum(
        int(x["metrics"]["impressions"]) for x in rows if x["metrics"]["impressions"] != "-"
    )
    assert total["ctr"] == "-"
    assert "total_metrics" not in api.report()["data"]


def test_id_filtering(api):
    all_rows = api.report(data_level="AUCTION_AD", dimensions=["ad_id"], page_size=100)["data"]["list"]
    ids = [r["dimensions"]["ad_id"] for r in all_rows]
    assert len(ids) == 8
    flt = [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": f'["{ids[1]}", "{ids[5]}"]'}]
    got = api.report(data_level="AUCTION_AD", dimensions=["ad_id"], filtering=flt)["data"]["list"]
    assert [r["dimensions"]["ad_id"] for r in got] == [ids[1], ids[5]]


def test_20k_ads_throttle_header(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(ads_per_advertiser=25_000)
    api = api_for(emu)
    r = api.get(
        "/report/integrated/get/",
        advertiser_id=emu.advertiser_ids[0],
        report_type="BASIC",
        data_level="AUCTION_AD",
        dimensions=["ad_id"],
        start_date="2024-01-01",
        end_date="2024-01-01",
        page=20,
        page_size=1000,
    )
    assert r.headers["X-Tt-Ads-Throttle"] == (
        "Number of ad ids is equal or more than 20k, only return the top 20k id's results, "
        "sorting by create time desc order."
    )
    body = r.json()
    assert body["data"]["page_info"]["total_number"] == 20_000
    assert len(body["data"]["list"]) == 1000
    small = api.report(dimensions=["campaign_id"], data_level="AUCTION_CAMPAIGN")
    assert small["code"] == 0


def test_no_throttle_header_for_small_accounts(api):
    r = api.get(
        "/report/integrated/get/",
        advertiser_id=api.emu.advertiser_ids[0],
        report_type="BASIC",
        data_level="AUCTION_AD",
        dimensions=["ad_id"],
        start_date="2024-01-01",
        end_date="2024-01-01",
    )
    assert "X-Tt-Ads-Throttle" not in r.headers


def test_max_query_rows_40067(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(max_query_rows=10)
    api = api_for(emu)
    r = api.report(start_date="2024-01-01", end_date="2024-01-07")  # 14 rows
    assert r["code"] == 40067
    assert "date range" in r["message"]
    assert api.report(start_date="2024-01-01", end_date="2024-01-05")["code"] == 0  # 10 rows
