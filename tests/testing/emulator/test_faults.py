"""Fault injection: TikTok codes, HTTP 5xx, connection reset, stall, truncated body."""

from __future__ import annotations

import httpx
import pytest
import requests

from airflow_provider_tiktok.testing import Fault


def _check(api):
    return api.get("/advertiser/info/", advertiser_ids=api.emu.advertiser_ids[:1])


def _fresh_get(api, get=requests.get, timeout=5):
    """``GET /advertiser/info/`` on a new connection (``requests.get`` or ``httpx.get``), not the helper's session."""
    return get(
        api.emu.api_url + "/advertiser/info/",
        params={"advertiser_ids": '["7100000000000000001"]'},
        headers={"Access-Token": api.emu.access_token},
        timeout=timeout,
    )


def test_code_fault_on_nth_call(api):
    api.emu.faults.add("/advertiser/info/", Fault.code(40100), on_call=2)
    assert _check(api).json()["code"] == 0
    second = _check(api).json()
    assert second["code"] == 40100
    assert "QPS" in second["message"] or "Too many" in second["message"]
    assert second["data"] == {}
    assert _check(api).json()["code"] == 0
    assert api.emu.count("/advertiser/info/") == 3


def test_inject_script_strings(api):
    api.emu.inject("/open_api/v1.3/advertiser/info/", {1: "50002", 2: "http_503", 3: "code:40105"})
    assert _check(api).json()["code"] == 50002
    r = _check(api)
    assert r.status_code == 503
    assert "<html>" in r.text
    with pytest.raises(ValueError):
        r.json()
    assert _check(api).json()["code"] == 40105
    assert _check(api).json()["code"] == 0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_http_5xx(api, status):
    api.emu.faults.add("/advertiser/info/", Fault.http(status), on_call=1)
    r = _check(api)
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("text/html")


def test_connection_reset(api):
    api.emu.faults.add("/advertiser/info/", Fault.reset(), on_call=1)
    with pytest.raises(requests.ConnectionError):
        _fresh_get(api)
    assert _check(api).json()["code"] == 0  # next call fine


def test_stall_causes_client_read_timeout(api):
    api.emu.faults.add("/advertiser/info/", Fault.stall(1.0), on_call=1)
    with pytest.raises(requests.ReadTimeout):
        _fresh_get(api, timeout=(2, 0.2))
    with pytest.raises(httpx.ReadTimeout):
        api.emu.faults.add("/advertiser/info/", "stall:1", on_call=2)
        _fresh_get(api, httpx.get, timeout=httpx.Timeout(2, read=0.2))


def test_truncated_body(api):
    api.emu.faults.add("/advertiser/info/", Fault.truncate(), on_call=1)
    with pytest.raises(requests.RequestException):
        _fresh_get(api)
    api.emu.faults.add("/advertiser/info/", Fault.truncate(), on_call=2)
    with pytest.raises(httpx.HTTPError):
        _fresh_get(api, httpx.get)


def test_truncated_csv_stream(api):
    task_id = api.create_task()["data"]["task_id"]
    api.emu.advance_clock(5)
    api.emu.faults.add("/report/task/download/", "truncate", on_call=1)
    with pytest.raises(requests.RequestException):
        api.task_call("/report/task/download/", task_id)
    assert api.task_call("/report/task/download/", task_id).content == api.emu.expected_report_csv(task_id)


def test_faults_on_file_url_and_every(api):
    emu = api.emu
    task_id = api.create_task(output_format="CSV_DOWNLOAD")["data"]["task_id"]
    emu.advance_clock(5)
    url = api.task_call("/report/task/download/", task_id).json()["data"]["download_url"]
    emu.faults.add("/files/", Fault.http(502), every=True)
    assert requests.get(url, timeout=5).status_code == 502
    assert requests.get(url, timeout=5).status_code == 502
    emu.faults.clear("/files/")
    assert requests.get(url, timeout=5).status_code == 200
    assert emu.count("/files/") == 3


def test_fault_on_login_kit_path(tiktok_emulator):
    emu = tiktok_emulator
    emu.inject("/v2/oauth/token/", {1: "50000", 2: "40100", 3: "http_504"})
    form = {
        "client_key": emu.config.login_kit_client_key,
        "client_secret": emu.config.login_kit_client_secret,
        "grant_type": "client_credentials",
    }
    url = emu.base_url + "/v2/oauth/token/"
    first = requests.post(url, data=form, timeout=5)
    assert first.status_code == 500 and first.json()["error"] == "server_error"
    assert requests.post(url, data=form, timeout=5).json()["error"] == "temporarily_unavailable"
    assert requests.post(url, data=form, timeout=5).status_code == 504
    assert requests.post(url, data=form, timeout=5).json()["token_type"] == "Bearer"


def test_fault_spec_parsing():
    assert Fault.parse("40133") == Fault.code(40133)
    assert Fault.parse(51010).error_code == 51010
    assert Fault.parse("http:502") == Fault.http(502)
    assert Fault.parse("reset").kind == "reset"
    assert Fault.parse("stall:2.5").seconds == 2.5
    with pytest.raises(ValueError):
        Fault.parse("explode")
