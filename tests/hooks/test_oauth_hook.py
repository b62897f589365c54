"""``TikTokOAuthHookMixin`` against the emulator: authorize, refresh, revoke, token info, whoami, and the
connection lookup / save that work outside a task through Airflow's CLI.

Token pairs go to an in-memory store (``hook.token_store``) unless a test is about the Airflow Variable.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import requests

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.oauth.flow import OAuthStateMismatchError
from airflow_provider_tiktok.connection import TikTokConnectionConfig
from airflow_provider_tiktok.hooks import oauth as oauth_hook
from airflow_provider_tiktok.hooks.oauth import INTERACTIVE_RETRY, INTERACTIVE_ROTATION_WAIT, TikTokOAuthHookMixin
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.hooks.tokens import AirflowVariableBackend, StoredTokens, token_manager, variable_key

#: TikTokHook mixes TikTokOAuthHookMixin in; until it does, a throw-away subclass stands in.
Hook = TikTokHook if issubclass(TikTokHook, TikTokOAuthHookMixin) else type(
    "Hook", (TikTokOAuthHookMixin, TikTokHook), {})
NO_RETRY = RetryPolicy(max_attempts=1)
REFRESH = {"accounts": "/tt_user/oauth2/refresh_token/", "login_kit": "/v2/oauth/token/"}
REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the "browser" stops at the redirect


class MemoryStore(dict):  # type: ignore[type-arg]
    """A token store: ``get`` from dict, plus ``set``."""

    def set(self, key: str, value: str) -> None:
        self[key] = value


def _creds(emu, family):
    cfg = emu.config
    return {"marketing": (cfg.app_id, cfg.app_secret), "accounts": (cfg.accounts_app_id, cfg.accounts_app_secret),
            "login_kit": (cfg.login_kit_client_key, cfg.login_kit_client_secret)}[family]


def _hook(emu, family, conn_id="tt_oauth", store=None):
    conn = emu.connection_dict(conn_id, family)
    config = TikTokConnectionConfig.from_fields(conn_id, conn["login"], conn["password"], conn["extra"])
    hook = Hook.from_config(config, retry=NO_RETRY)
    hook.token_store = MemoryStore() if store is None else store
    hook.token_rotation_wait = 0.2  # a rejected refresh token fails fast here
    return hook


def _approve(request) -> str:
    """What the browser is sent back to after the user approves (the emulator approves at once)."""
    response = requests.get(request.url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("family", ["marketing", "accounts", "login_kit"])
def test_login_flow_before_any_connection_exists(tiktok_emulator, family):
    emu = tiktok_emulator
    app_id, secret = _creds(emu, family)
    hook = Hook.for_login(family, app_id, secret, conn_id="tt_new", base_url=emu.base_url, interactive=True)
    assert hook.config.api_family == family and hook.tiktok_conn_id == "tt_new" and hook.retry is INTERACTIVE_RETRY
    request = hook.start_authorization(REDIRECT, pkce=True)
    assert request.url.startswith(emu.base_url) and (request.pkce is not None) == (family == "login_kit")
    tokens = hook.exchange_code(request, _approve(request))
    assert tokens.access_token and (tokens.refresh_token is not None) == (family != "marketing")
    if family == "marketing":
        assert list(tokens.advertiser_ids) == emu.advertiser_ids
    if family == "accounts":
        assert tokens.open_id == emu.config.accounts_open_id


def test_forged_state_is_refused_before_the_token_request(tiktok_emulator):
    emu = tiktok_emulator
    hook = Hook.for_login("accounts", *_creds(emu, "accounts"), base_url=emu.base_url)
    request = hook.start_authorization(REDIRECT)
    redirect = _approve(request).replace(f"state={request.state}", "state=forged")
    with pytest.raises(OAuthStateMismatchError):
        hook.exchange_code(request, redirect)
    assert emu.count("/tt_user/oauth2/token/") == 0


@pytest.mark.parametrize("family", ["accounts", "login_kit"])
def test_refresh_tokens_stores_the_rotated_pair_for_the_next_hook(tiktok_emulator, family):
    emu, store = tiktok_emulator, MemoryStore()
    seed = emu.accounts_tokens if family == "accounts" else emu.login_kit_tokens
    hook = _hook(emu, family, store=store)
    assert hook.stored_tokens().access_token == seed["access_token"]  # nothing stored yet: the connection's
    fresh = hook.refresh_tokens(force=True)
    assert fresh.refresh_token != seed["refresh_token"] and fresh.expires_at
    assert json.loads(store[variable_key("tt_oauth")])["access_token"] == fresh.access_token
    calls = emu.count(REFRESH[family])
    later = _hook(emu, family, store=store)  # the next run
    assert later.stored_tokens() == fresh
    assert later.refresh_tokens(force=False) == fresh  # far from expiry: no refresh
    assert emu.count(REFRESH[family]) == calls
    assert later.get_conn().access_token == fresh.access_token  # the client sends the stored pair


def test_marketing_tokens_cannot_be_refreshed(tiktok_emulator):
    hook = _hook(tiktok_emulator, "marketing")
    with pytest.raises(TikTokValidationError, match="do not expire") as exc:
        hook.refresh_tokens()
    assert "airflow-tiktok auth login --conn-id tt_oauth --family marketing" in str(exc.value)
    assert hook.stored_tokens() == StoredTokens(tiktok_emulator.connection_dict()["extra"]["access_token"])


def test_token_info_refreshes_once_when_tiktok_says_expired(tiktok_emulator):
    emu = tiktok_emulator
    hook = _hook(emu, "accounts")
    info = hook.token_info()
    assert info["creator_id"] == emu.config.accounts_open_id and info["scope"]
    assert emu.count(REFRESH["accounts"]) == 0
    emu.advance_clock(86400 + 5)  # the connection's token (expiry unknown to the hook) has expired: 40102
    assert hook.token_info()["creator_id"] == emu.config.accounts_open_id
    assert emu.count(REFRESH["accounts"]) == 1
    with pytest.raises(TikTokValidationError, match="needs an 'accounts' connection"):
        _hook(emu, "login_kit").token_info()


@pytest.mark.parametrize("family", ["marketing", "accounts", "login_kit"])
def test_whoami(tiktok_emulator, family):
    emu = tiktok_emulator
    hook = _hook(emu, family)
    if family != "marketing":
        hook.refresh_tokens()  # so the expiry is known
    info = hook.whoami()
    assert info["conn_id"] == "tt_oauth" and info["api_family"] == family and info["app_id"] == _creds(emu, family)[0]
    if family == "marketing":
        assert [a["advertiser_id"] for a in info["advertisers"]] == emu.advertiser_ids
        assert all(a["advertiser_name"] for a in info["advertisers"])
        return
    assert info["refresh_expires_at"] > info["expires_at"] > 0
    if family == "accounts":
        assert info["open_id"] == emu.config.accounts_open_id and info["scope"]
    else:
        assert info["client_valid"] is True
        assert info["open_id"] == emu.config.login_kit_open_id
        assert info["display_name"] == emu.config.login_kit_display_name


@pytest.mark.parametrize("family", ["marketing", "accounts", "login_kit"])
def test_revoke_tokens_revokes_the_pair_in_use(tiktok_emulator, family):
    emu = tiktok_emulator
    hook = _hook(emu, family)
    if family != "marketing":
        hook.refresh_tokens()  # the stored pair, not the connection's, is the one in use
    lost = hook.revoke_tokens()
    assert lost == (emu.advertiser_ids if family == "marketing" else [])
    with pytest.raises(Exception, match=r"4010[57]|invalid_grant|[Rr]e-authorize"):
        hook.whoami() if family != "login_kit" else hook.refresh_tokens()


def test_hook_options_reach_the_token_manager(tiktok_emulator):
    hook = _hook(tiktok_emulator, "accounts")
    manager = token_manager(hook, hook.config)
    assert manager.backend is hook.token_store and token_manager(hook, hook.config) is manager
    interactive = Hook.from_config(hook.config, interactive=True)
    assert token_manager(interactive, interactive.config).rotation_wait == INTERACTIVE_ROTATION_WAIT
    assert isinstance(token_manager(Hook.from_config(hook.config), hook.config).backend, AirflowVariableBackend)


def test_from_airflow_uses_the_task_sdk_lookup_first(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    monkeypatch.setenv("AIRFLOW_CONN_TT_ENV", emu.connection_json("tt_env", "accounts"))
    monkeypatch.setattr(oauth_hook, "run_airflow", lambda *a, **k: pytest.fail("the airflow CLI was run"))
    hook = Hook.from_airflow("tt_env")
    assert hook.config.api_family == "accounts" and hook.config.app_id == emu.config.accounts_app_id


def test_from_airflow_reports_an_unknown_connection(monkeypatch):
    done = subprocess.CompletedProcess([], 1, "", "Connection not found.")
    monkeypatch.setattr(oauth_hook, "run_airflow", lambda *a, **k: done)
    with pytest.raises(TikTokValidationError, match="'tt_nowhere' not found in Airflow"):
        Hook.from_airflow("tt_nowhere")


def test_connection_of_another_type_is_refused():
    with pytest.raises(TikTokValidationError, match="has type 'http'"):
        oauth_hook.config_from_airflow("tt_http", {"conn_type": "http", "login": "1", "extra_dejson": {}})


def test_save_to_airflow_then_find_it_outside_a_task(tiktok_emulator, airflow_db):
    """The metadata DB path: ``airflow connections import`` / ``get`` and the token Variable (no task)."""
    from airflow.models import Variable  # the test reads the DB directly, as an independent check

    emu = tiktok_emulator
    hook = Hook.for_login("login_kit", *_creds(emu, "login_kit"), conn_id="tt_saved", base_url=emu.base_url)
    request = hook.start_authorization(REDIRECT)
    tokens = hook.exchange_code(request, _approve(request))
    conn = {"conn_type": "tiktok", "login": hook.config.app_id, "password": hook.config.app_secret,
            "extra": {"api_family": "login_kit", "access_token": tokens.access_token,
                      "refresh_token": tokens.refresh_token, "base_url": emu.base_url}}
    hook.save_to_airflow(conn, tokens)
    stored = StoredTokens.from_json(Variable.get(variable_key("tt_saved")))
    assert stored == StoredTokens.issued(tokens, now=stored.updated_at)
    found = Hook.from_airflow("tt_saved")  # not in the environment: only `airflow connections get` sees it
    assert found.config.refresh_token == tokens.refresh_token and found.config.app_secret == hook.config.app_secret
    assert found.stored_tokens() == stored  # read back with `airflow variables get`
