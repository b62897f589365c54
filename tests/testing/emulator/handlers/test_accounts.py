"""Accounts API on the business host: tt_user OAuth, token_info, /business/get/."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import requests

REDIRECT = "https://example.com/tiktok/callback"


def _code(emu, scope="user.info.basic,user.insights"):
    r = requests.get(
        emu.base_url + "/v2/auth/authorize/",
        params={
            "client_key": emu.config.accounts_app_id,
            "scope": scope,
            "redirect_uri": REDIRECT,
            "state": "st-1",
            "response_type": "code",
        },
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["Location"]).query)
    assert q["state"] == ["st-1"]
    assert q["scopes"] == [scope]
    return q["code"][0]


def _creds(emu):
    return {"client_id": emu.config.accounts_app_id, "client_secret": emu.config.accounts_app_secret}


def _exchange(api, code):
    body = dict(_creds(api.emu), grant_type="authorization_code", auth_code=code, redirect_uri=REDIRECT)
    return api.post("/tt_user/oauth2/token/", body, token="").json()


def test_token_exchange_shape(api):
    r = _exchange(api, _code(api.emu))
    assert r["code"] == 0
    d = r["data"]
    assert set(d) == {
        "access_token",
        "token_type",
        "scope",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
        "open_id",
    }
    assert d["token_type"] == "Bearer"
    assert d["scope"] == "user.info.basic,user.insights"
    assert d["expires_in"] == 86400
    assert d["refresh_token_expires_in"] == 31536000
    assert d["open_id"] == api.emu.accounts_tokens["open_id"]


def test_code_single_use_redirect_and_grant_checks(api):
    emu = api.emu
    code = _code(emu)
    assert _exchange(api, code)["code"] == 0
    assert _exchange(api, code)["code"] == 40110
    body = dict(_creds(emu), grant_type="authorization_code", auth_code=_code(emu), redirect_uri="https://evil/")
    assert api.post("/tt_user/oauth2/token/", body, token="").json()["code"] == 40110
    body = dict(_creds(emu), grant_type="password", auth_code=_code(emu), redirect_uri=REDIRECT)
    assert api.post("/tt_user/oauth2/token/", body, token="").json()["code"] == 40108
    body = dict(
        _creds(emu), client_secret="x", grant_type="authorization_code", auth_code=_code(emu), redirect_uri=REDIRECT
    )
    assert api.post("/tt_user/oauth2/token/", body, token="").json()["code"] == 40101


def test_refresh_rotation_and_expiry(api):
    emu = api.emu
    first = _exchange(api, _code(emu))["data"]
    body = dict(_creds(emu), grant_type="refresh_token", refresh_token=first["refresh_token"])
    second = api.post("/tt_user/oauth2/refresh_token/", body, token="").json()
    assert second["code"] == 0
    assert second["data"]["refresh_token"] != first["refresh_token"]
    assert second["data"]["access_token"] != first["access_token"]
    # the used refresh token stops working
    assert api.post("/tt_user/oauth2/refresh_token/", body, token="").json()["code"] == 40107
    emu.advance_clock(1000)
    third_body = dict(body, refresh_token=second["data"]["refresh_token"])
    third = api.post("/tt_user/oauth2/refresh_token/", third_body, token="").json()["data"]
    assert third["refresh_token_expires_in"] == 31536000 - 1000  # remaining, not reset
    emu.advance_clock(31536000)
    expired = api.post("/tt_user/oauth2/refresh_token/", dict(body, refresh_token=third["refresh_token"]), token="")
    assert expired.json()["code"] == 40103


def test_refresh_without_rotation(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(rotate_refresh_tokens=False)
    api = api_for(emu, "")
    refresh = emu.accounts_tokens["refresh_token"]
    body = dict(_creds(emu), grant_type="refresh_token", refresh_token=refresh)
    for _ in range(2):
        d = api.post("/tt_user/oauth2/refresh_token/", body).json()["data"]
        assert d["refresh_token"] == refresh


def test_revoke_and_token_info(api, api_for):
    emu = api.emu
    tokens = emu.accounts_tokens
    info = api.post(
        "/tt_user/token_info/get/",
        {"app_id": emu.config.accounts_app_id, "access_token": tokens["access_token"]},
        token="",
    ).json()
    assert info["code"] == 0
    assert info["data"]["app_id"] == emu.config.accounts_app_id
    assert info["data"]["creator_id"] == tokens["open_id"]
    assert "user.info.basic" in info["data"]["scope"]
    rev = api.post("/tt_user/oauth2/revoke/", dict(_creds(emu), access_token=tokens["access_token"]), token="").json()
    assert rev == {"code": 0, "message": "OK", "request_id": rev["request_id"], "data": {}}
    acc = api_for(emu, tokens["access_token"])
    assert acc.get("/business/get/", business_id=tokens["open_id"]).json()["code"] == 40105
    body = dict(_creds(emu), grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert api.post("/tt_user/oauth2/refresh_token/", body, token="").json()["code"] == 40107


def test_business_get(tiktok_emulator, api_for):
    emu = tiktok_emulator
    tokens = emu.accounts_tokens
    acc = api_for(emu, tokens["access_token"])
    today = dt.datetime.now(dt.timezone.utc).date()
    start, end = (today - dt.timedelta(days=5)).isoformat(), (today - dt.timedelta(days=1)).isoformat()
    fields = ["display_name", "followers_count", "video_views", "likes", "comments", "shares", "profile_views"]
    r = acc.get("/business/get/", business_id=tokens["open_id"], start_date=start, end_date=end, fields=fields).json()
    assert r["code"] == 0
    d = r["data"]
    assert d["display_name"] == "Emulator Business"
    assert isinstance(d["followers_count"], int)
    assert d["metrics"][0]["date"] == start
    assert len(d["metrics"]) == 5
    assert {"video_views", "likes", "comments", "shares", "profile_views", "followers_count"} <= set(d["metrics"][0])
    again = acc.get(
        "/business/get/", business_id=tokens["open_id"], start_date=start, end_date=end, fields=fields
    ).json()
    assert again["data"] == d
    default = acc.get("/business/get/", business_id=tokens["open_id"]).json()["data"]
    assert set(default) == {"display_name", "profile_image"}


def test_business_get_errors(tiktok_emulator, api_for):
    emu = tiktok_emulator
    tokens = emu.accounts_tokens
    acc = api_for(emu, tokens["access_token"])
    assert acc.get("/business/get/", business_id="someone-else").json()["code"] == 40001
    old = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=70)).isoformat()
    assert acc.get("/business/get/", business_id=tokens["open_id"], start_date=old).json()["code"] == 40002
    assert acc.get("/business/get/", business_id=tokens["open_id"], fields=["nope"]).json()["code"] == 40002
    marketing = api_for(emu)
    assert marketing.get("/business/get/", business_id=tokens["open_id"]).json()["code"] == 40001
