"""Token store: refresh before expiry and on 40102, persistence, rotation races, re-authorization errors,
and the Airflow Variable backend (Task SDK in a task, the ``airflow`` CLI elsewhere).

Concurrency is tested with 20 threads, each with its own ``TokenManager`` (as 20 mapped tasks would
have), sharing one store and the emulator, which rotates refresh tokens (a used one stops working).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.connection import TikTokConnectionConfig
from airflow_provider_tiktok.hooks import tokens as tokens_module
from airflow_provider_tiktok.hooks.tokens import (
    AirflowStoreError,
    AirflowVariableBackend,
    StoredTokens,
    TokenManager,
    fingerprint,
    in_task,
    manager_for_config,
    variable_key,
)

NO_RETRY = RetryPolicy(max_attempts=1)
#: The emulator's listen backlog is small: 20 simultaneous connects may be reset, as a real network may.
QUICK_RETRY = RetryPolicy(max_attempts=5, initial_wait=0.05, max_wait=0.2, jitter=0.05)


class MemoryVariables:
    """Stands in for Airflow Variables: atomic get/set, no compare-and-swap (like the real thing)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.lock = threading.Lock()
        self.writes = self.reads = 0

    def get(self, key: str) -> str | None:
        with self.lock:
            self.reads += 1
            return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        with self.lock:
            self.values[key] = value
            self.writes += 1


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _config(emu, family="accounts", conn_id="tt_accounts", **extra) -> TikTokConnectionConfig:
    conn = emu.connection_dict(conn_id, family)
    return TikTokConnectionConfig.from_fields(conn_id, conn["login"], conn["password"], {**conn["extra"], **extra})


def _manager(emu, backend, family="accounts", **kwargs) -> TokenManager:
    kwargs.setdefault("retry", NO_RETRY)
    return manager_for_config(_config(emu, family), backend=backend, **kwargs)


def _token_info_ok(emu, token: str) -> bool:
    with TikTokClient(base_url=emu.base_url, retry=QUICK_RETRY) as client:
        info = client.call(oauth.accounts_token_info(emu.config.accounts_app_id, token))
    return info["creator_id"] == emu.config.accounts_open_id


@pytest.mark.parametrize("family", ["accounts", "login_kit"])
def test_refresh_before_expiry_persists_rotated_pair(tiktok_emulator, family):
    emu, store = tiktok_emulator, MemoryVariables()
    seed = emu.accounts_tokens if family == "accounts" else emu.login_kit_tokens
    manager = _manager(emu, store, family)
    assert manager.access_token() == seed["access_token"]  # unknown expiry: used until TikTok says 40102
    assert store.writes == 0
    first = manager.refresh(force=True)
    stored = json.loads(store.values[variable_key("tt_accounts")])
    assert stored["access_token"] == first.access_token != seed["access_token"]
    assert stored["refresh_token"] == first.refresh_token != seed["refresh_token"]
    assert stored["expires_at"] > stored["updated_at"] and stored["refresh_expires_at"] > stored["expires_at"]
    assert stored["seed"] == fingerprint(seed["refresh_token"])
    # A new manager (next task) reads the stored pair; inside the margin it refreshes with the rotated token.
    clock = Clock(first.expires_at - 60)
    later = _manager(emu, store, family, clock=clock)
    token = later.access_token()
    assert token not in (first.access_token, seed["access_token"]) and store.writes == 2
    assert json.loads(store.values[variable_key("tt_accounts")])["access_token"] == token
    if family == "accounts":
        assert _token_info_ok(emu, token)


def test_expired_token_answer_refreshes_once_and_persists(tiktok_emulator):
    emu, store = tiktok_emulator, MemoryVariables()
    manager = _manager(emu, store)
    stale = manager.access_token()
    emu.advance_clock(86400 + 5)  # TikTok now answers 40102 for the seed access token
    fresh = manager.on_token_expired(stale)
    assert fresh != stale and _token_info_ok(emu, fresh)
    assert emu.count("/tt_user/oauth2/refresh_token/") == 1
    # Another task that still holds the stale token adopts the stored one instead of refreshing again.
    other = _manager(emu, store)
    assert other.on_token_expired(stale) == fresh
    assert emu.count("/tt_user/oauth2/refresh_token/") == 1


@pytest.mark.parametrize("rotate", [True, False])
def test_twenty_concurrent_tasks_with_expired_rotating_token(tiktok_emulator_factory, rotate):
    emu = tiktok_emulator_factory(rotate_refresh_tokens=rotate, access_token_ttl=3600)
    store = MemoryVariables()
    seed = emu.accounts_tokens
    expired = StoredTokens(seed["access_token"], seed["refresh_token"], expires_at=1.0,
                           refresh_expires_at=None, seed=fingerprint(seed["refresh_token"]))
    store.set(variable_key("tt_accounts"), expired.to_json())
    barrier = threading.Barrier(20)

    def task(_: int) -> bool:
        manager = _manager(emu, store, rotation_wait=10, poll_interval=0.05, retry=QUICK_RETRY)
        manager.load()
        barrier.wait(timeout=10)  # everyone finds the token expired at the same moment
        return _token_info_ok(emu, manager.access_token() or "")

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(task, range(20)))
    assert results == [True] * 20
    refreshes = emu.count("/tt_user/oauth2/refresh_token/")
    assert refreshes >= 1
    final = json.loads(store.values[variable_key("tt_accounts")])
    assert final["refresh_token"] != seed["refresh_token"] or not rotate
    # The stored refresh token still works: the chain was not broken by the race.
    later = _manager(emu, store)
    assert later.refresh(force=True).access_token


def test_revoked_refresh_token_names_the_cli_command(tiktok_emulator):
    emu, store = tiktok_emulator, MemoryVariables()
    with TikTokClient(base_url=emu.base_url, retry=NO_RETRY) as client:
        client.call(oauth.accounts_revoke(emu.config.accounts_app_id, emu.config.accounts_app_secret,
                                          emu.accounts_tokens["access_token"]))
    manager = _manager(emu, store, rotation_wait=0.2, poll_interval=0.05)
    with pytest.raises(oauth.ReauthorizationRequiredError) as exc:
        manager.refresh(force=True)
    text = str(exc.value)
    assert exc.value.code == 40107
    assert "airflow-tiktok auth login --conn-id tt_accounts --family accounts" in text
    assert emu.accounts_tokens["refresh_token"] not in text and emu.config.accounts_app_secret not in text


@pytest.mark.parametrize("family", ["accounts", "login_kit"])
def test_expired_refresh_token_names_the_cli_command(tiktok_emulator, family):
    emu, store = tiktok_emulator, MemoryVariables()
    emu.advance_clock(31536000 + 10)
    manager = _manager(emu, store, family, rotation_wait=0.2, poll_interval=0.05)
    with pytest.raises(oauth.ReauthorizationRequiredError, match=f"auth login --conn-id tt_accounts --family {family}"):
        manager.refresh(force=True)


def test_known_expired_refresh_token_fails_before_any_call(tiktok_emulator):
    emu, store = tiktok_emulator, MemoryVariables()
    seed = emu.accounts_tokens
    store.set(variable_key("tt_accounts"), StoredTokens(
        seed["access_token"], seed["refresh_token"], expires_at=1.0, refresh_expires_at=2.0,
        seed=fingerprint(seed["refresh_token"])).to_json())
    with pytest.raises(oauth.ReauthorizationRequiredError, match="expired at 1970-01-01"):
        _manager(emu, store).access_token()
    assert emu.count("/tt_user/oauth2/refresh_token/") == 0


def test_reauthorized_connection_wins_over_old_variable(tiktok_emulator):
    emu, store = tiktok_emulator, MemoryVariables()
    store.set(variable_key("tt_accounts"), StoredTokens("old-access-token", "old-refresh-token", 9e12,
                                                        seed=fingerprint("older-seed")).to_json())
    assert _manager(emu, store).access_token() == emu.accounts_tokens["access_token"]
    store.set(variable_key("tt_accounts"), "not json")
    assert _manager(emu, store).access_token() == emu.accounts_tokens["access_token"]


def test_no_token_in_logs(tiktok_emulator, caplog):
    emu, store = tiktok_emulator, MemoryVariables()
    caplog.set_level(logging.DEBUG)
    manager = _manager(emu, store)
    stale = manager.access_token()
    emu.advance_clock(86400 + 5)
    fresh = manager.on_token_expired(stale)
    with pytest.raises(oauth.ReauthorizationRequiredError) as exc:
        _manager(emu, MemoryVariables(), rotation_wait=0.1).refresh(force=True)  # seed token was rotated
    stored = json.loads(store.values[variable_key("tt_accounts")])
    assert "Refreshed the TikTok access token of connection tt_accounts" in caplog.text
    for secret in (stale, fresh, stored["refresh_token"], emu.accounts_tokens["refresh_token"],
                   emu.config.accounts_app_secret):
        assert secret not in caplog.text and secret not in str(exc.value)


def test_variable_name_is_masked_by_airflow():
    from airflow.sdk.log import mask_secret  # noqa: F401 - the path the token store uses on 3.1 and 3.3

    try:
        from airflow.sdk._shared.secrets_masker.secrets_masker import should_hide_value_for_key
    except ImportError:
        from airflow.sdk.execution_time.secrets_masker import should_hide_value_for_key
    assert should_hide_value_for_key(variable_key("tiktok_default"))


def test_refresh_rereads_the_store_first_and_reads_back_after_storing(tiktok_emulator):
    emu, store = tiktok_emulator, MemoryVariables()
    seed = emu.accounts_tokens
    store.set(variable_key("tt_accounts"), StoredTokens(seed["access_token"], seed["refresh_token"], expires_at=1.0,
                                                        seed=fingerprint(seed["refresh_token"])).to_json())
    token = _manager(emu, store).access_token()
    assert token != seed["access_token"] and emu.count("/tt_user/oauth2/refresh_token/") == 1
    assert store.reads == 3  # found expired; re-read right before refreshing (a race); read back after storing


class DroppingVariables(MemoryVariables):
    """``Variable.set`` on Airflow 3.1 logs a failed write instead of raising: the value is simply not there."""

    def set(self, key: str, value: str) -> None:
        self.writes += 1


def test_a_dropped_write_fails_loudly_but_a_newer_pair_is_fine(tiktok_emulator):
    emu = tiktok_emulator
    dropped = _manager(emu, DroppingVariables())
    with pytest.raises(AirflowStoreError, match=r"was not saved.*secrets backend.*auth login --conn-id tt_accounts"):
        dropped.refresh(force=True)

    class RacingVariables(MemoryVariables):  # another task stores its newer pair right after ours
        def set(self, key: str, value: str) -> None:
            newer = json.loads(value)
            super().set(key, json.dumps({**newer, "access_token": "other-task-token", "updated_at": 9e12}))

    racing = RacingVariables()
    racing.values[variable_key("tt_accounts")] = dropped.current.to_json()  # the rotated pair, as if saved
    fresh = _manager(emu, racing).refresh(force=True)
    assert fresh.access_token != "other-task-token"  # ours is valid too: this task goes on with it


def test_variable_backend_uses_the_task_sdk_in_a_task(monkeypatch):
    calls: list[tuple] = []

    class FakeVariable:
        @staticmethod
        def get(key, default=None):
            calls.append(("get", key, default))
            return '{"access_token": "a"}'

        @staticmethod
        def set(key, value, description=None):
            calls.append(("set", key, value, description))

    monkeypatch.setattr(tokens_module, "in_task", lambda: True)
    monkeypatch.setattr(tokens_module, "Variable", FakeVariable)
    monkeypatch.setattr(tokens_module, "run_airflow", lambda *a, **k: pytest.fail("the airflow CLI was run in a task"))
    backend = AirflowVariableBackend()
    backend.set("k", "v")
    assert backend.get("k") == '{"access_token": "a"}' and not backend.confirms_writes  # the manager reads back
    assert calls == [("set", "k", "v", tokens_module.VARIABLE_DESCRIPTION), ("get", "k", None)]


def test_variable_backend_uses_the_airflow_cli_outside_a_task(airflow_db, monkeypatch):
    """Round trip through the metadata DB; the value travels in a 0600 file, never on the command line."""
    seen: list[tuple[list[str], int | None]] = []
    real_run = subprocess.run

    def run(argv, **kwargs):
        files = [a for a in argv if a.endswith(".json") and os.path.exists(a)]
        seen.append((list(argv), os.stat(files[0]).st_mode & 0o777 if files else None))
        return real_run(argv, **kwargs)

    monkeypatch.setattr(tokens_module.subprocess, "run", run)
    assert not in_task()
    backend = AirflowVariableBackend()
    key, value = variable_key("tt_roundtrip"), '{"access_token": "secret-access-token-value"}'
    assert backend.get(key) is None and backend.confirms_writes
    backend.set(key, value)
    assert backend.get(key) == value
    assert [argv[1:3] for argv, _ in seen] == [["variables", "get"], ["variables", "import"], ["variables", "get"]]
    assert all("secret-access-token-value" not in " ".join(argv) for argv, _ in seen)
    assert seen[1][1] == 0o600


def test_example_refresh_dag_uses_the_refresh_pool_and_refreshes(tiktok_emulator, monkeypatch, airflow_db):
    import runpy
    from pathlib import Path

    from airflow.models import Variable

    emu = tiktok_emulator
    monkeypatch.setenv("AIRFLOW_CONN_TT_REFRESH", emu.connection_json("tt_refresh", "login_kit"))
    monkeypatch.setenv("TIKTOK_REFRESH_CONN_IDS", "tt_refresh")
    monkeypatch.setenv("TIKTOK_REFRESH_POOL", "tiktok_token_refresh")  # the one-slot pool of the README
    path = Path(__file__).resolve().parents[2] / "example_dags" / "example_tiktok_token_refresh.py"
    dag = runpy.run_path(str(path))["dag"]
    task = dag.get_task("refresh_token")
    assert task.pool == "tiktok_token_refresh" and dag.max_active_runs == 1
    result = task.python_callable("tt_refresh")
    assert result["refreshed"] is True and result["expires_at"] > 0
    stored = json.loads(Variable.get(variable_key("tt_refresh")))
    assert stored["refresh_token"] != emu.login_kit_tokens["refresh_token"]
    assert "access_token" not in result and "refresh_token" not in result
    again = task.python_callable("tt_refresh")
    assert again["refreshed"] is False  # far from expiry: nothing to do
