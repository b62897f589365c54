"""ReportTaskRequest validation, request bodies, ApiCall builders and CSV row counting."""

from __future__ import annotations

import csv
import io

import pytest

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.api.marketing.status import ReportTaskStatus

BASE = dict(report_type="BASIC", dimensions=["campaign_id", "stat_time_day"], data_level="AUCTION_CAMPAIGN",
            advertiser_id="123", start_date="2024-05-01", end_date="2024-05-07")


def make(**overrides):
    return reports.ReportTaskRequest(**{**BASE, **overrides})


def test_body_has_stable_headers_and_only_set_options():
    body = make(metrics=["spend"], order_field="spend", order_type="asc").to_body()
    assert body == {
        "report_type": "BASIC", "dimensions": ["campaign_id", "stat_time_day"], "output_format": "CSV_STRING",
        "advertiser_id": "123", "data_level": "AUCTION_CAMPAIGN", "metrics": ["spend"], "order_type": "ASC",
        "order_field": "spend", "start_date": "2024-05-01", "end_date": "2024-05-07",
        "enable_report_title_translation": False,
    }


def test_multi_advertiser_lifetime_and_filters():
    req = make(advertiser_id=None, advertiser_ids="1,2,3", start_date=None, end_date=None, query_lifetime=True,
               dimensions=["campaign_id"],
               filtering=[{"field_name": "campaign_ids", "filter_type": "in", "filter_value": ["7", "8"]}],
               output_format="csv_download", file_name="weekly report")
    body = req.to_body()
    assert body["advertiser_ids"] == ["1", "2", "3"] and "advertiser_id" not in body
    assert body["query_lifetime"] is True and "start_date" not in body
    assert body["filtering"] == [{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": '["7","8"]'}]
    assert body["output_format"] == "CSV_DOWNLOAD" and body["file_name"] == "weekly report"
    assert req.primary_advertiser_id == "1" and req.advertiser_id_list == ["1", "2", "3"]


def test_catalog_gets_no_title_translation_and_dates_accept_timestamps():
    body = make(report_type="CATALOG", start_date="2024-05-01T00:00:00+00:00").to_body()
    assert "enable_report_title_translation" not in body
    assert body["start_date"] == "2024-05-01"


@pytest.mark.parametrize(
    ("overrides", "fix"),
    [
        ({"report_type": "NOPE"}, "report_type must be one of"),
        ({"report_type": "PLAYABLE_MATERIAL"}, "not supported by TikTok's asynchronous"),
        ({"report_type": "BC"}, "report_type must be one of"),
        ({"data_level": "AUCTION_X"}, "data_level must be one of"),
        ({"data_level": None}, "data_level is required"),
        ({"service_type": "FREE"}, "service_type must be one of"),
        ({"output_format": "PDF"}, "output_format must be one of"),
        ({"dimensions": []}, "dimensions is required"),
        ({"advertiser_ids": [str(i) for i in range(6)]}, "at most 5"),
        ({"report_type": "CATALOG", "advertiser_ids": ["1", "2"]}, "only allowed for report_type"),
        ({"start_date": "2024-05-08"}, "is after end_date"),
        ({"start_date": None}, "or set query_lifetime=True"),
        ({"end_date": "May 7"}, "must be a date YYYY-MM-DD"),
        ({"advertiser_id": None}, "give advertiser_id or advertiser_ids"),
        ({"advertiser_id": "abc"}, "numeric"),
        ({"file_name": "a/b"}, "file_name"),
        ({"order_type": "UP"}, "order_type must be one of"),
        ({"filtering": [{"field_name": "x"}]}, "filter_type"),
        ({"report_type": "AUDIENCE", "query_lifetime": True}, "query_lifetime is only supported"),
    ],
)
def test_bad_input_names_the_fix(overrides, fix):
    with pytest.raises(TikTokValidationError, match=fix):
        make(**overrides)


def test_api_calls():
    create = reports.create_task(make())
    assert (create.method, create.path) == ("POST", spec.Paths.REPORT_TASK_CREATE)
    assert create.parse({"task_id": 42}) == "42"
    check = reports.check_task("42", "123")
    assert check.params == {"task_id": "42", "advertiser_id": "123"}
    state = check.parse({"status": "FAILED", "message": "boom"})
    assert state.status is ReportTaskStatus.FAILED and "boom" in state.describe()
    with pytest.raises(ValueError, match="unknown report task status"):
        check.parse({"status": "DONE"})
    link = reports.download_task("42", "123").parse({"download_url": "http://x/f?sig=1", "file_name": "f.csv",
                                                     "output_format": "CSV_DOWNLOAD"})
    assert link.download_url.endswith("sig=1") and "sig" not in repr(link)
    assert reports.cancel_task("42", "123").json_body == {"task_id": "42", "advertiser_id": "123"}
    with pytest.raises(TikTokValidationError, match="task id is empty"):
        reports.check_task("", "123")


def _count(data: bytes, chunk: int) -> int:
    counter = reports.CsvRowCounter()
    for i in range(0, len(data), chunk):
        counter.feed(data[i:i + chunk])
    return counter.rows


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 20])
def test_row_counter_matches_csv_module_with_quoted_newlines(chunk):
    rows = [["id", "name", "note"], ["1", "a,b", 'say "hi"\nthere'], ["2", "plain", "x"], ["3", "\n\n", '""']]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    data = buf.getvalue().encode()
    assert _count(data, chunk) == len(rows) - 1
    assert _count(data.rstrip(b"\n"), chunk) == len(rows) - 1  # no final newline
    assert _count(b"", chunk) == 0
    assert _count(b"id,name\n", chunk) == 0
