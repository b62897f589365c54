"""Login Kit v2: authorize redirect, /v2/oauth/token/ grants incl. PKCE, errors, revoke."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

REDIRECT = "http://127.0.0.1:5555/callback"


def _authorize(emu, **extra):
    params = {
        "client_key": emu.config.login_kit_client_key,
        "scope": "user.info.basic",
        "redirect_uri": REDIRECT,
        "state": "abc",
        "response_type": "code",
        **extra,
    }
    r = requests.get(emu.base_url + "/v2/auth/authorize/", params=params, allow_redirects=False, timeout=5)
    assert r.status_code == 302
    return parse_qs(urlsplit(r.headers["Location"]).query)


def _token(emu, **form):
    base = {"client_key": emu.config.login_kit_client_key, "client_secret": emu.config.login_kit_client_secret}
    return requests.post(emu.base_url + "/v2/oauth/token/", data={**base, **form}, timeout=5)


def test_authorize_unknown_client_redirects_with_error(tiktok_emulator):
    q = _authorize(tiktok_emulator, client_key="unknown")
    assert q["error"] == ["invalid_client"]
    assert q["state"] == ["abc"]
    assert "error_description" in q


def test_authorization_code_grant(tiktok_emulator):
    emu = tiktok_emulator
    q = _authorize(emu)
    r = _token(emu, grant_type="authorization_code", code=q["code"][0], redirect_uri=REDIRECT)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {
        "access_token",
        "expires_in",
        "open_id",
        "refresh_token",
        "refresh_expires_in",
        "scope",
        "token_type",
    }
    assert body["access_token"].startswith("act.")
    assert body["refresh_token"].startswith("rft.")
    assert body["expires_in"] == 86400 and body["refresh_expires_in"] == 31536000
    assert body["token_type"] == "Bearer" and body["scope"] == "user.info.basic"
    again = _token(emu, grant_type="authorization_code", code=q["code"][0], redirect_uri=REDIRECT)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_pkce_success_and_failure(tiktok_emulator):
    emu = tiktok_emulator
    verifier = "v" * 43 + "-._~"
    challenge = hashlib.sha256(verifier.encode()).hexdigest()  # TikTok: hex, not base64url
    q = _authorize(emu, code_challenge=challenge, code_challenge_method="S256")
    ok = _token(emu, grant_type="authorization_code", code=q["code"][0], redirect_uri=REDIRECT, code_verifier=verifier)
    assert ok.status_code == 200 and ok.json()["access_token"].startswith("act.")
    q = _authorize(emu, code_challenge=challenge, code_challenge_method="S256")
    bad = _token(emu, grant_type="authorization_code", code=q["code"][0], redirect_uri=REDIRECT, code_verifier="x" * 43)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    q = _authorize(emu, code_challenge=challenge, code_challenge_method="S256")
    missing = _token(emu, grant_type="authorization_code", code=q["code"][0], redirect_uri=REDIRECT)
    assert missing.json()["error"] == "invalid_grant"


def test_refresh_rotation(tiktok_emulator):
    emu = tiktok_emulator
    old = emu.login_kit_tokens["refresh_token"]
    r = _token(emu, grant_type="refresh_token", refresh_token=old).json()
    assert r["refresh_token"].startswith("rft.") and r["refresh_token"] != old
    assert _token(emu, grant_type="refresh_token", refresh_token=old).json()["error"] == "invalid_grant"


def test_client_credentials(tiktok_emulator):
    body = _token(tiktok_emulator, grant_type="client_credentials").json()
    assert body["access_token"].startswith("clt.")
    assert body["expires_in"] == 7200
    assert body["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "redirect_uri": REDIRECT}, "invalid_request"),
        ({"grant_type": "client_credentials", "client_secret": "wrong"}, "invalid_client"),
        ({"grant_type": "refresh_token", "refresh_token": "rft.nope"}, "invalid_grant"),
    ],
)
def test_error_body(tiktok_emulator, form, error):
    r = _token(tiktok_emulator, **form)
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"error", "error_description", "log_id"}
    assert body["error"] == error


def test_revoke(tiktok_emulator):
    emu = tiktok_emulator
    r = requests.post(
        emu.base_url + "/v2/oauth/revoke/",
        data={
            "client_key": emu.config.login_kit_client_key,
            "client_secret": emu.config.login_kit_client_secret,
            "token": emu.login_kit_tokens["access_token"],
        },
        timeout=5,
    )
    assert r.status_code == 200 and r.content == b""
    refreshed = _token(emu, grant_type="refresh_token", refresh_token=emu.login_kit_tokens["refresh_token"])
    assert refreshed.json()["error"] == "invalid_grant"


def _user_info(emu, token, fields="open_id,display_name"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(emu.base_url + "/v2/user/info/", params={"fields": fields}, headers=headers, timeout=5)


def test_user_info_answers_the_token_owner(tiktok_emulator):
    emu = tiktok_emulator
    r = _user_info(emu, emu.login_kit_tokens["access_token"])
    assert r.status_code == 200
    body = r.json()
    assert body["error"]["code"] == "ok" and body["error"]["log_id"]
    assert body["data"]["user"] == {"open_id": emu.config.login_kit_open_id,
                                    "display_name": emu.config.login_kit_display_name}


@pytest.mark.parametrize(("token", "fields", "status", "code"), [
    (None, "open_id", 401, "access_token_invalid"),
    ("act.bogus", "open_id", 401, "access_token_invalid"),
    ("VALID", "open_id,phone_number", 400, "invalid_params"),
])
def test_user_info_errors(tiktok_emulator, token, fields, status, code):
    emu = tiktok_emulator
    r = _user_info(emu, emu.login_kit_tokens["access_token"] if token == "VALID" else token, fields)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and r.json()["data"] == {}


def test_user_info_refuses_a_revoked_token(tiktok_emulator):
    emu = tiktok_emulator
    token = emu.login_kit_tokens["access_token"]
    requests.post(emu.base_url + "/v2/oauth/revoke/", timeout=5, data={
        "client_key": emu.config.login_kit_client_key, "client_secret": emu.config.login_kit_client_secret,
        "token": token})
    assert _user_info(emu, token).json()["error"]["code"] == "access_token_invalid"
