"""The catalog of TikTok's report dimensions and metrics, and its check at model construction."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing import catalog, catalog_events, catalog_metrics
from airflow_provider_tiktok.api.marketing.catalog_check import check_report_fields
from airflow_provider_tiktok.api.marketing.integrated import SyncReportReader, SyncReportRequest
from airflow_provider_tiktok.api.marketing.reports import ReportTaskRequest, check_report_options
from airflow_provider_tiktok.api.marketing.windows import ReportWindow
from airflow_provider_tiktok.testing import TikTokEmulator


def sync(**kwargs: Any) -> SyncReportRequest:
    base: dict[str, Any] = {"report_type": "BASIC", "advertiser_id": "7", "data_level": "AUCTION_CAMPAIGN",
                            "dimensions": ["campaign_id", "stat_time_day"], "metrics": ["spend"]}
    return SyncReportRequest(**{**base, **kwargs})


def task(**kwargs: Any) -> ReportTaskRequest:
    base: dict[str, Any] = {"report_type": "BASIC", "advertiser_id": "7", "data_level": "AUCTION_CAMPAIGN",
                            "dimensions": ["campaign_id", "stat_time_day"], "metrics": ["spend"],
                            "start_date": "2024-05-01", "end_date": "2024-05-07"}
    return ReportTaskRequest(**{**base, **kwargs})


# --- unknown names fail at construction, with a suggestion ----------------------------------------

@pytest.mark.parametrize("build", [sync, task], ids=["sync", "async"])
def test_unknown_metric_names_the_argument_the_report_type_and_the_closest_name(build: Any) -> None:
    with pytest.raises(TikTokValidationError) as err:
        build(metrics=["spend", "spendd"])
    assert str(err.value) == "metrics: 'spendd' is not a TikTok metric for BASIC reports; did you mean 'spend'?"


@pytest.mark.parametrize("build", [sync, task], ids=["sync", "async"])
def test_unknown_dimension_is_caught_before_the_first_http_call(build: Any) -> None:
    with pytest.raises(TikTokValidationError,
                       match=r"^dimensions: 'campaign' is not a TikTok dimension for BASIC reports; "
                             r"did you mean 'campaign_id'\?$"):
        build(dimensions=["campaign", "stat_time_day"])


def test_nothing_reaches_the_emulator(tiktok_emulator: TikTokEmulator) -> None:
    client = TikTokClient(access_token=tiktok_emulator.access_token, base_url=tiktok_emulator.base_url,
                          retry=RetryPolicy.none())
    with pytest.raises(TikTokValidationError, match="did you mean 'spend'"):
        SyncReportReader(client, sync(advertiser_id=tiktok_emulator.advertiser_ids[0], metrics=["spendd"]))
    reader = SyncReportReader(client, sync(advertiser_id=tiktok_emulator.advertiser_ids[0]))
    assert sum(len(page) for page in reader.iter_pages(ReportWindow(dt.date(2024, 1, 1), dt.date(2024, 1, 2))))
    assert tiktok_emulator.count("/report/integrated/get/") == 1  # only the valid request was sent


def test_parse_time_check_of_the_operators_rejects_typos() -> None:
    with pytest.raises(TikTokValidationError, match="'video_views' is not a TikTok metric for AUDIENCE reports"):
        check_report_options(report_type="AUDIENCE", data_level="AUCTION_AD", dimensions=["ad_id", "age"],
                             metrics=["video_views"])


def test_every_problem_is_listed_and_swapped_names_are_pointed_out() -> None:
    with pytest.raises(TikTokValidationError) as err:
        check_report_fields("AUDIENCE", "AUCTION_AD", ["ad_id", "spend"], ["age", "clickz"])
    assert str(err.value) == (
        "dimensions: 'spend' is not a TikTok dimension for AUDIENCE reports: it is a metric; move it to metrics; "
        "metrics: 'age' is not a TikTok metric for AUDIENCE reports: it is a dimension; move it to dimensions; "
        "metrics: 'clickz' is not a TikTok metric for AUDIENCE reports; did you mean 'clicks'?")


def test_a_name_without_a_close_match_points_to_tiktoks_list() -> None:
    with pytest.raises(TikTokValidationError, match=r"'zzqx' is not a TikTok metric for BASIC reports; see "
                                                    r"https://business-api\.tiktok\.com/portal/docs\?id=17514"):
        sync(metrics=["zzqx"])


@pytest.mark.parametrize(("level", "dimension", "needs"), [
    ("AUCTION_CAMPAIGN", "adgroup_id", "AUCTION_ADGROUP"), ("AUCTION_ADVERTISER", "campaign_id", "AUCTION_CAMPAIGN"),
    ("AUCTION_ADGROUP", "ad_id", "AUCTION_AD"), ("RESERVATION_CAMPAIGN", "ad_id_v2", "RESERVATION_AD")])
def test_id_dimension_finer_than_the_data_level(level: str, dimension: str, needs: str) -> None:
    with pytest.raises(TikTokValidationError) as err:
        sync(data_level=level, dimensions=[dimension])
    assert str(err.value) == (f"dimensions: {dimension!r} is not available at data_level {level} for BASIC "
                              f"reports; use data_level {needs} (or finer) or drop it")


@pytest.mark.parametrize(("level", "dimensions"), [
    ("AUCTION_ADVERTISER", ["advertiser_id"]), ("AUCTION_CAMPAIGN", ["advertiser_id", "campaign_id"]),
    ("AUCTION_AD", ["campaign_id", "adgroup_id", "ad_id"]), ("AUCTION_AD", ["ad_id_v2", "stat_time_day"])])
def test_id_dimensions_at_their_level_and_below(level: str, dimensions: list[str]) -> None:
    assert sync(data_level=level, dimensions=dimensions).dimensions == tuple(dimensions)


# --- valid names are accepted for each report type ------------------------------------------------

BASIC_METRICS = ["spend", "billed_cost", "cpc", "cpm", "impressions", "gross_impressions", "clicks", "ctr", "reach",
                 "frequency", "conversion", "cost_per_conversion", "conversion_rate_v2", "result", "video_play_actions",
                 "video_watched_2s", "video_views_p100", "average_video_play", "engaged_view", "likes", "follows",
                 "profile_visits", "engagements", "live_views", "app_install", "total_purchase_value",
                 "complete_payment_roas", "onsite_shopping", "vta_conversion", "skan_app_install",
                 "offline_shopping_events", "campaign_name", "objective_type", "currency"]


@pytest.mark.parametrize("dimension", sorted(catalog.BASIC_BREAKDOWNS))
def test_basic_breakdowns(dimension: str) -> None:
    assert sync(dimensions=["campaign_id", dimension], metrics=BASIC_METRICS).metrics == tuple(BASIC_METRICS)
    assert task(dimensions=["campaign_id", dimension], metrics=BASIC_METRICS).dimensions[1] == dimension


@pytest.mark.parametrize("dimension", sorted(catalog.AUDIENCE_BREAKDOWNS))
def test_audience_dimensions(dimension: str) -> None:
    request = sync(report_type="AUDIENCE", data_level="AUCTION_AD", dimensions=["ad_id", dimension],
                   metrics=["spend", "impressions", "clicks", "ctr", "conversion", "video_play_actions", "likes"])
    assert request.dimensions == ("ad_id", dimension)


def test_every_catalogued_metric_is_accepted_in_basic_and_audience_reports() -> None:
    names = sorted(catalog.ALL_METRICS)
    for report_type in ("BASIC", "AUDIENCE"):
        for start in range(0, len(names), 100):  # TikTok takes at most 100 metrics a request
            check_report_fields(report_type, "AUCTION_AD", ["ad_id"], names[start:start + 100])


@pytest.mark.parametrize(("report_type", "kwargs"), [
    ("PLAYABLE_MATERIAL", {"dimensions": ["playable_id", "country_code"], "metrics": ["spend", "impressions"]}),
    ("TT_SHOP", {"data_level": "AUCTION_ADVERTISER", "dimensions": ["advertiser_id", "country_code", "stat_time_day"],
                 "metrics": ["spend", "billed_cost"]}),
    ("BC", {"data_level": None, "bc_id": "72", "dimensions": ["advertiser_id", "country_code"],
            "metrics": ["spend", "impressions", "reach"]}),
    ("CATALOG", {"data_level": "AUCTION_AD", "dimensions": ["catalog_id", "product_set_id"],
                 "metrics": ["spend", "product_impressions"]})])
def test_documented_names_of_the_other_report_types(report_type: str, kwargs: dict[str, Any]) -> None:
    assert sync(report_type=report_type, **kwargs).report_type == report_type


@pytest.mark.parametrize("report_type", ["PLAYABLE_MATERIAL", "TT_SHOP", "BC", "CATALOG"])
def test_metrics_of_report_types_tiktok_lists_incompletely_are_not_rejected(report_type: str) -> None:
    assert catalog.REPORT_METRICS[report_type] is None
    assert catalog.field_problems(report_type, None, [], ["a_metric_the_catalog_does_not_know"]) == []


def test_playable_and_gmv_max_dimensions_are_checked() -> None:
    with pytest.raises(TikTokValidationError, match="'ad_id' is not a TikTok dimension for PLAYABLE_MATERIAL"):
        sync(report_type="PLAYABLE_MATERIAL", data_level=None, dimensions=["ad_id"])
    with pytest.raises(TikTokValidationError, match="'stat_time_hor' is not a TikTok dimension for TT_SHOP reports; "
                                                    "did you mean 'stat_time_day'"):
        sync(report_type="TT_SHOP", dimensions=["campaign_id", "stat_time_hor"])


# --- declared types -------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), [
    ("spend", "float"), ("cpc", "float"), ("ctr", "float"), ("frequency", "float"), ("conversion_rate", "float"),
    ("cost_per_1000_reached", "float"), ("total_purchase_value", "float"), ("complete_payment_roas", "float"),
    ("average_video_play", "float"), ("budget", "float"), ("impressions", "int"), ("clicks", "int"),
    ("reach", "int"), ("conversion", "int"), ("video_views_p25", "int"), ("likes", "int"), ("app_install", "int"),
    ("skan_purchase", "int"), ("campaign_name", "str"), ("advertiser_id", "str"), ("currency", "str"),
    ("placement_type", "str"), ("is_aco", "bool"), ("not_a_metric", None)])
def test_declared_metric_types(name: str, kind: str | None) -> None:
    assert catalog.metric_type(name) == kind


def test_every_metric_has_one_declared_type_and_one_group() -> None:
    tables = {**catalog_metrics.METRIC_TABLES, **catalog_events.EVENT_TABLES}
    assert len(tables) == len(catalog_metrics.METRIC_TABLES) + len(catalog_events.EVENT_TABLES)
    listed = [name for by_type in tables.values() for names in by_type.values() for name in names.split()]
    assert len(listed) == len(set(listed)) == len(catalog.METRIC_TYPES) > 1000
    assert {kind for by_type in tables.values() for kind in by_type} <= set(catalog.METRIC_VALUE_TYPES)
    money = [n for n in listed if n.startswith(("cost_per_", "value_per_")) or n.endswith(("_rate", "_roas"))]
    assert money and {catalog.metric_type(n) for n in money} == {"float"}


def test_the_catalog_imports_only_the_stdlib_and_spec_so_the_emulator_may_use_it() -> None:
    package = Path(catalog.__file__).parent
    for module in ("catalog.py", "catalog_metrics.py", "catalog_events.py", "entities_catalog.py"):
        tree = ast.parse((package / module).read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        ours = {name for name in imported if name.startswith("airflow_provider_tiktok")}
        assert ours <= {"airflow_provider_tiktok.api", "airflow_provider_tiktok.api.marketing.catalog_events",
                        "airflow_provider_tiktok.api.marketing.catalog_metrics"}, module
