"""Access-Token header rules of the business endpoints."""

from __future__ import annotations

import requests


def test_missing_token_40104(api):
    body = api.get("/advertiser/info/", token="", advertiser_ids=["1"]).json()
    assert body["code"] == 40104
    assert body["message"] == "Access token is null, you should set it in http header with key Access-Token."
    assert body["data"] == {}


def test_token_in_query_param_does_not_authenticate(api):
    r = requests.get(
        api.emu.api_url + "/advertiser/info/",
        params={"access_token": api.emu.access_token, "advertiser_ids": '["7100000000000000001"]'},
        timeout=5,
    )
    assert r.json()["code"] == 40104


def test_unknown_token_40105(api):
    assert api.get("/advertiser/info/", token="bogus", advertiser_ids=["1"]).json()["code"] == 40105


def test_accounts_token_expiry_40102(tiktok_emulator, api_for):
    emu = tiktok_emulator
    tokens = emu.accounts_tokens
    acc = api_for(emu, tokens["access_token"])
    assert acc.get("/business/get/", business_id=tokens["open_id"]).json()["code"] == 0
    emu.advance_clock(86400 + 1)
    assert acc.get("/business/get/", business_id=tokens["open_id"]).json()["code"] == 40102
