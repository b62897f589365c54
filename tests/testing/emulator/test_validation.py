"""The emulator rejects dimension and metric names TikTok does not know, as TikTok does (loopback HTTP)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.testing.emulator.conftest import Api

SYNC = "/report/integrated/get/"
BAD_METRIC = ("Please correct the information in invalid metric fields and try again. "
              "Invalid metric fields: ['spendd'].")
BAD_DIMENSION = ("Please correct the information in invalid dimension fields and try again. "
                 "Invalid dimension fields: ['campaign'].")


def sync_answer(api: Api, **params: Any) -> tuple[int, dict[str, Any]]:
    base = {"advertiser_id": api.emu.advertiser_ids[0], "report_type": "BASIC", "data_level": "AUCTION_CAMPAIGN",
            "dimensions": ["campaign_id", "stat_time_day"], "start_date": "2024-01-01", "end_date": "2024-01-02"}
    response = api.get(SYNC, **{k: v for k, v in {**base, **params}.items() if v is not None})
    return response.status_code, response.json()


def test_unknown_metric_on_the_sync_endpoint(api: Api) -> None:
    status, body = sync_answer(api, metrics=["spend", "spendd"])
    assert (status, body["code"], body["message"]) == (200, 40002, BAD_METRIC)
    assert not body.get("data")


def test_unknown_dimension_on_the_sync_endpoint(api: Api) -> None:
    status, body = sync_answer(api, dimensions=["campaign", "stat_time_day"], metrics=["spend"])
    assert (status, body["code"], body["message"]) == (200, 40002, BAD_DIMENSION)


def test_unknown_metric_and_dimension_on_the_async_create_endpoint(api: Api) -> None:
    answer = api.create_task(metrics=["spendd", "impressions"])
    assert (answer["code"], answer["message"]) == (40002, BAD_METRIC)
    answer = api.create_task(dimensions=["campaign", "stat_time_day"])
    assert (answer["code"], answer["message"]) == (40002, BAD_DIMENSION)


def test_every_unknown_name_is_listed(api: Api) -> None:
    _, body = sync_answer(api, metrics=["spendd", "clikcs", "impressions"])
    assert body["message"].endswith("Invalid metric fields: ['spendd', 'clikcs'].")


def test_id_dimension_finer_than_the_data_level_is_still_its_own_error(api: Api) -> None:
    _, body = sync_answer(api, dimensions=["ad_id"], metrics=["spend"])
    assert (body["code"], body["message"]) == (40002, "dimensions: ad_id is not supported when data_level is "
                                                      "AUCTION_CAMPAIGN.")


@pytest.mark.parametrize(("params", "columns"), [
    ({"report_type": "AUDIENCE", "data_level": "AUCTION_ADGROUP", "dimensions": ["adgroup_id", "province_id"]},
     ["adgroup_id", "province_id"]),
    ({"dimensions": ["campaign_id", "country_code"]}, ["campaign_id", "country_code"]),
    ({"report_type": "PLAYABLE_MATERIAL", "data_level": None, "dimensions": ["playable_id"],
      "metrics": ["spend", "a_playable_metric_tiktok_may_have"]}, ["playable_id"]),
])
def test_names_tiktok_accepts_are_answered(api: Api, params: dict[str, Any], columns: list[str]) -> None:
    params = {"metrics": ["spend", "impressions"], **params}
    status, body = sync_answer(api, **params)
    assert (status, body["code"]) == (200, 0), body["message"]
    row = body["data"]["list"][0]
    assert list(row["dimensions"]) == columns and list(row["metrics"]) == params["metrics"]


def test_values_follow_the_declared_metric_types(api: Api) -> None:
    metrics = ["impressions", "spend_credits", "spend", "bid", "ctr", "placement_type", "is_aco", "campaign_name"]
    _, body = sync_answer(api, metrics=metrics, page_size=50)
    assert body["code"] == 0
    rows = [item["metrics"] for item in body["data"]["list"]]
    values = {name: [r[name] for r in rows if r[name] != "-"] for name in metrics}
    assert all(re.fullmatch(r"\d+", v) for name in ("impressions", "spend_credits") for v in values[name])
    assert all(re.fullmatch(r"\d+\.\d\d", v) for name in ("spend", "bid", "ctr") for v in values[name])
    assert values["placement_type"] == values["is_aco"] == []  # attributes, not invented numbers
    assert all(v.startswith("Emulator Campaign") for v in values["campaign_name"])
