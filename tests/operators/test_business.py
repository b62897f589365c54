"""TikTokBusinessAccountMetricsOperator against the emulator, including a token that expires mid-DAG."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.hooks.tokens import variable_key
from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator

CONN_ID = "tiktok_accounts"


def _use_accounts_conn(monkeypatch, emu, **extra):
    conn = emu.connection_dict(CONN_ID, "accounts")
    conn["extra"].update({"business_id": emu.config.accounts_open_id, **extra})
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
    return conn


def _today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


def _read(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_writes_typed_jsonl_per_utc_day(tiktok_emulator, monkeypatch, tmp_path, airflow_db):
    _use_accounts_conn(monkeypatch, tiktok_emulator)
    end = _today() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=59)  # the 60-day maximum
    dest = tmp_path / "out" / "account.jsonl"
    op = TikTokBusinessAccountMetricsOperator(
        task_id="m", tiktok_conn_id=CONN_ID, report_start_date=start.isoformat(), report_end_date=end.isoformat(),
        fields=["display_name", "followers_count", "video_views", "likes", "audience_activity"],
        destination=f"file://{dest}")
    result = op.execute({})
    rows = _read(dest)
    assert result["uri"] == f"file://{dest}" and result["rows"] == 60 and result["format"] == "jsonl"
    assert (result["start_date"], result["end_date"]) == (start.isoformat(), end.isoformat())
    assert result["bytes"] == result["bytes_uncompressed"] == dest.stat().st_size and result["report_task_id"] is None
    assert [r["date"] for r in rows] == [(start + dt.timedelta(days=i)).isoformat() for i in range(60)]
    first = rows[0]
    assert list(first)[:2] == ["business_id", "date"]
    assert first["business_id"] == tiktok_emulator.config.accounts_open_id
    assert isinstance(first["video_views"], int) and isinstance(first["likes"], int)
    assert isinstance(first["audience_activity"], list) and isinstance(first["display_name"], str)
    assert [p.name for p in dest.parent.iterdir()] == ["account.jsonl"]  # no temp file left


@pytest.mark.parametrize(("start", "end", "message"), [
    (-70, -1, "at most 60"),
    (-3, -5, "before start_date"),
    (-1, 1, "after today"),
])
def test_window_is_checked_before_any_request(tiktok_emulator, monkeypatch, tmp_path, start, end, message):
    _use_accounts_conn(monkeypatch, tiktok_emulator)
    op = TikTokBusinessAccountMetricsOperator(
        task_id="m", tiktok_conn_id=CONN_ID, report_start_date=(_today() + dt.timedelta(days=start)).isoformat(),
        report_end_date=(_today() + dt.timedelta(days=end)).isoformat(), destination=f"file://{tmp_path}/x.jsonl")
    with pytest.raises(AirflowFailException, match=message):
        op.execute({})
    assert tiktok_emulator.requests == [] and not (tmp_path / "x.jsonl").exists()


def test_unknown_field_and_wrong_family_fail_clearly(tiktok_emulator, monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="unknown /business/get/ field"):
        TikTokBusinessAccountMetricsOperator(task_id="m", fields=["spend"], destination="file:///tmp/x.jsonl")
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", tiktok_emulator.connection_json())
    op = TikTokBusinessAccountMetricsOperator(task_id="m", business_id="x", destination=f"file://{tmp_path}/x.jsonl")
    with pytest.raises(AirflowFailException, match="needs a 'accounts' connection"):
        op.execute({})


def test_token_expiring_mid_dag_is_refreshed_and_persisted(tiktok_emulator, monkeypatch, tmp_path, airflow_db,
                                                           caplog):
    """Three runs of the operator (as three tasks of a DAG) with the token expiring between the first two.

    Outside a task the token store writes the Variable to the metadata DB; inside a task the same code
    goes through ``airflow.sdk.Variable`` (the supervisor).
    """
    from airflow.models import Variable

    emu = tiktok_emulator
    conn = _use_accounts_conn(monkeypatch, emu)
    caplog.set_level(logging.DEBUG)
    end = (_today() - dt.timedelta(days=1)).isoformat()

    def run(name: str) -> list[dict]:
        TikTokBusinessAccountMetricsOperator(task_id=name, tiktok_conn_id=CONN_ID, report_end_date=end,
                                             destination=f"file://{tmp_path}/{name}.jsonl").execute({})
        return _read(tmp_path / f"{name}.jsonl")

    before = run("before")
    emu.advance_clock(86400 + 60)  # a day later: the connection's access token has expired (TikTok says 40102)
    after = run("after")
    assert len(before) == len(after) == 7 and emu.count("/tt_user/oauth2/refresh_token/") == 1
    stored = json.loads(Variable.get(variable_key(CONN_ID)))
    assert stored["refresh_token"] != conn["extra"]["refresh_token"]
    assert stored["access_token"] != conn["extra"]["access_token"]
    assert run("next") and emu.count("/tt_user/oauth2/refresh_token/") == 1  # the stored pair is reused
    for secret in (stored["access_token"], stored["refresh_token"], conn["extra"]["access_token"],
                   conn["extra"]["refresh_token"], conn["password"]):
        assert secret not in caplog.text


def test_followers_count_keeps_the_daily_and_the_lifetime_value(tiktok_emulator, monkeypatch, tmp_path,
                                                                airflow_db):
    """TikTok returns followers_count at the top level (lifetime) and per day: both reach the rows."""
    conn = tiktok_emulator.connection_dict("tiktok_followers", "accounts")  # no pair stored by earlier tests
    conn["extra"]["business_id"] = tiktok_emulator.config.accounts_open_id
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_FOLLOWERS", json.dumps(conn))
    end = _today() - dt.timedelta(days=1)
    dest = tmp_path / "f.jsonl"
    TikTokBusinessAccountMetricsOperator(
        task_id="f", tiktok_conn_id="tiktok_followers", report_start_date=(end - dt.timedelta(days=2)).isoformat(),
        report_end_date=end.isoformat(), fields=["followers_count", "video_views"],
        destination=f"file://{dest}").execute({})
    rows = _read(dest)
    assert len(rows) == 3 and len({r["lifetime_followers_count"] for r in rows}) == 1
    assert all(isinstance(r["followers_count"], int) for r in rows)
    assert [r["followers_count"] for r in rows] != [r["lifetime_followers_count"] for r in rows]
