"""Async report tasks: create / check / download / cancel and the signed file URL."""

from __future__ import annotations

import csv
import io
import time
import zipfile

import pytest
import requests

STATUSES = {"QUEUING", "PROCESSING", "SUCCESS", "FAILED", "CANCELED"}


def _wait(api, task_id, want="SUCCESS", timeout=5.0):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        data = api.task_call("/report/task/check/", task_id).json()["data"]
        if not seen or seen[-1] != data["status"]:
            seen.append(data["status"])
        if data["status"] == want:
            return seen, data
        time.sleep(0.02)
    raise AssertionError(f"task never reached {want}: {seen}")


def test_lifecycle_queuing_processing_success(api):
    created = api.create_task()
    assert created["code"] == 0
    task_id = created["data"]["task_id"]
    assert isinstance(task_id, str)
    seen, _data = _wait(api, task_id)
    assert seen == ["QUEUING", "PROCESSING", "SUCCESS"]
    assert set(seen) <= STATUSES


def test_not_ready_40201_then_csv_string(api):
    task_id = api.create_task()["data"]["task_id"]
    early = api.task_call("/report/task/download/", task_id).json()
    assert early["code"] == 40201
    api.emu.advance_clock(5)
    r = api.task_call("/report/task/download/", task_id)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.content == api.emu.expected_report_csv(task_id)
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["Campaign ID", "By Day", "Spend", "Impressions", "Clicks"]
    assert len(rows) == 1 + 2 * 3


def test_title_translation_false_gives_field_names(api):
    task_id = api.create_task(enable_report_title_translation=False)["data"]["task_id"]
    api.emu.advance_clock(5)
    text = api.task_call("/report/task/download/", task_id).text
    assert text.splitlines()[0] == "campaign_id,stat_time_day,spend,impressions,clicks"


def test_csv_matches_sync_values(api):
    task_id = api.create_task(enable_report_title_translation=False)["data"]["task_id"]
    api.emu.advance_clock(5)
    rows = list(csv.DictReader(io.StringIO(api.task_call("/report/task/download/", task_id).text)))
    sync = api.report(
        start_date="2024-01-01", end_date="2024-01-03", metrics=["spend", "impressions", "clicks"], page_size=100
    )
    assert {(r["campaign_id"], r["stat_time_day"], r["spend"]) for r in rows} == {
        (x["dimensions"]["campaign_id"], x["dimensions"]["stat_time_day"], x["metrics"]["spend"])
        for x in sync["data"]["list"]
    }


def test_failed_task_message(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(task_failure_message="Report generation failed: data source unavailable.")
    api = api_for(emu)
    task_id = api.create_task()["data"]["task_id"]
    emu.advance_clock(5)
    data = api.task_call("/report/task/check/", task_id).json()["data"]
    assert data == {"status": "FAILED", "message": "Report generation failed: data source unavailable."}
    dl = api.task_call("/report/task/download/", task_id).json()
    assert dl["code"] == 40002


def test_scripted_outcomes(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(
        task_outcomes=["SUCCESS", "FAILED:boom", {"status": "SUCCESS", "queuing_seconds": 100}]
    )
    api = api_for(emu)
    ids = [api.create_task()["data"]["task_id"] for _ in range(4)]
    emu.advance_clock(5)
    statuses = [api.task_call("/report/task/check/", t).json()["data"]["status"] for t in ids]
    assert statuses == ["SUCCESS", "FAILED", "QUEUING", "SUCCESS"]
    emu.set_task_outcome(ids[3], "FAILED", "late failure")
    assert api.task_call("/report/task/check/", ids[3]).json()["data"] == {
        "status": "FAILED",
        "message": "late failure",
    }
    assert [t["status"] for t in emu.tasks] == ["SUCCESS", "FAILED", "QUEUING", "FAILED"]


def test_cancel_rules(api):
    task_id = api.create_task()["data"]["task_id"]
    r = api.task_call("/report/task/cancel/", task_id).json()
    assert r["code"] == 0 and r["data"] == {"status": "CANCELED"}
    assert api.task_call("/report/task/check/", task_id).json()["data"]["status"] == "CANCELED"
    assert api.task_call("/report/task/download/", task_id).json()["code"] == 40002
    again = api.task_call("/report/task/cancel/", task_id).json()
    assert again["code"] == 40002
    done = api.create_task()["data"]["task_id"]
    api.emu.advance_clock(5)
    r = api.task_call("/report/task/cancel/", done).json()
    assert r["code"] == 40002
    assert r["message"] == "task status is SUCCESS, can not cancel"


def test_same_token_rule(api, api_for):
    emu = api.emu
    other_code = emu.issue_auth_code("marketing")
    tok = api.post("/oauth2/access_token/", {"app_id": emu.app_id, "secret": emu.app_secret, "auth_code": other_code})
    other = api_for(emu, tok.json()["data"]["access_token"])
    task_id = api.create_task()["data"]["task_id"]
    emu.advance_clock(5)
    for path in ("/report/task/check/", "/report/task/download/", "/report/task/cancel/"):
        assert other.task_call(path, task_id).json()["code"] == 40001, path
    assert api.task_call("/report/task/check/", task_id).json()["code"] == 0


def test_unknown_task_and_missing_params(api):
    assert api.task_call("/report/task/check/", "123").json()["code"] == 40002
    assert api.get("/report/task/check/", task_id="1").json()["code"] == 40002  # advertiser_id required


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"report_type": "PLAYABLE_MATERIAL"}, "report_type"),
        ({"report_type": "BC"}, "report_type"),
        ({"output_format": "PDF"}, "output_format"),
        ({"file_name": "bad/name"}, "file_name"),
        ({"file_name": "x" * 256}, "file_name"),
        ({"advertiser_id": None, "advertiser_ids": ["7100000000000000001"] * 6}, "advertiser_ids"),
        ({"page_size": 10}, "page_size"),
    ],
)
def test_create_validation(api, body, word):
    r = api.create_task(**body)
    assert r["code"] == 40002, r
    assert word in r["message"]


def test_create_no_date_range_limit(api):
    assert api.create_task(start_date="2023-01-01", end_date="2024-01-01")["code"] == 0


def test_csv_download_url_and_expiry(api):
    emu = api.emu
    task_id = api.create_task(output_format="CSV_DOWNLOAD", file_name="my report")["data"]["task_id"]
    emu.advance_clock(5)
    r = api.task_call("/report/task/download/", task_id).json()
    assert r["code"] == 0
    data = r["data"]
    assert data["output_format"] == "CSV_DOWNLOAD"
    assert data["file_name"] == "my report.csv"
    assert data["download_url"].startswith(emu.base_url + "/files/")
    f = requests.get(data["download_url"], timeout=5)  # no Access-Token needed
    assert f.status_code == 200
    assert f.content == emu.expected_report_csv(task_id)
    emu.advance_clock(3601)
    expired = requests.get(data["download_url"], timeout=5)
    assert expired.status_code == 403
    assert "Request has expired" in expired.text
    fresh = api.task_call("/report/task/download/", task_id).json()["data"]["download_url"]
    assert requests.get(fresh, timeout=5).status_code == 200


def test_xlsx_download(api):
    task_id = api.create_task(output_format="XLSX_DOWNLOAD")["data"]["task_id"]
    api.emu.advance_clock(5)
    data = api.task_call("/report/task/download/", task_id).json()["data"]
    assert data["file_name"].endswith(".xlsx")
    content = requests.get(data["download_url"], timeout=5).content
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert "xl/worksheets/sheet1.xml" in zf.namelist()
        assert b"Campaign ID" in zf.read("xl/worksheets/sheet1.xml")


def test_report_rows_and_bytes_knobs(tiktok_emulator_factory, api_for):
    emu = tiktok_emulator_factory(report_rows=1234)
    api = api_for(emu)
    task_id = api.create_task()["data"]["task_id"]
    emu.advance_clock(5)
    body = api.task_call("/report/task/download/", task_id).content
    assert body.count(b"\n") == 1235
    emu2 = tiktok_emulator_factory(report_bytes=300_000)
    api2 = api_for(emu2)
    task_id = api2.create_task()["data"]["task_id"]
    emu2.advance_clock(5)
    body = api2.task_call("/report/task/download/", task_id).content
    assert 300_000 <= len(body) < 300_200
    assert body == b"".join(emu2.iter_expected_report_csv(task_id))


def test_multi_advertiser_task_check_with_one_of_ids(api):
    ids = api.emu.advertiser_ids
    task_id = api.create_task(advertiser_id=None, advertiser_ids=ids)["data"]["task_id"]
    assert api.task_call("/report/task/check/", task_id, advertiser_id=ids[2]).json()["code"] == 0


def test_task_retention_30_days(api):
    task_id = api.create_task()["data"]["task_id"]
    api.emu.advance_clock(31 * 86400)
    r = api.task_call("/report/task/check/", task_id).json()
    assert r["code"] == 40002
    assert "expired" in r["message"]
