"""Row flattening and metric typing."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.marketing.typing_rows import RowShaper, type_metric

ITEM = {
    "dimensions": {"campaign_id": "1700100000000000001", "stat_time_day": "2024-01-05 00:00:00"},
    "metrics": {"spend": "12.50", "impressions": "3400", "ctr": "-", "campaign_name": "12345",
                "currency": "USD", "conversion_rate": "1e-3", "campaign_id": "999"},
}


@pytest.mark.parametrize(
    ("name", "raw", "typed"),
    [("spend", "0.00", 0.0), ("impressions", "42", 42), ("clicks", "-", None), ("reach", "-7", -7),
     ("cpc", ".5", 0.5), ("cpm", "1.2E+3", 1200.0), ("tt_app_id", "123", "123"), ("adgroup_name", "77", "77"),
     ("spend", "n/a", "n/a"), ("spend", "1,234", "1,234"), ("country_code", "01", "01"), ("frequency", "inf", "inf")],
)
def test_type_metric(name: str, raw: str, typed: object) -> None:
    value = type_metric(name, raw)
    assert value == typed and type(value) is type(typed)


def test_shape_flattens_types_and_tags() -> None:
    shaper = RowShaper(["campaign_id", "stat_time_day"], ["spend", "impressions", "ctr"], advertiser_id="71")
    row = shaper.shape(ITEM)
    assert row == {"advertiser_id": "71", "campaign_id": "1700100000000000001", "stat_time_day": "2024-01-05",
                   "spend": 12.5, "impressions": 3400, "ctr": None, "campaign_name": "12345", "currency": "USD",
                   "conversion_rate": 0.001}  # the metric named like a dimension does not overwrite it
    assert shaper.columns == ["advertiser_id", "campaign_id", "stat_time_day", "spend", "impressions", "ctr"]


def test_raw_mode_keeps_strings_and_rows_own_advertiser_wins() -> None:
    item = {"dimensions": {"advertiser_id": "72", "stat_time_day": "2024-01-05 00:00:00"},
            "metrics": {"spend": "-"}}
    row = RowShaper(["advertiser_id", "stat_time_day"], ["spend"], advertiser_id="71", typed=False).shape(item)
    assert row == {"advertiser_id": "72", "stat_time_day": "2024-01-05 00:00:00", "spend": "-"}


@pytest.mark.parametrize(
    ("raw", "typed"),
    [("12", 12), ("-3", -3), (" 7 ", 7), ("0.25", 0.25), ("1e3", 1000.0), ("-", None), ("nan", "nan"),
     ("inf", "inf"), ("1_000", "1_000"), ("12%", "12%"), ("", "")],
)
def test_metric_spellings_of_a_metric_the_catalog_does_not_type(raw, typed):
    value = type_metric("not_in_the_catalog", raw)  # sniffed, as before the catalog
    assert value == typed and type(value) is type(typed)


@pytest.mark.parametrize(
    ("name", "raw", "typed"),
    [("spend", "12", 12.0), ("spend", "-3", -3.0), ("spend", " 7 ", 7.0), ("spend", "", None),
     ("spend", "-", None), ("spend", "nan", "nan"), ("spend", "1_000", "1_000"), ("spend", "12%", "12%"),
     ("ctr", "1.25", 1.25), ("frequency", "2", 2.0), ("impressions", "3400", 3400), ("impressions", "12.0", 12),
     ("impressions", "1.5", 1.5), ("impressions", "<5", "<5"), ("impressions", "", None),
     ("video_play_actions", "123634", 123634), ("campaign_name", "12345", "12345"), ("campaign_name", "-", None),
     ("objective_type", "", ""), ("is_aco", "true", True), ("is_aco", "False", False), ("is_aco", "yes", "yes"),
     ("budget", "50", 50.0), ("spend", 5, 5)],
)
def test_declared_types_from_the_catalog(name: str, raw: object, typed: object) -> None:
    value = type_metric(name, raw)
    assert value == typed and type(value) is type(typed)


def test_a_declared_column_has_one_type_whatever_the_values_look_like() -> None:
    shaper = RowShaper(["campaign_id"], ["spend", "impressions"])
    rows = shaper.shape_all([{"dimensions": {"campaign_id": "1"}, "metrics": {"spend": "12", "impressions": "3"}},
                             {"dimensions": {"campaign_id": "2"}, "metrics": {"spend": "12.5", "impressions": "4.0"}}])
    assert [type(r["spend"]) for r in rows] == [float, float]
    assert [r["impressions"] for r in rows] == [3, 4] and all(type(r["impressions"]) is int for r in rows)
