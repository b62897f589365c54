"""Marketing OAuth (/portal/auth, /oauth2/*) and /advertiser/info/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests


def _authorize(emu, state="xyz"):
    r = requests.get(
        emu.base_url + "/portal/auth",
        params={"app_id": emu.app_id, "redirect_uri": "http://localhost:8080/cb", "state": state},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 302
    loc = urlsplit(r.headers["Location"])
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == "http://localhost:8080/cb"
    return parse_qs(loc.query)


def test_portal_auth_redirect_carries_auth_code_code_and_state(tiktok_emulator):
    q = _authorize(tiktok_emulator, state="s-123")
    assert q["state"] == ["s-123"]
    assert q["auth_code"] == q["code"]


def test_portal_auth_unknown_app(tiktok_emulator):
    r = requests.get(
        tiktok_emulator.base_url + "/portal/auth",
        params={"app_id": "1", "redirect_uri": "http://localhost/cb"},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 400


def test_access_token_exchange_single_use(tiktok_emulator, api_for):
    emu = tiktok_emulator
    code = _authorize(emu)["auth_code"][0]
    api = api_for(emu, "")
    body = {"app_id": emu.app_id, "secret": emu.app_secret, "auth_code": code}
    data = api.post("/oauth2/access_token/", body).json()
    assert data["code"] == 0
    d = data["data"]
    assert d["advertiser_ids"] == emu.advertiser_ids
    assert all(isinstance(a, str) for a in d["advertiser_ids"])
    assert d["scope"] == [1, 2, 3, 4]
    assert d["access_token"] != emu.access_token
    assert api.post("/oauth2/access_token/", body).json()["code"] == 40110  # single-use
    # The new token works (marketing tokens never expire).
    emu.advance_clock(10 * 365 * 86400)
    new = api_for(emu, d["access_token"])
    assert new.get("/advertiser/info/", advertiser_ids=emu.advertiser_ids[:1]).json()["code"] == 0


def test_access_token_bad_secret_and_expired_code(tiktok_emulator, api_for):
    emu = tiktok_emulator
    api = api_for(emu, "")
    code = emu.issue_auth_code("marketing")
    bad = api.post("/oauth2/access_token/", {"app_id": emu.app_id, "secret": "nope", "auth_code": code}).json()
    assert bad["code"] == 40101
    emu.advance_clock(601)
    good = {"app_id": emu.app_id, "secret": emu.app_secret, "auth_code": code}
    assert api.post("/oauth2/access_token/", good).json()["code"] == 40110
    assert api.post("/oauth2/access_token/", dict(good, auth_code="unknown")).json()["code"] == 40110


def test_advertiser_get_and_revoke(api):
    emu = api.emu
    r = api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret).json()
    assert r["code"] == 0
    assert [a["advertiser_id"] for a in r["data"]["list"]] == emu.advertiser_ids
    assert {"advertiser_id", "advertiser_name"} <= set(r["data"]["list"][0])
    assert api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret="x").json()["code"] == 40101
    rev = api.post(
        "/oauth2/revoke_token/", {"app_id": emu.app_id, "secret": emu.app_secret, "access_token": emu.access_token}
    ).json()
    assert rev["code"] == 0
    assert rev["data"] == {"app_id": emu.app_id, "advertiser_ids": emu.advertiser_ids}
    assert api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret).json()["code"] == 40105


def test_advertiser_info_timezones(api):
    r = api.get("/advertiser/info/", advertiser_ids=api.emu.advertiser_ids).json()
    assert r["code"] == 0
    tz = {a["advertiser_id"]: a["timezone"] for a in r["data"]["list"]}
    assert sorted(tz.values()) == ["America/Los_Angeles", "Asia/Tokyo", "UTC"]
    item = r["data"]["list"][0]
    assert {"name", "currency", "display_timezone"} <= set(item)
    only = api.get("/advertiser/info/", advertiser_ids=api.emu.advertiser_ids[:1], fields=["timezone"]).json()
    assert only["data"]["list"] == [{"timezone": "Asia/Tokyo"}]


def test_advertiser_info_no_permission(api):
    r = api.get("/advertiser/info/", advertiser_ids=["7100000000000000099"]).json()
    assert r["code"] == 40001
    assert r["message"] == "No permission to operate advertiser 7100000000000000099"
