"""Entity request model, page calls and the catalog; paging against the emulator over loopback HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokRowCountError, TikTokValidationError
from airflow_provider_tiktok.api.core.pager import iter_numbered_pages
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing.entities import (
    EntityRequest,
    advertiser_batches,
    csv_cell,
    entity_page,
    parse_updated_since,
)
from airflow_provider_tiktok.api.marketing.entities_catalog import ENTITIES, lookup
from airflow_provider_tiktok.testing import TikTokEmulator

ADV = "7100000000000000001"


def client_for(emu: TikTokEmulator) -> TikTokClient:
    return TikTokClient(access_token=emu.access_token, base_url=emu.base_url, retry=RetryPolicy.none())


def read_all(emu: TikTokEmulator, request: EntityRequest) -> list[dict[str, Any]]:
    with client_for(emu) as client:
        pages = iter_numbered_pages(lambda n: client.call(entity_page(request, n)), label=request.entity)
        return [request.shape(item) for page in pages for item in page.items if request.keep(item)]


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"entity": "adz"}, "did you mean 'ads'"),
    ({"entity": "ads", "fields": ["ad_nmae"]}, "'ad_nmae' is not a field of TikTok ads; did you mean 'ad_name'"),
    ({"entity": "campaigns", "filtering": {"campain_ids": ["1"]}}, "did you mean 'campaign_ids'"),
    ({"entity": "ads", "filtering": {"primary_status": "STATUS_DELETED"}}, "did you mean 'STATUS_DELETE'"),
    ({"entity": "ads", "page_size": 1001}, "from 1 to 1000"),
    ({"entity": "pixels", "page_size": 21}, "from 1 to 20"),
    ({"entity": "videos", "page_size": 0}, "page_size"),
    ({"entity": "images", "include_deleted": True}, "include_deleted applies to campaigns"),
    ({"entity": "ads", "include_deleted": True, "filtering": {"primary_status": "STATUS_DISABLE"}}, "conflicts"),
    ({"entity": "pixels", "updated_since": "2024-01-01"}, "modify_time"),
    ({"entity": "ads", "updated_since": "yesterday"}, "ISO"),
    ({"entity": "ads", "filtering": {"ad_ids": [str(i) for i in range(101)]}}, "at most 100"),
    ({"entity": "ads", "filtering": {"campaign_ids": []}}, "non-empty"),
    ({"entity": "ads", "filtering": "[1]"}, "object"),
    ({"entity": "ads", "advertiser_id": "acme"}, "numeric"),
])
def test_bad_requests_name_the_fix(kwargs: dict[str, Any], words: str) -> None:
    kwargs.setdefault("advertiser_id", ADV)
    with pytest.raises(TikTokValidationError, match=None) as info:
        EntityRequest(**kwargs)
    assert words in str(info.value)


def test_request_is_normalised_once() -> None:
    request = EntityRequest("Ad_Groups", f" {ADV} ", fields="adgroup_id, adgroup_name",
                            filtering='{"campaign_ids": [1700100000000000000]}', include_deleted=True)
    assert (request.entity, request.advertiser_id, request.page_size) == ("adgroups", ADV, 1000)
    assert request.fields == ("adgroup_id", "adgroup_name")
    assert request.columns == ("advertiser_id", "adgroup_id", "adgroup_name")
    assert request.filtering == {"campaign_ids": ["1700100000000000000"], "primary_status": "STATUS_ALL"}
    params = request.page_params(3)
    assert params == {"advertiser_id": ADV, "page": 3, "page_size": 1000, "fields": ["adgroup_id", "adgroup_name"],
                      "filtering": {"campaign_ids": ["1700100000000000000"], "primary_status": "STATUS_ALL"}}


def test_endpoints_without_a_fields_parameter_send_none_and_top_level_filters_move_out() -> None:
    pixels = EntityRequest("pixels", ADV, fields=["pixel_id"], filtering={"pixel_id": "7", "code": "C1",
                                                                           "available_for_catalog_only": True})
    assert pixels.page_params(1) == {"advertiser_id": ADV, "page": 1, "page_size": 20, "pixel_id": "7",
                                     "code": "C1", "filtering": {"available_for_catalog_only": True}}
    audiences = EntityRequest("audiences", ADV, filtering={"custom_audience_ids": ["5"]})
    assert audiences.page_params(1)["custom_audience_ids"] == ["5"] and "filtering" not in audiences.page_params(1)


def test_updated_since_is_utc_and_server_side_only_for_ads() -> None:
    assert parse_updated_since("2024-01-31T09:00:00+09:00") == "2024-01-31 00:00:00"
    assert parse_updated_since(dt.date(2024, 2, 1)) == "2024-02-01 00:00:00"
    assert parse_updated_since(dt.datetime(2024, 2, 1, 5, tzinfo=dt.timezone.utc)) == "2024-02-01 05:00:00"
    ads = EntityRequest("ads", ADV, fields=["ad_id"], updated_since="2024-01-15")
    assert ads.filtering == {"modified_after": "2024-01-15 00:00:00"}
    assert ads.request_fields == ("ad_id", "modify_time") and ads.columns == ("advertiser_id", "ad_id")
    campaigns = EntityRequest("campaigns", ADV, updated_since="2024-01-15")
    assert campaigns.filtering == {}
    assert campaigns.keep({"modify_time": "2024-01-15 00:00:00"}) and not campaigns.keep({"modify_time": "2024-01-14"})


def test_rows_are_shaped_ids_as_text_and_csv_cells_flattened() -> None:
    request = EntityRequest("ads", ADV, fields=["ad_id", "image_ids", "is_aco", "tracking_pixel_id"])
    row = request.shape({"ad_id": 19, "image_ids": [1, "x"], "is_aco": False, "tracking_pixel_id": 7})
    assert row == {"advertiser_id": ADV, "ad_id": "19", "image_ids": ["1", "x"], "is_aco": False,
                   "tracking_pixel_id": "7"}
    assert [csv_cell(v) for v in (None, True, ["a", 1], {"k": 1}, 2.5)] == ["", "true", '["a",1]', '{"k":1}', 2.5]


def test_catalog_is_consistent() -> None:
    for entity in ENTITIES.values():
        assert set(entity.default_fields) <= set(entity.fields), entity.name
        assert entity.id_field in entity.fields, entity.name
        assert entity.query_filters <= set(entity.filters), entity.name
    assert lookup("ad") is ENTITIES["ads"] and lookup(" Audiences ") is ENTITIES["custom_audiences"]
    assert ENTITIES["ads"].max_page_size == spec.ENTITY_PAGE_SIZE_MAX == 1000


def test_advertiser_batches_hold_at_most_100_ids() -> None:
    batches = advertiser_batches([str(7100000000000000000 + i) for i in range(250)])
    assert [len(b) for b in batches] == [100, 100, 50]
    with pytest.raises(TikTokValidationError, match="numeric"):
        advertiser_batches(["x"])


@pytest.mark.tiktok_emulator(ads_per_advertiser=23)
def test_pages_over_loopback_add_up(tiktok_emulator: TikTokEmulator) -> None:
    emu = tiktok_emulator
    rows = read_all(emu, EntityRequest("ads", ADV, fields=["ad_id", "adgroup_id"], page_size=5))
    assert len(rows) == 23 and len({r["ad_id"] for r in rows}) == 23
    assert [r["query"]["page"] for r in emu.requests] == ["1", "2", "3", "4", "5"]
    assert rows[3] == {"advertiser_id": ADV, "ad_id": "1900100000000000003", "adgroup_id": "1800100000000000001"}


@pytest.mark.tiktok_emulator(ads_per_advertiser=8, deleted_entities=2)
def test_deleted_entities_only_with_include_deleted(tiktok_emulator: TikTokEmulator) -> None:
    live = read_all(tiktok_emulator, EntityRequest("campaigns", ADV, fields=["campaign_id", "operation_status"]))
    every = read_all(tiktok_emulator, EntityRequest("campaigns", ADV, fields=["campaign_id", "operation_status"],
                                                    include_deleted=True))
    assert [r["operation_status"] for r in live] == ["ENABLE", "ENABLE"]
    assert [r["operation_status"] for r in every] == ["ENABLE", "ENABLE", "DELETE", "DELETE"]


@pytest.mark.tiktok_emulator(ads_per_advertiser=12)
def test_total_number_changing_between_pages_is_an_error(tiktok_emulator: TikTokEmulator) -> None:
    request = EntityRequest("ads", ADV, fields=["ad_id"], page_size=5)
    with client_for(tiktok_emulator) as client:
        def fetch(number: int) -> Any:
            page = client.call(entity_page(request, number))
            if number == 2:
                page.total_number += 1  # an ad was created while paging
            return page

        with pytest.raises(TikTokRowCountError, match="total_number changed from 12 to 13"):
            list(iter_numbered_pages(fetch, label="ads"))
