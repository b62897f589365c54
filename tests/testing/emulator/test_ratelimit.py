"""QPS limits answer HTTP 200 + 40100 (app) / 40133 (advertiser), never HTTP 429."""

from __future__ import annotations

import time


def test_app_qps_40100(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(app_qps=3)
    api = api_for(emu)
    codes = [api.get("/advertiser/info/", advertiser_ids=emu.advertiser_ids[:1]) for _ in range(5)]
    assert all(r.status_code == 200 for r in codes)
    assert [r.json()["code"] for r in codes] == [0, 0, 0, 40100, 40100]
    assert "QPS limit" in codes[3].json()["message"]
    time.sleep(1.05)
    assert api.get("/advertiser/info/", advertiser_ids=emu.advertiser_ids[:1]).json()["code"] == 0


def test_advertiser_qps_40133(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(advertiser_qps=2)
    api = api_for(emu)
    ids = emu.advertiser_ids
    codes = [api.report(advertiser_id=ids[0])["code"] for _ in range(3)]
    assert codes == [0, 0, 40133]
    assert api.report(advertiser_id=ids[1])["code"] == 0  # separate bucket per advertiser
