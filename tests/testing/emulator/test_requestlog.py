"""Request log redaction, counters, reset."""

from __future__ import annotations

import json

import requests


def test_redaction_and_counters(api):
    emu = api.emu
    code = emu.issue_auth_code("marketing")
    api.post("/oauth2/access_token/", {"app_id": emu.app_id, "secret": emu.app_secret, "auth_code": code})
    api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret)
    requests.post(
        emu.base_url + "/v2/oauth/token/",
        data={"client_key": "k", "client_secret": "s3cr3t", "grant_type": "refresh_token", "refresh_token": "rft.x"},
        timeout=5,
    )
    log = emu.requests
    dumped = json.dumps(log)
    for secret in (emu.app_secret, code, emu.access_token, "s3cr3t", "rft.x"):
        assert secret not in dumped
    assert log[0]["path"] == "/oauth2/access_token/"
    assert log[0]["method"] == "POST"
    assert log[0]["body"] == {"app_id": emu.app_id, "secret": "***", "auth_code": "***"}
    assert log[1]["query"]["secret"] == "***"
    assert log[2]["path"] == "/v2/oauth/token/"
    assert emu.counters == {"/oauth2/access_token/": 1, "/oauth2/advertiser/get/": 1, "/v2/oauth/token/": 1}
    emu.reset_log()
    assert emu.requests == [] and emu.counters == {}
