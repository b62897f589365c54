"""Raw-HTTP helpers for the emulator tests (the emulator fixtures come from the opt-in plugin,
which ``tests/conftest.py`` loads with ``pytest_plugins``)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from airflow_provider_tiktok.testing import TikTokEmulator


class Api:
    """Raw-HTTP helper: JSON-encodes list/dict/bool GET params like TikTok's samples."""

    def __init__(self, emu: TikTokEmulator, token: str | None = None) -> None:
        self.emu = emu
        self.token = emu.access_token if token is None else token
        self.session = requests.Session()

    def _headers(self, token: str | None) -> dict[str, str]:
        tok = self.token if token is None else token
        return {"Access-Token": tok} if tok else {}

    @staticmethod
    def encode(params: dict[str, Any]) -> dict[str, str]:
        out = {}
        for k, v in params.items():
            if isinstance(v, bool):
                out[k] = "true" if v else "false"
            elif isinstance(v, (list, dict)):
                out[k] = json.dumps(v)
            else:
                out[k] = str(v)
        return out

    def get(self, path: str, token: str | None = None, **params: Any) -> requests.Response:
        return self.session.get(
            self.emu.api_url + path, params=self.encode(params), headers=self._headers(token), timeout=10
        )

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> requests.Response:
        return self.session.post(self.emu.api_url + path, json=body, headers=self._headers(token), timeout=10)

    def report(self, **params: Any) -> dict[str, Any]:
        base = {
            "advertiser_id": self.emu.advertiser_ids[0],
            "report_type": "BASIC",
            "data_level": "AUCTION_CAMPAIGN",
            "dimensions": ["campaign_id", "stat_time_day"],
            "start_date": "2024-01-01",
            "end_date": "2024-01-07",
        }
        base.update(params)
        return self.get("/report/integrated/get/", **{k: v for k, v in base.items() if v is not None}).json()

    def create_task(self, token: str | None = None, **body: Any) -> dict[str, Any]:
        base = {
            "advertiser_id": self.emu.advertiser_ids[0],
            "report_type": "BASIC",
            "data_level": "AUCTION_CAMPAIGN",
            "dimensions": ["campaign_id", "stat_time_day"],
            "metrics": ["spend", "impressions", "clicks"],
            "start_date": "2024-01-01",
            "end_date": "2024-01-03",
        }
        base.update(body)
        return self.post("/report/task/create/", {k: v for k, v in base.items() if v is not None}, token=token).json()

    def task_call(
        self, path: str, task_id: str, token: str | None = None, advertiser_id: str | None = None
    ) -> requests.Response:
        adv = advertiser_id or self.emu.advertiser_ids[0]
        if path == "/report/task/cancel/":
            return self.post(path, {"task_id": task_id, "advertiser_id": adv}, token=token)
        return self.get(path, token=token, task_id=task_id, advertiser_id=adv)


@pytest.fixture
def api(tiktok_emulator: TikTokEmulator) -> Api:
    return Api(tiktok_emulator)


@pytest.fixture
def fast_emulator(tiktok_emulator_factory: Any) -> TikTokEmulator:
    """Emulator whose tasks finish almost immediately."""
    return tiktok_emulator_factory(queuing_seconds=0.05, processing_seconds=0.05)


@pytest.fixture
def api_for() -> Any:
    """``api_for(emu, token=None)`` -> raw-HTTP helper bound to another emulator / token."""
    return Api
