"""Fault matrix of the token endpoints: the Accounts API and Login Kit refresh (an expired access token mid-run),
Login Kit's ``/v2/user/info/`` (connection test), and the CLI's calls: the code exchange of every family
(``auth login``), ``/tt_user/token_info/get/`` (``whoami``, Accounts test) and every family's revoke.

A refresh rotates the pair on TikTok's side when it *answers*; the faults here are the ones that come before
TikTok acts (rate limits, server errors, refused or reset connections), which a retry survives. A refresh answer
lost after TikTok rotated (a stalled or truncated answer) cannot be repaired by any client: the next refresh
presents the rotated-away token and TikTok answers 40107 / invalid_grant, which the task reports with the
re-authorize command (``tests/hooks/test_tokens.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from tests.reliability.conftest import leftovers

BEFORE_TIKTOK_ACTS = {"40100": Fault.code(40100), "50000": Fault.code(50000), "reset": Fault.reset()}
LOGIN_KIT_FAULTS = {"http500": Fault.http(500), "http503": Fault.http(503), "reset": Fault.reset()}


def _connection(emu: TikTokEmulator, monkeypatch: pytest.MonkeyPatch, family: str) -> str:
    conn_id = f"tiktok_{family}_{uuid.uuid4().hex[:8]}"  # no token pair stored by another test
    conn = emu.connection_dict(conn_id, family)
    if family == "accounts":
        conn["extra"]["business_id"] = emu.config.accounts_open_id
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
    return conn_id


@pytest.mark.parametrize("fault", list(BEFORE_TIKTOK_ACTS))
def test_accounts_refresh_survives_faults(emu: TikTokEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          tiktok_memory_token_store: object, fault: str) -> None:
    from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator

    conn_id = _connection(emu, monkeypatch, "accounts")
    emu.advance_clock(86400 + 60)  # the connection's access token has expired: the task must refresh it
    emu.faults.add("/tt_user/oauth2/refresh_token/", BEFORE_TIKTOK_ACTS[fault], on_call=1)
    end = (dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)).isoformat()
    result = TikTokBusinessAccountMetricsOperator(
        task_id="b", tiktok_conn_id=conn_id, report_end_date=end, destination=(tmp_path / "b.jsonl").as_uri(),
    ).execute({})
    assert emu.count("/tt_user/oauth2/refresh_token/") == 2, "the fault was not hit or retried"
    assert result["rows"] == 7 and len((tmp_path / "b.jsonl").read_text().splitlines()) == 7
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("fault", list(LOGIN_KIT_FAULTS))
def test_login_kit_refresh_survives_faults(emu: TikTokEmulator, monkeypatch: pytest.MonkeyPatch,
                                           tiktok_memory_token_store: object, fault: str) -> None:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    conn_id = _connection(emu, monkeypatch, "login_kit")
    emu.faults.add("/v2/oauth/token/", LOGIN_KIT_FAULTS[fault], on_call=1)
    with TikTokHook(conn_id) as hook:
        before = emu.login_kit_tokens["refresh_token"]
        stored = hook.refresh_tokens()
    assert emu.count("/v2/oauth/token/") == 2
    assert stored.refresh_token and stored.refresh_token != before


@pytest.mark.parametrize("fault", list(LOGIN_KIT_FAULTS))
def test_login_kit_connection_test_survives_a_user_info_fault(emu: TikTokEmulator, monkeypatch: pytest.MonkeyPatch,
                                                             tiktok_memory_token_store: object, fault: str) -> None:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    conn_id = _connection(emu, monkeypatch, "login_kit")
    emu.faults.add("/v2/user/info/", LOGIN_KIT_FAULTS[fault], on_call=1)
    ok, message = TikTokHook(conn_id).test_connection()
    assert ok, message
    assert emu.count("/v2/user/info/") == 2


# -- the CLI's authorization and revocation calls (``airflow-tiktok auth login`` / ``revoke`` / ``whoami``) ----------

CODE_EXCHANGE = {"marketing": "/oauth2/access_token/", "accounts": "/tt_user/oauth2/token/",
                 "login_kit": "/v2/oauth/token/"}
REVOKE = {"marketing": "/oauth2/revoke_token/", "accounts": "/tt_user/oauth2/revoke/", "login_kit": "/v2/oauth/revoke/"}
CREDENTIALS = {"marketing": ("app_id", "app_secret"), "accounts": ("accounts_app_id", "accounts_app_secret"),
               "login_kit": ("login_kit_client_key", "login_kit_client_secret")}


def _login_hook(emu: TikTokEmulator, family: str) -> object:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    app_id, secret = (getattr(emu.config, name) for name in CREDENTIALS[family])
    return TikTokHook.for_login(family, app_id, secret, conn_id="tt_login", base_url=emu.base_url)


@pytest.mark.parametrize("fault", list(LOGIN_KIT_FAULTS))
@pytest.mark.parametrize("family", list(CODE_EXCHANGE))
def test_code_exchange_survives_faults(emu: TikTokEmulator, family: str, fault: str) -> None:
    import requests

    hook = _login_hook(emu, family)
    request = hook.start_authorization("http://127.0.0.1:9/callback")  # type: ignore[attr-defined]
    redirect = requests.get(request.url, allow_redirects=False, timeout=10).headers["Location"]
    emu.faults.add(CODE_EXCHANGE[family], LOGIN_KIT_FAULTS[fault], on_call=1)
    tokens = hook.exchange_code(request, redirect)  # type: ignore[attr-defined]
    assert tokens.access_token and emu.count(CODE_EXCHANGE[family]) == 2


@pytest.mark.parametrize("family", ["marketing", "accounts", "login_kit"])
def test_revoke_and_token_info_survive_faults(emu: TikTokEmulator, monkeypatch: pytest.MonkeyPatch,
                                              tiktok_memory_token_store: object, family: str) -> None:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    conn_id = _connection(emu, monkeypatch, family) if family != "marketing" else "tiktok_default"
    if family == "accounts":
        emu.faults.add("/tt_user/token_info/get/", Fault.http(503), on_call=1)
        assert TikTokHook(conn_id).whoami()["open_id"] == emu.config.accounts_open_id
        assert emu.count("/tt_user/token_info/get/") == 2
    emu.faults.add(REVOKE[family], Fault.reset(), on_call=1)
    TikTokHook(conn_id).revoke_tokens()
    assert emu.count(REVOKE[family]) == 2
