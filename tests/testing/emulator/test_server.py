"""HTTP server and dispatcher: envelope, routing (404s), request bodies, access log."""

from __future__ import annotations

import logging

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


def test_business_post_body_must_be_json(tiktok_emulator):
    r = requests.post(
        tiktok_emulator.api_url + "/report/task/create/",
        data=b"{not json",
        headers={"Access-Token": tiktok_emulator.access_token, "Content-Type": "application/json"},
        timeout=5,
    )
    assert r.json()["code"] == 40002


def test_server_access_log_has_no_secrets(api, caplog):
    emu = api.emu
    with caplog.at_level(logging.DEBUG, logger="airflow_provider_tiktok.testing.emulator.server"):
        api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/oauth2/advertiser/get/" in text
    assert emu.app_secret not in text


def test_a_busy_port_raises_the_oserror():
    import pytest

    from airflow_provider_tiktok.testing import TikTokEmulator

    with TikTokEmulator() as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        with pytest.raises(OSError, match=r"in use|Address already"):
            TikTokEmulator(port=port, host="127.0.0.1").start()
