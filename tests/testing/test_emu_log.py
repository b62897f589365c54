"""Request log redaction, counters, reset."""

from __future__ import annotations

import json

import requests


def test_redaction_and_counters(api):
    emu = api.emu
    code = emu.issue_auth_code("marketing")
    api.post("/oauth2/access_token/", {"app_id": emu.app_id, "secret": emu.app_secret, "auth_code": code})
    api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret)
    requests.post(
        emu.base_url + "/v2/oauth/token/",
        data={"client_key": "k", "client_secret": "s3cr3t", "grant_type": "refresh_token", "refresh_token": "rft.x"},
        timeout=5,
    )
    log = emu.requests
    dumped = json.dumps(log)
    for secret in (emu.app_secret, code, emu.access_token, "s3cr3t", "rft.x"):
        assert secret not in dumped
    assert log[0]["path"] == "/oauth2/access_token/"
    assert log[0]["method"] == "POST"
    assert log[0]["body"] == {"app_id": emu.app_id, "secret": "***", "auth_code": "***"}
    assert log[1]["query"]["secret"] == "***"
    assert log[2]["path"] == "/v2/oauth/token/"
    assert emu.counters == {"/oauth2/access_token/": 1, "/oauth2/advertiser/get/": 1, "/v2/oauth/token/": 1}
    emu.reset_log()
    assert emu.requests == [] and emu.counters == {}


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


def test_tiktok_connection_fixture(tiktok_connection):
    import os

    assert json.loads(os.environ["AIRFLOW_CONN_TIKTOK_DEFAULT"])["extra"]["base_url"] == tiktok_connection.base_url


def test_unknown_knob_rejected():
    import pytest

    from airflow_provider_tiktok.testing import TikTokEmulator

    with pytest.raises(TypeError):
        TikTokEmulator(no_such_knob=1)


import pytest  # noqa: E402


@pytest.mark.tiktok_emulator(seed=5, ads_per_advertiser=4)
def test_marker_knobs(tiktok_emulator):
    assert tiktok_emulator.config.seed == 5
    assert tiktok_emulator.config.ads_for(tiktok_emulator.advertiser_ids[0]) == 4


def test_server_access_log_has_no_secrets(api, caplog):
    import logging

    emu = api.emu
    with caplog.at_level(logging.DEBUG, logger="airflow_provider_tiktok.testing"):
        api.get("/oauth2/advertiser/get/", app_id=emu.app_id, secret=emu.app_secret)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/oauth2/advertiser/get/" in text
    assert emu.app_secret not in text
