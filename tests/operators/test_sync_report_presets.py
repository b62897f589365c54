"""TikTokSyncReportOperator with report presets, against the emulator over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing.presets import PRESETS
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

PATH = "/report/integrated/get/"


def _run(emu, tmp_path: Path, **kwargs) -> tuple[dict, list[dict], dict]:
    op = TikTokSyncReportOperator(task_id="p", advertiser_id=emu.advertiser_ids[0], report_start_date="2024-05-01",
                                  report_end_date="2024-05-02", destination=f"file://{tmp_path}/out.jsonl",
                                  **kwargs)
    result = op.execute({})
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    query = next(r["query"] for r in emu.requests if r["path"] == PATH)
    return result, rows, query


def test_preset_sends_its_request_and_writes_its_columns(tiktok_connection, tmp_path):
    result, rows, query = _run(tiktok_connection, tmp_path, preset="campaigns_daily")
    preset = PRESETS["campaigns_daily"]
    assert query["data_level"] == "AUCTION_CAMPAIGN" and json.loads(query["dimensions"]) == list(preset.dimensions)
    assert json.loads(query["metrics"]) == list(preset.metrics)
    assert result["rows"] == len(rows) > 0
    assert set(preset.dimensions) | set(preset.metrics) <= set(rows[0])


def test_explicit_arguments_override_the_preset(tiktok_connection, tmp_path):
    _result, rows, query = _run(tiktok_connection, tmp_path, preset="ads_daily", metrics=["spend", "clicks"])
    assert json.loads(query["metrics"]) == ["spend", "clicks"] and query["data_level"] == "AUCTION_AD"
    assert {"ad_id", "stat_time_day", "spend", "clicks"} <= set(rows[0]) and "impressions" not in rows[0]


def test_audience_preset(tiktok_connection, tmp_path):
    _result, rows, query = _run(tiktok_connection, tmp_path, preset="audience_age_gender_daily")
    assert query["report_type"] == "AUDIENCE" and {"age", "gender"} <= set(rows[0])


def test_unknown_preset_fails_at_parse_time(tiktok_emulator, tmp_path):
    with pytest.raises(TikTokValidationError, match="did you mean 'campaigns_hourly'"):
        TikTokSyncReportOperator(task_id="p", preset="campaign_hourly", advertiser_id="1",
                                 destination=f"file://{tmp_path}/x.jsonl")
    assert tiktok_emulator.requests == []
