"""The hook's entity methods over the emulator (loopback HTTP): paging, totals, retries, family check."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokRowCountError, TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing.entities import EntityRequest, EntityStats
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from airflow_provider_tiktok.testing.emulator.handlers import entities as entity_handlers
from airflow_provider_tiktok.testing.emulator.interface import Route
from airflow_provider_tiktok.testing.emulator.wire import Response

ADV, LA = "7100000000000000001", "7100000000000000002"
FAST = RetryPolicy(max_attempts=4, initial_wait=0, max_wait=0, jitter=0)


@pytest.mark.tiktok_emulator(ads_per_advertiser=26)
def test_iter_entities_pages_until_total_page(tiktok_connection: TikTokEmulator) -> None:
    emu = tiktok_connection
    stats = EntityStats()
    with TikTokHook() as hook:
        pages = list(hook.iter_entity_pages(EntityRequest("ads", ADV, fields=["ad_id"], page_size=10), stats))
    assert [len(p) for p in pages] == [10, 10, 6]
    assert (stats.pages, stats.received, stats.kept) == (3, 26, 26)
    assert [r["query"]["page"] for r in emu.requests] == ["1", "2", "3"]
    assert json.loads(emu.requests[0]["query"]["fields"]) == ["ad_id"]


@pytest.mark.tiktok_emulator(ads_per_advertiser=8)
def test_ads_match_the_ads_of_reports(tiktok_connection: TikTokEmulator) -> None:
    from airflow_provider_tiktok.api.marketing.integrated import SyncReportRequest
    from airflow_provider_tiktok.api.marketing.windows import ReportWindow

    with TikTokHook() as hook:
        listed = {r["ad_id"]: r["adgroup_id"] for r in hook.iter_entities(
            EntityRequest("ads", ADV, fields=["ad_id", "adgroup_id"], include_deleted=False))}
        request = SyncReportRequest(report_type="BASIC", data_level="AUCTION_AD", dimensions=["ad_id"],
                                    metrics=["adgroup_id"], advertiser_id=ADV, page_size=100)
        reader = hook.sync_report_reader(request)
        reported = {r["dimensions"]["ad_id"]: r["metrics"]["adgroup_id"]
                    for page in reader.iter_pages(ReportWindow(dt.date(2024, 1, 1), dt.date(2024, 1, 1))) for r in page}
    assert listed == reported and len(listed) == 8


@pytest.mark.tiktok_emulator(ads_per_advertiser=30)
def test_updated_since_drops_older_rows_client_side(tiktok_connection: TikTokEmulator) -> None:
    with TikTokHook() as hook:
        every = list(hook.iter_entities(EntityRequest("adgroups", ADV, fields=["adgroup_id", "modify_time"])))
        cut = sorted(r["modify_time"] for r in every)[7]
        stats = EntityStats()
        recent = list(hook.iter_entities(EntityRequest("adgroups", ADV, fields=["adgroup_id"],
                                                       updated_since=cut.replace(" ", "T")), stats))
    assert len(recent) == len(every) - 7 and stats.received == len(every)
    assert set(recent[0]) == {"advertiser_id", "adgroup_id"}  # modify_time was asked for, not written


def test_total_number_mismatch_is_detected(tiktok_emulator_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page that went missing between TikTok's count and its pages: the rows do not add up."""
    real = entity_handlers.entity_list

    def short_last_page(emu: Any, req: Any) -> Response:
        resp = real(emu, req)
        if req.query.get("page") == "2":
            resp.body.data["list"].pop()  # type: ignore[union-attr]  # the envelope is rendered later
        return resp

    monkeypatch.setitem(entity_handlers.ROUTES, ("GET", "/campaign/get/"), Route(short_last_page))
    emu = tiktok_emulator_factory(ads_per_advertiser=32)  # 8 campaigns
    for key, value in emu.connection_env().items():
        monkeypatch.setenv(key, value)
    with TikTokHook(retry=FAST) as hook, pytest.raises(TikTokRowCountError, match="received 7 rows but TikTok reported "
                                                                        "total_number=8"):
        list(hook.iter_entities(EntityRequest("campaigns", ADV, page_size=5)))


@pytest.mark.parametrize("fault", [Fault.code(40100), Fault.code(50000), Fault.http(503), Fault.reset()])
def test_a_faulted_page_is_retried_on_its_own(tiktok_connection: TikTokEmulator, fault: Fault) -> None:
    emu = tiktok_connection
    emu.faults.add("/adgroup/get/", fault, on_call=2)
    with TikTokHook(retry=FAST) as hook:
        rows = list(hook.iter_entities(EntityRequest("adgroups", ADV, fields=["adgroup_id"], page_size=2)))
    assert [r["adgroup_id"] for r in rows] == [f"18001000000000000{i:02d}" for i in range(4)]
    assert [r["query"]["page"] for r in emu.requests] == ["1", "2", "2"]


def test_advertiser_info_in_batches_and_as_an_entity(tiktok_connection: TikTokEmulator) -> None:
    emu = tiktok_connection
    with TikTokHook() as hook:
        infos = list(hook.iter_advertiser_info([ADV, LA], fields=["advertiser_id", "currency"], batch_size=1))
        rows = list(hook.iter_entities(EntityRequest("advertisers", LA, fields=["name", "timezone"])))
        with pytest.raises(TikTokValidationError, match="did you mean 'currency'"):
            list(hook.iter_advertiser_info([ADV], fields=["curency"]))
    assert infos == [{"advertiser_id": ADV, "currency": "JPY"}, {"advertiser_id": LA, "currency": "USD"}]
    assert rows == [{"advertiser_id": LA, "name": "Emulator Los Angeles Advertiser",
                     "timezone": "America/Los_Angeles"}]
    assert emu.count("/advertiser/info/") == 3


def test_forbidden_advertiser_and_other_family_are_refused(tiktok_connection: TikTokEmulator,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_tiktok.api.core.errors import TikTokPermissionError

    with TikTokHook() as hook, pytest.raises(TikTokPermissionError):
        list(hook.iter_entities(EntityRequest("pixels", "7100000000000000099")))
    tiktok_connection.reset_log()
    conn = tiktok_connection.connection_dict("tiktok_default", "accounts")
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    with TikTokHook() as hook, pytest.raises(TikTokValidationError, match="needs a 'marketing' connection"):
        list(hook.iter_entities(EntityRequest("ads", ADV)))
    assert tiktok_connection.requests == []
