"""What every operator shares: one result schema, validation errors that fail the first try with one hint."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pendulum
import pytest

from airflow_provider_tiktok.api.core.errors import TikTokTransportError, TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator
from airflow_provider_tiktok.operators.base import check_positive, fail_for
from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator
from airflow_provider_tiktok.operators.report_task import (
    TikTokCancelReportTaskOperator,
    TikTokCheckReportTaskOperator,
    TikTokCreateReportTaskOperator,
    TikTokRunReportOperator,
)
from airflow_provider_tiktok.operators.results import RESULT_KEYS
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator
from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor
from airflow_provider_tiktok.testing.context import InMemoryStateStore, rendered, task_context

TEMPLATE = "{{ params.value }}"


def _request(emu: Any, **overrides: Any) -> dict[str, Any]:
    return {"report_type": "BASIC", "dimensions": ["campaign_id", "stat_time_day"], "data_level": "AUCTION_CAMPAIGN",
            "metrics": ["spend", "impressions"], "advertiser_id": emu.advertiser_ids[0],
            "report_start_date": "2024-05-01", "report_end_date": "2024-05-02", **overrides}


def _accounts(monkeypatch: pytest.MonkeyPatch, emu: Any) -> None:
    conn = emu.connection_dict("tiktok_accounts", "accounts")
    conn["extra"]["business_id"] = emu.config.accounts_open_id
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_ACCOUNTS", json.dumps(conn))


def test_every_writing_operator_returns_the_same_result_keys(tiktok_connection, monkeypatch, tmp_path,
                                                           tiktok_memory_token_store):
    emu = tiktok_connection
    emu.config.queuing_seconds = emu.config.processing_seconds = 0
    _accounts(monkeypatch, emu)
    run = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path}/run.csv", deferrable=False,
                                  poll_interval=0.1, **_request(emu))
    run_result = run.execute(task_context(state_store=InMemoryStateStore()))
    download = TikTokDownloadReportOperator(task_id="dl", report_task_id=run_result["report_task_id"],
                                            advertiser_id=emu.advertiser_ids[0], destination=f"file://{tmp_path}/d.csv",
                                            report_start_date="2024-05-01", report_end_date="2024-05-02")
    sync = TikTokSyncReportOperator(task_id="sync", advertiser_id=emu.advertiser_ids[0], data_level="AUCTION_CAMPAIGN",
                                    dimensions=["campaign_id", "stat_time_day"], metrics=["spend"],
                                    destination=f"file://{tmp_path}/sync.{{ext}}")
    yesterday = dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)
    business = TikTokBusinessAccountMetricsOperator(task_id="biz", tiktok_conn_id="tiktok_accounts",
                                                    report_end_date=yesterday.isoformat(),
                                                    destination=f"file://{tmp_path}/biz.jsonl")
    results = {
        "run": run_result,
        "download": download.execute(task_context()),
        "sync": sync.execute(task_context(data_interval_start=pendulum.parse("2024-05-01"),
                                          data_interval_end=pendulum.parse("2024-05-03"))),
        "business": business.execute(task_context()),
    }
    for name, result in results.items():
        assert tuple(result)[:len(RESULT_KEYS)] == RESULT_KEYS, name
        path = tmp_path / result["uri"].removeprefix(f"file://{tmp_path}/")
        assert result["uri"].startswith("file://") and path.stat().st_size == result["bytes"] > 0, name
        assert result["rows"] > 0 and result["format"] in ("csv", "jsonl"), name
        assert result["start_date"] and result["end_date"], name
    assert results["run"]["report_task_id"] and results["sync"]["report_task_id"] is None
    assert results["download"]["rows"] == results["run"]["rows"]


def _failing_operators(emu: Any, tmp_path: Any) -> dict[str, tuple[Any, str]]:
    """An operator per class whose rendered (templated) argument is invalid, and the error it must give."""
    dest = f"file://{tmp_path}/x.csv"
    ids = {"report_task_id": "1", "advertiser_id": TEMPLATE}
    return {
        "create": (rendered(TikTokCreateReportTaskOperator(task_id="c", **_request(emu, report_end_date=TEMPLATE)),
                            report_end_date=None), "report_end_date"),
        "run": (rendered(TikTokRunReportOperator(task_id="r", destination=dest, deferrable=False,
                                                 **_request(emu, data_level=TEMPLATE)), data_level="AUCTION_X"),
                "data_level must be one of"),
        "check": (rendered(TikTokCheckReportTaskOperator(task_id="k", **ids), advertiser_id="abc"), "numeric"),
        "cancel": (rendered(TikTokCancelReportTaskOperator(task_id="x", **ids), advertiser_id="abc"), "numeric"),
        "download": (rendered(TikTokDownloadReportOperator(task_id="d", destination=dest, **ids), advertiser_id=""),
                     "numeric"),
        "sync": (rendered(TikTokSyncReportOperator(task_id="s", advertiser_id=TEMPLATE, data_level="AUCTION_AD",
                                                   dimensions=["ad_id"], destination=dest), advertiser_id="12ab"),
                 "numeric"),
        "business": (rendered(TikTokBusinessAccountMetricsOperator(task_id="b", report_end_date=TEMPLATE,
                                                                   destination=dest), report_end_date="yesterday"),
                     "report_end_date must be a date"),
        "advertisers": (rendered(TikTokListAdvertisersOperator(task_id="a", allow_list=TEMPLATE), allow_list="x"),
                        "allow_list must be numeric"),
    }


def test_a_rendered_validation_error_fails_the_first_try_with_one_hint_and_no_http(tiktok_connection, tmp_path):
    emu = tiktok_connection
    for name, (op, message) in _failing_operators(emu, tmp_path).items():
        with pytest.raises(AirflowFailException, match=message) as info:
            op.execute(task_context(data_interval_start=pendulum.parse("2024-05-01"),
                                    data_interval_end=pendulum.parse("2024-05-02")))
        text = str(info.value)
        assert "to fix" not in text and text.count(" -- ") <= 1, (name, text)
        assert isinstance(info.value.__cause__, TikTokValidationError), name
    assert emu.requests == []


def test_sensor_maps_errors_like_the_operators(tiktok_connection):
    sensor = TikTokReportTaskSensor(task_id="s", report_task_id="1", advertiser_id="not-a-number")
    with pytest.raises(AirflowFailException, match="numeric"):
        sensor.poke({})
    assert tiktok_connection.requests == []


@pytest.mark.parametrize(("name", "value"), [("poll_interval", -1), ("poll_interval", 0), ("wait_timeout", -5),
                                             ("max_poll_interval", 0)])
def test_wait_numbers_must_be_positive_at_parse_time(tiktok_connection, tmp_path, name, value):
    with pytest.raises(TikTokValidationError, match=f"{name} must be a number greater than 0"):
        TikTokRunReportOperator(task_id="r", destination=f"file://{tmp_path}/x.csv", **{name: value},
                                **_request(tiktok_connection))
    with pytest.raises(TikTokValidationError, match="page_size must be an integer from 1 to 1000"):
        TikTokSyncReportOperator(task_id="s", advertiser_id="1", data_level="AUCTION_AD", dimensions=["ad_id"],
                                 destination=f"file://{tmp_path}/x", page_size=0)
    with pytest.raises(TikTokValidationError, match="poke_interval must be a number greater than 0"):
        TikTokReportTaskSensor(task_id="s", report_task_id="1", advertiser_id="2", poke_interval=-1)


def test_check_positive_and_fail_for():
    assert check_positive("x", 2.5) == 2.5 and check_positive("x", None, allow_none=True) is None
    with pytest.raises(TikTokValidationError, match="x must be an integer"):
        check_positive("x", 1.5, integer=True)
    with pytest.raises(TikTokValidationError):
        check_positive("x", True)
    transient = TikTokTransportError("reset", path="/report/task/check/")
    assert fail_for(transient, "op") is transient  # retryable: Airflow's retries apply
    assert isinstance(fail_for(TikTokValidationError("bad"), "op"), AirflowFailException)


def test_hook_is_cached_per_execute_and_closed_after(tiktok_connection, monkeypatch):
    op = TikTokListAdvertisersOperator(task_id="a")
    hooks = []
    closed = []
    original = TikTokListAdvertisersOperator.run

    def run(self, context):
        hooks.append(self.hook)
        assert self.hook is hooks[0]
        monkeypatch.setattr(self.hook, "close", lambda: closed.append(True))
        return original(self, context)

    monkeypatch.setattr(TikTokListAdvertisersOperator, "run", run)
    op.execute(task_context())
    assert closed == [True] and "hook" not in op.__dict__


def test_emit_asset_on_every_writing_operator(tmp_path):
    """``emit_asset``: True for a static destination, an Asset / URI naming a templated one, else a clear error."""
    from airflow.sdk import Asset

    daily = f"file://{tmp_path}/{{{{ ds }}}}.jsonl"
    static = TikTokBusinessAccountMetricsOperator(task_id="a", destination=f"file://{tmp_path}/b.jsonl",
                                                  emit_asset=True)
    assert [a.uri for a in static.outlets] == [f"file://{tmp_path}/b.jsonl"]
    named = TikTokRunReportOperator(task_id="b", destination=daily, emit_asset=Asset(name="r", uri="s3://b/r"),
                                    advertiser_id="1", **{k: v for k, v in _request_static().items()})
    assert [(a.name, a.uri) for a in named.outlets] == [("r", "s3://b/r")]
    as_string = TikTokDownloadReportOperator(task_id="c", report_task_id="1", advertiser_id="1", destination=daily,
                                             emit_asset="s3://bucket/tiktok/daily", outlets=[Asset("s3://x/y")])
    assert [a.uri for a in as_string.outlets] == ["s3://x/y", "s3://bucket/tiktok/daily"]  # user outlets kept
    with pytest.raises(TikTokValidationError, match=r"emit_asset=True needs a static destination.*emit_asset=Asset"):
        TikTokDownloadReportOperator(task_id="d", report_task_id="1", advertiser_id="1", destination=daily,
                                     emit_asset=True)
    with pytest.raises(TikTokValidationError, match="emit_asset must be"):
        TikTokDownloadReportOperator(task_id="e", report_task_id="1", advertiser_id="1", destination=daily,
                                     emit_asset=3)
    assert TikTokDownloadReportOperator(task_id="f", report_task_id="1", advertiser_id="1",
                                        destination=daily).outlets == []
    from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator

    per_advertiser = f"file://{tmp_path}/{{entity}}/{{advertiser_id}}.{{ext}}"  # placeholders: many files
    with pytest.raises(TikTokValidationError, match="emit_asset=True needs a static destination"):
        TikTokEntitiesToStorageOperator(task_id="g", advertiser_id="1", destination=per_advertiser, emit_asset=True)
    entities = TikTokEntitiesToStorageOperator(task_id="h", advertiser_id="1", destination=per_advertiser,
                                               emit_asset="s3://bucket/tiktok/ads")
    assert [a.uri for a in entities.outlets] == ["s3://bucket/tiktok/ads"]


def _request_static() -> dict[str, Any]:
    return {"report_type": "BASIC", "dimensions": ["campaign_id"], "data_level": "AUCTION_CAMPAIGN",
            "report_start_date": "2024-05-01", "report_end_date": "2024-05-01"}


def test_asset_events_carry_the_written_file(tiktok_connection, create_report_task, tmp_path):
    """The outlet Asset event's ``extra`` says which file the run wrote (a downstream DAG reads it)."""
    from airflow.sdk import Asset

    class Event:
        def __init__(self) -> None:
            self.extra: dict[str, Any] = {}

    class Events(dict):
        """Keyed like Airflow's outlet event accessors: by the asset's name and URI (3.1's Asset is unhashable)."""

        def __getitem__(self, asset: Any) -> Event:
            return self.setdefault((asset.name, asset.uri), Event())

    asset = Asset(name="daily", uri="s3://bucket/daily")
    op = TikTokDownloadReportOperator(task_id="dl", report_task_id=create_report_task(tiktok_connection),
                                      advertiser_id=tiktok_connection.advertiser_ids[0],
                                      destination=f"file://{tmp_path}/d.csv", emit_asset=asset)
    events = Events()
    result = op.execute(task_context(outlet_events=events))
    extra = events[asset].extra
    assert extra["uri"] == result["uri"] == f"file://{tmp_path}/d.csv" and extra["rows"] == result["rows"] > 0
    assert set(extra) <= {"uri", "rows", "format", "compression", "start_date", "end_date", "report_task_id",
                          "advertiser_id"}
    json.dumps(extra)  # Asset event extras must be JSON
