"""Envelope, routing and Access-Token header rules."""

from __future__ import annotations

import requests


def test_envelope_shape_and_unique_request_ids(api):
    seen = set()
    for _ in range(3):
        r = api.get("/advertiser/info/", advertiser_ids=api.emu.advertiser_ids)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"code", "message", "request_id", "data"}
        assert body["code"] == 0
        assert r.headers["X-Tt-Logid"] == body["request_id"]
        seen.add(body["request_id"])
    assert len(seen) == 3


def test_missing_trailing_slash_and_unknown_path_are_404(tiktok_emulator):
    for path in (
        "/open_api/v1.3/report/integrated/get",
        "/open_api/v1.3/nope/",
        "/open_api/v1.2/report/integrated/get/",
    ):
        r = requests.get(tiktok_emulator.base_url + path, timeout=5)
        assert r.status_code == 404
        assert r.text == "404 page not found"


def test_wrong_method_is_404(api):
    r = api.post("/report/integrated/get/", {})
    assert r.status_code == 404


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


def test_business_post_body_must_be_json(tiktok_emulator):
    r = requests.post(
        tiktok_emulator.api_url + "/report/task/create/",
        data=b"{not json",
        headers={"Access-Token": tiktok_emulator.access_token, "Content-Type": "application/json"},
        timeout=5,
    )
    assert r.json()["code"] == 40002
