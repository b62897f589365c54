"""TikTokHook over the emulator: connection parsing, clients, test_connection."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.hooks.tiktok import TikTokHook


def _set_conn(monkeypatch, emu, family="marketing", conn_id="tiktok_default", **overrides):
    conn = emu.connection_dict(conn_id, family)
    conn.update(overrides)
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))


def test_hook_reads_connection_and_calls_tiktok(tiktok_connection):
    hook = TikTokHook()
    assert hook.config.base_url == tiktok_connection.base_url
    assert [a.advertiser_id for a in hook.get_authorized_advertisers()] == tiktok_connection.advertiser_ids
    assert hook.get_conn() is hook.get_conn()  # one pooled client per hook
    assert hook.resolve_advertiser_ids() == tiktok_connection.advertiser_ids
    assert hook.resolve_advertiser_ids("42") == ["42"]


def test_test_connection_marketing(tiktok_connection):
    ok, message = TikTokHook().test_connection()
    assert ok and "3 advertiser" in message


def test_test_connection_reports_auth_failure_without_secret(tiktok_emulator, monkeypatch):
    _set_conn(monkeypatch, tiktok_emulator)
    tiktok_emulator.inject("/oauth2/advertiser/get/", {1: "40105"})
    ok, message = TikTokHook().test_connection()
    assert not ok and "40105" in message and "re-authorize" in message
    assert tiktok_emulator.access_token not in message and tiktok_emulator.app_secret not in message


@pytest.mark.parametrize("family", ["accounts", "login_kit"])
def test_test_connection_other_families(tiktok_emulator, monkeypatch, family):
    _set_conn(monkeypatch, tiktok_emulator, family)
    ok, message = TikTokHook().test_connection()
    assert ok, message


def test_wrong_connection_type_is_a_clear_error(tiktok_emulator, monkeypatch):
    _set_conn(monkeypatch, tiktok_emulator, conn_type="http")
    with pytest.raises(TikTokValidationError, match="type 'http'"):
        TikTokHook().config  # noqa: B018


def test_missing_app_secret_is_reported_before_http(tiktok_emulator, monkeypatch):
    _set_conn(monkeypatch, tiktok_emulator, password=None)
    with pytest.raises(TikTokValidationError, match="App secret"):
        TikTokHook().get_authorized_advertisers()
    assert tiktok_emulator.count("/oauth2/advertiser/get/") == 0


def test_no_default_advertisers(tiktok_emulator, monkeypatch):
    conn = tiktok_emulator.connection_dict()
    conn["extra"].pop("advertiser_ids")
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    with pytest.raises(TikTokValidationError, match="Advertiser IDs"):
        TikTokHook().resolve_advertiser_ids()


async def test_async_lookup_and_client(tiktok_connection):
    from airflow_provider_tiktok.api.marketing import advertisers as marketing

    hook = TikTokHook()
    config = await hook.aget_config()
    async with await hook.aget_client() as client:
        advertisers = await client.call(marketing.authorized_advertisers(config.app_id, config.app_secret))
    assert len(advertisers) == 3


def test_test_connection_is_quick_and_says_what_to_check_when_tiktok_is_unreachable(monkeypatch, tiktok_emulator):
    import socket
    import time

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _set_conn(monkeypatch, tiktok_emulator)
    conn = json.loads(__import__("os").environ["AIRFLOW_CONN_TIKTOK_DEFAULT"])
    conn["extra"]["base_url"] = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    started = time.monotonic()
    ok, message = TikTokHook().test_connection()
    assert not ok and time.monotonic() - started < 10
    assert "Connection refused" in message and "base_url" in message and "HTTPConnectionPool" not in message
    assert len(message) < 200


def test_login_kit_test_connection_names_the_user_of_a_valid_access_token(tiktok_emulator, monkeypatch):
    _set_conn(monkeypatch, tiktok_emulator, "login_kit")
    ok, message = TikTokHook().test_connection()
    assert ok and tiktok_emulator.config.login_kit_display_name in message, message
    assert tiktok_emulator.count("/v2/user/info/") == 1
    # Nothing was refreshed: a test must not rotate the pair.
    assert tiktok_emulator.count("/v2/oauth/token/") == 1  # the client-credentials check only


@pytest.mark.parametrize(("field", "expected"), [
    ("access_token", "refused the access token (access_token_invalid"),
    ("password", "refused the client key / client secret"),
])
def test_login_kit_test_connection_says_which_part_is_wrong(tiktok_emulator, monkeypatch, field, expected):
    conn = tiktok_emulator.connection_dict("tiktok_default", "login_kit")
    if field == "password":
        conn["password"] = "bogus-secret"
    else:
        conn["extra"]["access_token"] = "act.bogus"
        conn["extra"]["refresh_token"] = "rft.bogus"
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    ok, message = TikTokHook().test_connection()
    assert not ok and expected in message, message
    assert "act.bogus" not in message and "bogus-secret" not in message
    assert "airflow-tiktok auth login" in message or field == "password"


def test_login_kit_user_info_uses_the_token_as_given(tiktok_emulator, monkeypatch):
    from airflow_provider_tiktok.api.core.errors import TikTokOAuthError

    _set_conn(monkeypatch, tiktok_emulator, "login_kit")
    hook = TikTokHook()
    assert hook.user_info()["open_id"] == tiktok_emulator.config.login_kit_open_id
    with pytest.raises(TikTokOAuthError, match="access_token_invalid"):
        hook.user_info("act.not-a-token")
    assert tiktok_emulator.count("/v2/oauth/token/") == 0  # never refreshed on the way


def test_user_info_needs_a_login_kit_connection(tiktok_connection):
    with pytest.raises(TikTokValidationError, match="login_kit"):
        TikTokHook().user_info()
