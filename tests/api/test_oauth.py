"""OAuth flows of the three families against the emulator: authorize redirect -> callback -> token ->
refresh -> revoke, over real loopback HTTP."""

from __future__ import annotations

import pickle

import pytest
import requests

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.call import BaseUrls
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import (
    TikTokAuthError,
    TikTokOAuthError,
    TikTokRefreshTokenError,
    TikTokTokenExpiredError,
    TikTokValidationError,
)
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.oauth.flow import OAuthStateMismatchError, Pkce, challenge_for

REDIRECT = "http://127.0.0.1:8799/callback"
NO_RETRY = RetryPolicy(max_attempts=1)


def _creds(emu, family):
    cfg = emu.config
    return {"marketing": (cfg.app_id, cfg.app_secret),
            "accounts": (cfg.accounts_app_id, cfg.accounts_app_secret),
            "login_kit": (cfg.login_kit_client_key, cfg.login_kit_client_secret)}[family]


def _browser(url: str) -> str:
    """Follow the authorize page like a browser that approves; return the redirect target."""
    response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def _client(emu, family):
    app_id, secret = _creds(emu, family)
    return TikTokClient(app_id=app_id, app_secret=secret, base_url=emu.base_url, retry=NO_RETRY)


@pytest.mark.parametrize("family", ["accounts", "login_kit"])
def test_refreshable_flow_end_to_end(tiktok_emulator, family):
    emu = tiktok_emulator
    app_id, secret = _creds(emu, family)
    urls = BaseUrls.resolve(override=emu.base_url)
    request = oauth.start_authorization(family, urls, app_id, REDIRECT, scope="user.info.basic")
    assert request.url.startswith(emu.base_url + "/v2/auth/authorize/?")
    if family == "login_kit":
        assert "code_challenge_method=S256" in request.url and request.pkce is not None
        assert request.pkce.challenge in request.url and request.pkce.verifier not in request.url
    callback = oauth.parse_callback(_browser(request.url), request.state)
    with _client(emu, family) as client:
        tokens = client.call(oauth.exchange_code(request, app_id, secret, callback.code))
        assert tokens.refresh_token and tokens.expires_at and tokens.refresh_expires_at
        assert tokens.access_token not in repr(tokens)
        refreshed = client.call(oauth.refresh_tokens(family, app_id, secret, tokens.refresh_token))
        assert refreshed.access_token != tokens.access_token
        assert refreshed.refresh_token != tokens.refresh_token  # the emulator rotates refresh tokens
        with pytest.raises((TikTokRefreshTokenError, TikTokOAuthError)) as used:
            client.call(oauth.refresh_tokens(family, app_id, secret, tokens.refresh_token))
        assert oauth.is_refresh_token_rejection(used.value)
        client.call(oauth.revoke(family, app_id, secret, refreshed.access_token))
        with pytest.raises((TikTokRefreshTokenError, TikTokOAuthError)) as revoked:
            client.call(oauth.refresh_tokens(family, app_id, secret, refreshed.refresh_token))
        assert oauth.is_refresh_token_rejection(revoked.value)
        for secret_value in (secret, tokens.access_token, refreshed.refresh_token):
            assert secret_value not in str(revoked.value)


def test_accounts_token_info_and_open_id(tiktok_emulator):
    emu = tiktok_emulator
    app_id, secret = _creds(emu, "accounts")
    request = oauth.start_authorization("accounts", BaseUrls.resolve(override=emu.base_url), app_id, REDIRECT)
    code = oauth.parse_callback(_browser(request.url), request.state).code
    with _client(emu, "accounts") as client:
        tokens = client.call(oauth.exchange_code(request, app_id, secret, code))
        assert tokens.open_id == emu.config.accounts_open_id
        info = client.call(oauth.accounts_token_info(app_id, tokens.access_token))
        assert info["creator_id"] == tokens.open_id
        emu.advance_clock(86400 + 1)
        with pytest.raises(TikTokTokenExpiredError):
            client.call(oauth.accounts_token_info(app_id, tokens.access_token))


def test_marketing_flow_end_to_end(tiktok_emulator):
    emu = tiktok_emulator
    urls = BaseUrls.resolve(override=emu.base_url)
    request = oauth.start_authorization("marketing", urls, emu.app_id, REDIRECT)
    assert request.url.startswith(emu.base_url + "/portal/auth?app_id=")
    callback = oauth.parse_callback(_browser(request.url), request.state)
    with _client(emu, "marketing") as client:
        tokens = client.call(oauth.exchange_code(request, emu.app_id, emu.app_secret, callback.code))
        assert tokens.refresh_token is None and tokens.expires_at is None  # long-term token
        assert list(tokens.advertiser_ids) == emu.advertiser_ids
        with pytest.raises(TikTokAuthError) as reused:  # auth codes are single-use
            client.call(oauth.exchange_code(request, emu.app_id, emu.app_secret, callback.code))
        assert reused.value.code == 40110 and "start the login again" in oauth.auth_advice(reused.value)
        revoked = client.call(oauth.revoke("marketing", emu.app_id, emu.app_secret, tokens.access_token))
        assert revoked["advertiser_ids"] == emu.advertiser_ids
        with pytest.raises(TikTokAuthError) as again:
            client.call(oauth.revoke("marketing", emu.app_id, emu.app_secret, tokens.access_token))
    advice = oauth.auth_advice(again.value, "tiktok_ads", "marketing")
    assert "never expire" in advice and "airflow-tiktok auth login --conn-id tiktok_ads --family marketing" in advice
    with pytest.raises(TikTokValidationError, match="do not expire"):
        oauth.refresh_tokens("marketing", emu.app_id, emu.app_secret, "x")


def test_state_mismatch_is_rejected(tiktok_emulator):
    emu = tiktok_emulator
    request = oauth.start_authorization("accounts", BaseUrls.resolve(override=emu.base_url),
                                        emu.config.accounts_app_id, REDIRECT)
    forged = oauth.start_authorization("accounts", BaseUrls.resolve(override=emu.base_url),
                                       emu.config.accounts_app_id, REDIRECT)
    assert forged.state != request.state and len(request.state) >= 40
    with pytest.raises(OAuthStateMismatchError, match="CSRF"):
        oauth.parse_callback(_browser(forged.url), request.state)
    with pytest.raises(OAuthStateMismatchError):
        oauth.parse_callback(REDIRECT + "?code=abc", request.state)


def test_pkce_is_verified_by_the_emulator(tiktok_emulator):
    emu = tiktok_emulator
    key, secret = _creds(emu, "login_kit")
    request = oauth.start_authorization("login_kit", BaseUrls.resolve(override=emu.base_url), key, REDIRECT)
    code = oauth.parse_callback(_browser(request.url), request.state).code
    wrong = oauth.login_kit_token(key, secret, code, REDIRECT, Pkce.generate().verifier)
    with _client(emu, "login_kit") as client, pytest.raises(TikTokOAuthError) as exc:
        client.call(wrong)
    assert exc.value.error == "invalid_grant" and "re-authorize" in oauth.auth_advice(exc.value)


def test_pkce_pair_is_hex_sha256_within_rfc_limits():
    pair = Pkce.generate()
    assert 43 <= len(pair.verifier) <= 128 and pair.challenge == challenge_for(pair.verifier)
    assert len(pair.challenge) == 64 and int(pair.challenge, 16) >= 0
    assert pair.verifier not in repr(pair)
    assert Pkce.generate().verifier != pair.verifier
    with pytest.raises(TikTokValidationError):
        Pkce.generate(20)


def test_callback_error_and_pasted_forms():
    state = oauth.new_state()
    with pytest.raises(TikTokOAuthError) as exc:
        oauth.parse_callback(f"{REDIRECT}?error=access_denied&error_description=nope&state={state}", state)
    assert "declined" in oauth.auth_advice(exc.value)
    assert oauth.parse_callback(f"?auth_code=A1&code=A1&state={state}", state).code == "A1"
    assert oauth.parse_callback({"code": ["C2"], "state": [state]}, state).code == "C2"
    with pytest.raises(TikTokValidationError, match="no code"):
        oauth.parse_callback(f"{REDIRECT}?state={state}", state)


def test_validation_before_any_http_call():
    urls = BaseUrls.resolve()
    assert urls.marketing_authorize.startswith("https://business-api.tiktok.com/portal/auth")
    with pytest.raises(TikTokValidationError, match="redirect_uri"):
        oauth.marketing_authorize_url(urls, "1", "", "s")
    with pytest.raises(TikTokValidationError, match="client_secret"):
        oauth.accounts_refresh("1", None, "r")
    with pytest.raises(TikTokValidationError, match="family"):
        oauth.start_authorization("ads", urls, "1", REDIRECT)


def test_reauthorization_error_names_cli_and_survives_pickle():
    err = oauth.reauthorization_error("tt_accounts", "accounts", "the refresh token expired",
                                      TikTokRefreshTokenError("expired", code=40103), app_id="123")
    text = str(err)
    assert "airflow-tiktok auth login --conn-id tt_accounts --family accounts --app-id 123" in text
    assert text.count("re-authorize") <= 1 and err.code == 40103
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err) and str(clone) == text


def test_every_auth_code_has_advice():
    from airflow_provider_tiktok.api.core.errors import AUTH_CODES

    assert AUTH_CODES <= set(oauth.AUTH_ADVICE)
