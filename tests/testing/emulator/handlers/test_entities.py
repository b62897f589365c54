"""Entity list endpoints of the emulator over raw HTTP: envelope, limits, errors, deleted entities, faults."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.marketing.entities_catalog import ENTITIES
from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from airflow_provider_tiktok.testing.emulator.data import entity_id

ADV = "7100000000000000001"
PATHS = [e.path for e in ENTITIES.values() if e.paged]


@pytest.mark.parametrize("path", PATHS)
def test_every_endpoint_answers_tiktoks_envelope_with_page_info(api, path: str) -> None:
    entity = next(e for e in ENTITIES.values() if e.path == path)
    body = api.get(path, advertiser_id=ADV, page=1, page_size=2).json()
    assert body["code"] == 0 and body["message"] == "OK" and body["request_id"]
    info = body["data"]["page_info"]
    assert set(info) == {"page", "page_size", "total_number", "total_page"} and info["page_size"] == 2
    rows = body["data"][entity.list_key]
    assert 1 <= len(rows) <= 2 and set(rows[0]) == set(entity.fields)


@pytest.mark.parametrize("path", PATHS)
def test_page_size_over_the_maximum_is_40002(api, path: str) -> None:
    entity = next(e for e in ENTITIES.values() if e.path == path)
    body = api.get(path, advertiser_id=ADV, page_size=entity.max_page_size + 1).json()
    assert body["code"] == 40002 and "page_size" in body["message"]
    assert api.get(path, advertiser_id=ADV, page_size=entity.max_page_size).json()["code"] == 0


def test_unknown_fields_and_filtering_keys_are_40002(api) -> None:
    bad_field = api.get("/ad/get/", advertiser_id=ADV, fields=["ad_id", "ad_nam"]).json()
    assert (bad_field["code"], bad_field["message"]) == (40002, "fields: Invalid field(s) ad_nam.")
    bad_key = api.get("/campaign/get/", advertiser_id=ADV, filtering={"ad_ids": ["1"]}).json()
    assert (bad_key["code"], bad_key["message"]) == (40002, "filtering.ad_ids: Unknown field.")
    bad_status = api.get("/ad/get/", advertiser_id=ADV, filtering={"primary_status": "GONE"}).json()
    assert bad_status["code"] == 40002 and "primary_status" in bad_status["message"]


def test_fields_select_columns(api) -> None:
    rows = api.get("/ad/get/", advertiser_id=ADV, fields=["ad_id", "video_id"]).json()["data"]["list"]
    assert rows[0] == {"ad_id": entity_id(3, 1, 0), "video_id": "v10033g50000emulator0010000000000"}


@pytest.mark.tiktok_emulator(ads_per_advertiser=10, deleted_entities=3)
def test_deleted_entities_hidden_unless_the_status_filter_asks(tiktok_emulator: TikTokEmulator, api_for) -> None:
    api = api_for(tiktok_emulator)

    def ads(**filtering: str) -> list[dict]:
        params = {"filtering": filtering} if filtering else {}
        return api.get("/ad/get/", advertiser_id=ADV, page_size=100, fields=["ad_id", "operation_status"],
                       **params).json()["data"]["list"]

    assert len(ads()) == len(ads(primary_status="STATUS_NOT_DELETE")) == 10
    assert len(ads(primary_status="STATUS_ALL")) == 13
    assert {r["operation_status"] for r in ads(primary_status="STATUS_DELETE")} == {"DELETE"}


@pytest.mark.tiktok_emulator(ads_per_advertiser=16)
def test_id_filters_select_children_and_paging_reaches_every_row(tiktok_emulator: TikTokEmulator, api_for) -> None:
    api = api_for(tiktok_emulator)
    campaign = entity_id(1, 1, 1)
    rows = api.get("/ad/get/", advertiser_id=ADV, filtering={"campaign_ids": [campaign]},
                   fields=["ad_id", "campaign_id"]).json()["data"]["list"]
    assert [r["ad_id"] for r in rows] == [entity_id(3, 1, i) for i in range(4, 8)]
    seen = []
    for page in (1, 2, 3, 4):
        data = api.get("/adgroup/get/", advertiser_id=ADV, page=page, page_size=3, fields=["adgroup_id"]).json()["data"]
        assert data["page_info"]["total_number"] == 8 and data["page_info"]["total_page"] == 3
        seen += [r["adgroup_id"] for r in data["list"]]
    assert seen == [entity_id(2, 1, i) for i in range(8)]  # page 4 is past the end: empty


def test_query_filters_of_pixels_and_audiences(api) -> None:
    pixels = api.get("/pixel/list/", advertiser_id=ADV).json()["data"]["pixels"]
    one = api.get("/pixel/list/", advertiser_id=ADV, pixel_id=pixels[1]["pixel_id"]).json()["data"]["pixels"]
    assert one == [pixels[1]]
    audiences = api.get("/dmp/custom_audience/list/", advertiser_id=ADV).json()["data"]["list"]
    picked = api.get("/dmp/custom_audience/list/", advertiser_id=ADV,
                     custom_audience_ids=[audiences[2]["audience_id"]]).json()["data"]["list"]
    assert picked == [audiences[2]]


def test_permission_and_token_checks(api, api_for, tiktok_emulator: TikTokEmulator) -> None:
    assert api.get("/ad/get/", advertiser_id="7100000000000000099").json()["code"] == 40001
    assert api_for(tiktok_emulator, token="").get("/ad/get/", advertiser_id=ADV).json()["code"] == 40104


@pytest.mark.parametrize("path", PATHS)
def test_faults_apply_to_every_entity_endpoint(api, tiktok_emulator: TikTokEmulator, path: str) -> None:
    tiktok_emulator.faults.add(path, Fault.code(40100), on_call=1)
    tiktok_emulator.faults.add(path, Fault.http(503), on_call=2)
    assert api.get(path, advertiser_id=ADV).json()["code"] == 40100
    assert api.get(path, advertiser_id=ADV).status_code == 503
    assert api.get(path, advertiser_id=ADV).json()["code"] == 0
    assert tiktok_emulator.count(path) == 3


@pytest.mark.tiktok_emulator(ads_per_advertiser=100_000)
def test_a_hundred_thousand_ads_page_without_building_the_list(tiktok_emulator: TikTokEmulator, api_for) -> None:
    data = api_for(tiktok_emulator).get("/ad/get/", advertiser_id=ADV, page=100, page_size=1000,
                                        fields=["ad_id", "adgroup_id"]).json()["data"]
    assert data["page_info"] == {"page": 100, "page_size": 1000, "total_number": 100_000, "total_page": 100}
    assert data["list"][-1] == {"ad_id": entity_id(3, 1, 99_999), "adgroup_id": entity_id(2, 1, 49_999)}
