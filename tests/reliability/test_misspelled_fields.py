"""Misspelled metrics and dimensions never reach TikTok: the operators name the closest valid field, and the
emulator (like TikTok) answers 40002 if a client sends them anyway."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.testing import TikTokEmulator

ADV = "7100000000000000001"
# (argument, misspelled name, the valid name the error must suggest)
TYPOS = [
    ("metrics", "spendd", "spend"), ("metrics", "impresions", "impressions"), ("metrics", "clicks_", "clicks"),
    ("metrics", "ctrr", "ctr"), ("metrics", "conversions", "conversion"), ("metrics", "cpcc", "cpc"),
    ("metrics", "reachh", "reach"), ("metrics", "video_play_action", "video_play_actions"),
    ("metrics", "likess", "likes"), ("metrics", "comment", "comments"), ("metrics", "share", "shares"),
    ("metrics", "follow", "follows"), ("dimensions", "campaign", "campaign_id"),
    ("dimensions", "adgroup", "adgroup_id"), ("dimensions", "stat_time_days", "stat_time_day"),
    ("dimensions", "stat_time_hours", "stat_time_hour"), ("dimensions", "ad_ids", "ad_id"),
    ("dimensions", "advertiser", "advertiser_id"), ("dimensions", "country", "country_code"),
    ("dimensions", "genders", "gender"),
]


def _kwargs(argument: str, name: str) -> dict:
    audience = name in ("country", "genders")
    dims = ["ad_id"] if argument == "metrics" else [name]
    return {"report_type": "AUDIENCE" if audience else "BASIC", "data_level": "AUCTION_AD",
            "dimensions": dims if argument == "dimensions" or not audience else ["gender"],
            "metrics": [name] if argument == "metrics" else ["spend"], "advertiser_id": ADV,
            "report_start_date": "2024-01-01", "report_end_date": "2024-01-01"}


@pytest.mark.parametrize(("argument", "name", "closest"), TYPOS)
@pytest.mark.parametrize("kind", ["async", "sync"])
def test_misspelled_field_fails_at_parse_time_naming_the_closest(emu: TikTokEmulator, tmp_path: Path, kind: str,
                                                                argument: str, name: str, closest: str) -> None:
    from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    kwargs = _kwargs(argument, name)
    with pytest.raises(TikTokValidationError) as info:
        if kind == "async":
            TikTokRunReportOperator(task_id="run", destination=(tmp_path / "r.csv").as_uri(), **kwargs)
        else:
            TikTokSyncReportOperator(task_id="sync", destination=(tmp_path / "s.jsonl").as_uri(), **kwargs)
    text = str(info.value)
    assert f"{argument}: '{name}'" in text and f"'{closest}'" in text, text
    assert emu.requests == []


@pytest.mark.parametrize(("argument", "name", "closest"), TYPOS[:6] + TYPOS[12:16])
def test_the_emulator_answers_40002_like_tiktok(emu: TikTokEmulator, argument: str, name: str, closest: str) -> None:
    import json

    kwargs = _kwargs(argument, name)
    params = {"advertiser_id": ADV, "report_type": kwargs["report_type"], "data_level": kwargs["data_level"],
              "dimensions": json.dumps(kwargs["dimensions"]), "metrics": json.dumps(kwargs["metrics"]),
              "start_date": "2024-01-01", "end_date": "2024-01-01"}
    answer = requests.get(f"{emu.base_url}/open_api/v1.3/report/integrated/get/", params=params,
                          headers={"Access-Token": emu.access_token}, timeout=10)
    body = answer.json()
    assert answer.status_code == 200 and body["code"] == 40002 and name in body["message"]
