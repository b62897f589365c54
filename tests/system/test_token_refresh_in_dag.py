"""Token refresh inside real Airflow tasks: an expired Accounts API token is refreshed, persisted in the
Variable through the Task SDK, and the next DAG run uses the stored pair (the old refresh token is gone)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.dagrun import run_dag

pytestmark = pytest.mark.slow

DAG_FILE = Path(__file__).resolve().parents[2] / "example_dags" / "example_tiktok_business_account.py"
DAG_ID = "example_tiktok_business_account"
REFRESH = "/tt_user/oauth2/refresh_token/"
VARIABLE = "tiktok_token__tiktok_accounts"


def _stored_variable(home: Path) -> str | None:
    with sqlite3.connect(home / "airflow.db") as db:
        row = db.execute("SELECT val FROM variable WHERE key = ?", (VARIABLE,)).fetchone()
    return None if row is None else str(row[0])


def test_expired_token_is_refreshed_in_a_task_and_reused_by_the_next_run(
        tiktok_emulator_factory, tmp_path: Path) -> None:
    emu: TikTokEmulator = tiktok_emulator_factory(access_token_ttl=3600)
    accounts = emu.connection_dict("tiktok_accounts", "accounts")
    accounts["extra"]["business_id"] = emu.accounts_tokens["open_id"]
    env = {"AIRFLOW_CONN_TIKTOK_ACCOUNTS": json.dumps(accounts),
           "TIKTOK_OUTPUT_BASE": (tmp_path / "out").as_uri()}
    home = tmp_path / "airflow"
    emu.advance_clock(2 * 3600)  # the connection's access token has expired before the DAG starts

    first = run_dag(DAG_FILE, DAG_ID, env=env, airflow_home=home, timeout=240)
    assert first.succeeded, first.output[-3000:]
    assert emu.count(REFRESH) == 1
    stored = _stored_variable(home)
    assert stored is not None, "the refreshed pair was not persisted"
    secrets = [accounts["extra"]["access_token"], accounts["extra"]["refresh_token"], emu.app_secret]
    assert all(secret not in stored for secret in secrets)  # Fernet-encrypted, old values gone
    assert all(secret not in first.output for secret in secrets)

    # The refresh token in the connection was rotated away: only the stored pair can work now.
    second = run_dag(DAG_FILE, DAG_ID, env=env, airflow_home=home, timeout=240)
    assert second.succeeded, second.output[-3000:]
    assert emu.count(REFRESH) == 1, "the second run refreshed again instead of using the stored token"
