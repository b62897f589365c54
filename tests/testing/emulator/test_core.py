"""TikTokEmulator: task introspection, connection shapes, knobs."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tiktok.testing import TikTokEmulator


def test_tasks_introspection(api):
    task_id = api.create_task()["data"]["task_id"]
    (task,) = api.emu.tasks
    assert task["task_id"] == task_id
    assert task["status"] in ("QUEUING", "PROCESSING")
    assert api.emu.task(task_id)["params"]["report_type"] == "BASIC"


def test_connection_dict_shapes(tiktok_emulator):
    emu = tiktok_emulator
    m = emu.connection_dict()
    assert m == {
        "conn_type": "tiktok",
        "login": emu.app_id,
        "password": emu.app_secret,
        "extra": {
            "api_family": "marketing",
            "access_token": emu.access_token,
            "advertiser_ids": ",".join(emu.advertiser_ids),
            "environment": "production",
            "base_url": emu.base_url,
        },
    }
    a = emu.connection_dict(family="accounts")
    assert a["login"] == emu.config.accounts_app_id
    assert set(a["extra"]) == {"api_family", "access_token", "refresh_token", "environment", "base_url"}
    k = emu.connection_dict(family="login_kit")
    assert k["login"] == emu.config.login_kit_client_key
    assert k["extra"]["access_token"].startswith("act.")
    env = emu.connection_env("tiktok_default")
    assert json.loads(env["AIRFLOW_CONN_TIKTOK_DEFAULT"]) == m


def test_unknown_knob_rejected():
    with pytest.raises(TypeError):
        TikTokEmulator(no_such_knob=1)
