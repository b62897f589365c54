"""The hook's Marketing API methods over the emulator (loopback HTTP)."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokTransportError, TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.api.marketing.status import ReportTaskStatus
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.testing import Fault

DOWNLOAD = "/report/task/download/"


def _request(emu) -> reports.ReportTaskRequest:
    return reports.ReportTaskRequest(report_type="basic", dimensions=["campaign_id"], data_level="auction_campaign",
                                     advertiser_id=emu.advertiser_ids[0], start_date="2024-05-01",
                                     end_date="2024-05-01")


def test_request_model_fields_are_normalised_once():
    request = reports.ReportTaskRequest(report_type=" basic", dimensions="campaign_id,stat_time_day",
                                        data_level="auction_ad", advertiser_id=" 7100000000000000001 ",
                                        start_date="2024-05-01T00:00:00+00:00", end_date="2024-05-02",
                                        output_format="csv_download", order_type="desc")
    assert (request.report_type, request.data_level, request.output_format, request.order_type) == \
        ("BASIC", "AUCTION_AD", "CSV_DOWNLOAD", "DESC")
    assert request.dimensions == ("campaign_id", "stat_time_day") and request.advertiser_ids == ()
    assert (request.advertiser_id, request.start_date) == ("7100000000000000001", "2024-05-01")


def test_report_task_lifecycle_through_the_hook(tiktok_connection, tmp_path):
    emu = tiktok_connection
    with TikTokHook() as hook:
        task_id = hook.create_report_task(_request(emu))
        assert emu.task(task_id)["params"]["report_type"] == "BASIC"
        emu.set_task_outcome(task_id, "SUCCESS", queuing_seconds=0, processing_seconds=0)
        state = hook.wait_for_report_task(task_id, emu.advertiser_ids[0], poll_interval=0.05, deadline=1e12)
        assert state.status is ReportTaskStatus.SUCCESS
        from airflow.sdk import ObjectStoragePath

        written = hook.download_report_task(task_id, emu.advertiser_ids[0], ObjectStoragePath(f"file://{tmp_path}/r.csv"))
        assert (tmp_path / "r.csv").read_bytes() == emu.expected_report_csv(task_id)
        assert written.bytes == written.bytes_uncompressed == (tmp_path / "r.csv").stat().st_size
        assert written.rows == emu.expected_report_csv(task_id).count(b"\n") - 1
    assert hook._client is None  # closed by the context manager


def test_wait_returns_the_last_state_at_the_deadline(tiktok_connection):
    emu = tiktok_connection
    emu.config.queuing_seconds = 600
    with TikTokHook() as hook:
        task_id = hook.create_report_task(_request(emu))
        sleeps: list[float] = []
        state = hook.wait_for_report_task(task_id, emu.advertiser_ids[0], poll_interval=1, deadline=0,
                                          sleep=sleeps.append)
    assert not state.status.is_terminal and sleeps == []


async def test_async_twins(tiktok_connection):
    emu = tiktok_connection
    with TikTokHook() as sync_hook:
        task_id = sync_hook.create_report_task(_request(emu))
    hook = TikTokHook()
    try:
        state = await hook.aget_report_task_state(task_id, emu.advertiser_ids[0])
        assert state.task_id == task_id and not state.status.is_terminal
        assert await hook.acancel_report_task(task_id, emu.advertiser_ids[0]) == "CANCELED"
    finally:
        await hook.aclose()
    assert emu.task(task_id)["status"] == "CANCELED"


def test_a_connection_of_another_family_is_refused_before_any_call(tiktok_emulator, monkeypatch):
    conn = tiktok_emulator.connection_dict("tiktok_default", "accounts")
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    with pytest.raises(TikTokValidationError, match="needs a 'marketing' connection"):
        TikTokHook().create_report_task(_request(tiktok_emulator))
    with pytest.raises(TikTokValidationError, match="needs a 'marketing' connection"):
        TikTokHook().get_report_task_state("1", "2")
    assert tiktok_emulator.requests == []


def test_a_broken_download_is_retried_by_the_one_policy_not_nested(tiktok_connection, tmp_path):
    """Every answer truncated: the download makes exactly max_attempts attempts, then fails, leaving nothing."""
    from airflow.sdk import ObjectStoragePath

    emu = tiktok_connection
    policy = RetryPolicy(max_attempts=3, initial_wait=0, max_wait=0, jitter=0)
    with TikTokHook(retry=policy) as hook:
        task_id = hook.create_report_task(_request(emu))
        emu.set_task_outcome(task_id, "SUCCESS", queuing_seconds=0, processing_seconds=0)
        emu.faults.add(DOWNLOAD, Fault.truncate(), every=True)
        with pytest.raises(TikTokTransportError):
            hook.download_report_task(task_id, emu.advertiser_ids[0], ObjectStoragePath(f"file://{tmp_path}/r.csv"))
    assert emu.count(DOWNLOAD) == 3
    assert list(tmp_path.iterdir()) == []
