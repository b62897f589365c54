"""TikTokListAdvertisersOperator against the emulator over loopback HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator
from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.context import RecordingTaskInstance

TOKYO, LOS_ANGELES, UTC_ADV = "7100000000000000001", "7100000000000000002", "7100000000000000003"
FORBIDDEN = "7100000000000000099"


def test_lists_ids_for_expand_and_pushes_names(tiktok_connection: TikTokEmulator) -> None:
    ti = RecordingTaskInstance()
    ids = TikTokListAdvertisersOperator(task_id="advertisers").execute({"ti": ti})
    assert ids == [TOKYO, LOS_ANGELES, UTC_ADV]
    assert ti.xcoms["advertisers"][0] == {"advertiser_id": TOKYO, "advertiser_name": "Emulator Tokyo Advertiser"}
    (call,) = [r for r in tiktok_connection.requests if r["path"] == "/oauth2/advertiser/get/"]
    assert call["query"]["app_id"] == tiktok_connection.app_id
    json.dumps(ids)  # XCom-serializable


def test_records_output_and_allow_list_order(tiktok_connection: TikTokEmulator) -> None:
    records = TikTokListAdvertisersOperator(task_id="a", return_as="records",
                                            allow_list=f"{UTC_ADV}, {TOKYO}").execute({})
    assert [r["advertiser_id"] for r in records] == [UTC_ADV, TOKYO]
    assert records[0]["advertiser_name"] == "Emulator UTC Advertiser"


def test_allow_list_with_an_unauthorized_id(tiktok_connection: TikTokEmulator) -> None:
    allow = [TOKYO, FORBIDDEN, LOS_ANGELES]
    assert TikTokListAdvertisersOperator(task_id="a", allow_list=json.dumps(allow)).execute({}) == [TOKYO,
                                                                                                    LOS_ANGELES]
    with pytest.raises(AirflowFailException, match=FORBIDDEN):
        TikTokListAdvertisersOperator(task_id="a", allow_list=allow, fail_on_missing=True).execute({})
    with pytest.raises(AirflowFailException, match="none of the allow-listed"):
        TikTokListAdvertisersOperator(task_id="a", allow_list=[FORBIDDEN]).execute({})


def test_bad_allow_list_fails_before_http(tiktok_connection: TikTokEmulator) -> None:
    with pytest.raises(ValueError, match="allow_list must be numeric"):  # at DAG parse time
        TikTokListAdvertisersOperator(task_id="a", allow_list="abc,123")
    op = TikTokListAdvertisersOperator(task_id="a", allow_list="{{ params.ids }}")
    op.allow_list = "abc,123"  # as rendered at run time
    with pytest.raises(AirflowFailException, match="numeric"):
        op.execute({})
    assert tiktok_connection.requests == []


def test_wrong_app_secret_fails_with_the_fix(tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    conn = tiktok_emulator.connection_dict()
    conn["password"] = "not-the-secret"
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    with pytest.raises(AirflowFailException, match=r"40101.*check the connection's App ID and App secret") as info:
        TikTokListAdvertisersOperator(task_id="a").execute({})
    assert "not-the-secret" not in str(info.value)
    assert str(info.value).count(" -- ") == 1 and "to fix" not in str(info.value)  # one hint, not two


def test_bad_output_rejected_at_parse_time() -> None:
    with pytest.raises(ValueError, match="return_as"):
        TikTokListAdvertisersOperator(task_id="a", return_as="names")


def test_discovery_output_feeds_dynamic_task_mapping(tmp_path: Any) -> None:
    from airflow.sdk import DAG

    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    with DAG("tiktok_mapping", schedule="@daily", start_date=None) as dag:
        advertisers = TikTokListAdvertisersOperator(task_id="advertisers", allow_list=[TOKYO, LOS_ANGELES])
        report = TikTokSyncReportOperator.partial(
            task_id="report", data_level="AUCTION_CAMPAIGN", dimensions=["campaign_id", "stat_time_day"],
            destination=f"file://{tmp_path}/{{advertiser_id}}/{{start_date}}.jsonl", lookback_days=3,
        ).expand(advertiser_id=advertisers.output)
    assert report.task_id in dag.task_dict and type(report).__name__ == "MappedOperator"
    assert dag.task_dict["report"].upstream_task_ids == {"advertisers"}
