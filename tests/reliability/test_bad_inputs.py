"""Bad-input table: operators, sensor, hook and CLI reject bad input with a clear message and zero HTTP
requests reaching the emulator."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.context import rendered
from tests.reliability.conftest import task_context

ADV = "7100000000000000001"
DATES = {"report_start_date": "2024-01-01", "report_end_date": "2024-01-07"}
BASIC = {"report_type": "BASIC", "data_level": "AUCTION_CAMPAIGN", "dimensions": ["campaign_id", "stat_time_day"]}


Build = Callable[[Path], Any]  # constructs the operator (DAG parse time); its execute runs the task


def create(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.report_task import TikTokCreateReportTaskOperator

    def go(tmp: Path) -> Any:
        args = {**BASIC, "advertiser_id": ADV, **DATES, **kw, **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokCreateReportTaskOperator(task_id="create", **args), **(template or {}))
    return go


def run_report(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator

    def go(tmp: Path) -> Any:
        args = {**BASIC, "advertiser_id": ADV, **DATES, "destination": (tmp / "r.csv").as_uri(), **kw,
                **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokRunReportOperator(task_id="run", deferrable=False, **args), **(template or {}))
    return go


def download(**kw: Any) -> Build:
    from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV,
                "destination": (tmp / "d.csv").as_uri(), **kw}
        return TikTokDownloadReportOperator(task_id="download", **args)
    return go


def check_or_cancel(kind: str, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.report_task import (
        TikTokCancelReportTaskOperator,
        TikTokCheckReportTaskOperator,
    )

    cls = TikTokCheckReportTaskOperator if kind == "check" else TikTokCancelReportTaskOperator

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV, **kw}
        return cls(task_id=kind, **args)
    return go


def sensor(**kw: Any) -> Build:
    from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV, "poke_interval": 0.01, **kw}
        return TikTokReportTaskSensor(task_id="wait", mode="poke", timeout=5, **args)
    return go


def sync(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    def go(tmp: Path) -> Any:
        args = {"destination": (tmp / "s.jsonl").as_uri(), "dimensions": ["campaign_id", "stat_time_day"],
                "advertiser_id": ADV, "data_level": "AUCTION_CAMPAIGN", **DATES, **kw,
                **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokSyncReportOperator(task_id="sync", **args), **(template or {}))
    return go


def business(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator

    def go(tmp: Path) -> Any:
        args = {"destination": (tmp / "b.jsonl").as_uri(), **kw, **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokBusinessAccountMetricsOperator(task_id="business", **args), **(template or {}))
    return go


def business_content(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.business_content import TikTokBusinessContentToStorageOperator

    def go(tmp: Path) -> Any:
        args = {"destination": (tmp / "c.jsonl").as_uri(), **kw, **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokBusinessContentToStorageOperator(task_id="business_content", **args),
                        **(template or {}))
    return go


def advertisers(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator

    def go(tmp: Path) -> Any:
        args = {**kw, **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokListAdvertisersOperator(task_id="advertisers", **args), **(template or {}))
    return go


def entities(template: dict[str, Any] | None = None, **kw: Any) -> Build:
    from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator

    def go(tmp: Path) -> Any:
        args = {"destination": (tmp / "e.jsonl").as_uri(), "advertiser_id": ADV, **kw,
                **{k: "{{ params.x }}" for k in template or {}}}
        return rendered(TikTokEntitiesToStorageOperator(task_id="entities", **args), **(template or {}))
    return go


def hook(extra: dict[str, Any] | None = None, conn_type: str = "tiktok",
         action: str = "config") -> Callable[[Path], Any]:
    def go(tmp: Path) -> Any:
        import os

        from airflow_provider_tiktok.hooks.tiktok import TikTokHook

        conn = json.loads(os.environ["AIRFLOW_CONN_TIKTOK_DEFAULT"])
        conn["conn_type"] = conn_type
        conn["extra"].update(extra or {})
        os.environ["AIRFLOW_CONN_TIKTOK_BAD"] = json.dumps(conn)
        try:
            h = TikTokHook(tiktok_conn_id="tiktok_bad")
            if action == "advertisers":
                return h.resolve_advertiser_ids(None)
            return h.config
        finally:
            del os.environ["AIRFLOW_CONN_TIKTOK_BAD"]
    return go


def cli(*argv: str) -> Callable[[Path], Any]:
    def go(tmp: Path) -> Any:
        from airflow_provider_tiktok.cli import main

        err = io.StringIO()
        rc = main(list(argv), out=io.StringIO(), err=err, stdin=io.StringIO(""))
        if rc != 0:
            raise TikTokValidationError(f"rc={rc}: {err.getvalue()}")
        return rc
    return go


CASES: dict[str, tuple[Callable[[Path], Any], str]] = {
    "create-unknown-report-type": (create(report_type="NOPE"), "report_type"),
    "create-empty-dimensions": (create(dimensions=[]), "dimensions"),
    "create-unknown-output-format": (create(output_format="PDF"), "output_format"),
    "create-six-advertisers": (create(advertiser_id=None, advertiser_ids=[str(7100000000000000001 + i)
                                                                          for i in range(6)]), "at most 5"),
    "create-start-after-end": (create(report_start_date="2024-02-01", report_end_date="2024-01-01"), "after"),
    "create-non-numeric-advertiser": (create(advertiser_id="acme"), "numeric"),
    "create-no-dates": (create(report_start_date=None, report_end_date=None), "start_date"),
    "create-bad-date": (create(report_start_date="01/02/2024"), "YYYY-MM-DD"),
    "create-lifetime-audience": (create(report_type="AUDIENCE", query_lifetime=True), "query_lifetime"),
    "create-playable-material": (create(report_type="PLAYABLE_MATERIAL"), "PLAYABLE_MATERIAL"),
    "create-file-name-slash": (create(output_format="CSV_DOWNLOAD", file_name="a/b"), "file_name"),
    "run-relative-destination": (run_report(destination="reports/r.csv"), "scheme"),
    "run-folder-destination": (run_report(destination="file:///tmp/reports/"), "folder"),
    "run-bad-compression": (run_report(compression="zip"), "compression"),
    "download-empty-task-id": (download(report_task_id=""), "task id"),
    "download-bad-advertiser": (download(advertiser_id="x1"), "numeric"),
    "check-empty-task-id": (check_or_cancel("check", report_task_id=""), "task id"),
    "cancel-bad-advertiser": (check_or_cancel("cancel", advertiser_id=""), "numeric"),
    "sensor-bad-advertiser": (sensor(advertiser_id="abc"), "numeric"),
    "sensor-empty-task-id": (sensor(report_task_id=" "), "task id"),
    "sync-bad-output-format": (sync(output_format="xml"), "output_format"),
    "sync-page-size-too-big": (sync(page_size=5000), "page_size"),
    "sync-negative-lookback": (sync(lookback_days=-1), "lookback"),
    "sync-bad-field-name": (sync(dimensions=["Campaign ID"]), "field names"),
    "sync-unknown-timezone": (sync(timezone="Mars/Olympus_Mons"), "Mars/Olympus_Mons"),
    "sync-unknown-placeholder": (sync(destination="file:///tmp/{advertiser}.jsonl"), "placeholder"),
    "sync-bc-without-bc-id": (sync(report_type="BC", advertiser_id=None, data_level=None), "bc_id"),
    "sync-long-window-no-chunking": (sync(report_end_date="2024-03-31", allow_chunking=False), "allow_chunking"),
    "hook-unknown-api-family": (hook({"api_family": "ads"}), "api_family"),
    "hook-bad-base-url": (hook({"base_url": "ftp://127.0.0.1"}), "base_url"),
    "hook-wrong-connection-type": (hook(conn_type="http"), "type"),
    "hook-no-default-advertisers": (hook({"advertiser_ids": ""}, action="advertisers"), "advertiser"),
    "cli-refresh-marketing": (cli("auth", "refresh", "--conn-id", "tiktok_default"), "do not expire"),
    "cli-login-without-secret": (cli("auth", "login", "--family", "marketing", "--app-id", "7000000000000000001",
                                     "--app-secret-env", "TIKTOK_BENCH_UNSET_SECRET"), "no app secret"),
    "cli-revoke-unknown-connection": (cli("auth", "revoke", "--conn-id", "no_such_connection"), "not found"),
    "create-templated-date-renders-none": (create(template={"report_end_date": "None"}), "report_end_date"),
    "create-templated-lowercase-typo": (create(template={"data_level": "auction_campain"}), "data_level"),
    "create-metrics-not-a-list": (create(metrics=[1, 2]), "metrics"),
    "create-bad-filter-type": (create(filtering=[{"field_name": "campaign_ids", "filter_type": "LIKE",
                                                   "filter_value": "[1]"}]), "filter_type"),
    "create-ids-for-single-advertiser-type": (create(report_type="PLAYABLE_MATERIAL"), "PLAYABLE_MATERIAL"),
    "run-negative-poll-interval": (run_report(poll_interval=-5), "poll_interval"),
    "run-zero-wait-timeout": (run_report(wait_timeout=0), "wait_timeout"),
    "run-templated-advertiser-renders-text": (run_report(template={"advertiser_id": "acme"}), "advertiser_id"),
    "download-negative-not-ready-wait": (download(not_ready_wait=-1), "not_ready_wait"),
    "sensor-negative-poke-interval": (sensor(poke_interval=-1), "poke_interval"),
    "sync-zero-page-size": (sync(page_size=0), "page_size"),
    "sync-templated-data-level": (sync(template={"data_level": "AUCTION_NOPE"}), "data_level"),
    "sync-templated-advertiser": (sync(template={"advertiser_id": "12ab"}), "advertiser_id"),
    "business-unknown-field": (business(fields=["spend"]), "field"),
    "business-bad-compression": (business(compression="bz2"), "compression"),
    "business-templated-date": (business(template={"report_end_date": "yesterday"}), "report_end_date"),
    "business-marketing-connection": (business(business_id="x"), "'accounts' connection"),
    "business-videos-unknown-field": (business_content(content="videos", fields=["item_id", "view_count"]),
                                      "did you mean 'video_views'"),
    "business-videos-max-count-too-big": (business_content(content="videos", max_count=50), "max_count"),
    "business-comments-bad-sort-order": (business_content(content="comments", sort_order="descending"),
                                         "sort_order"),
    "business-comments-templated-video-ids": (business_content(content="comments", template={"video_ids": "7x"}),
                                              "video_ids"),
    "business-content-unknown-kind": (business_content(content="posts"), "content"),
    "business-videos-marketing-connection": (business_content(content="videos", business_id="x"),
                                             "'accounts' connection"),
    "advertisers-bad-return-as": (advertisers(return_as="names"), "return_as"),
    "advertisers-bad-allow-list": (advertisers(allow_list="abc"), "allow_list"),
    "advertisers-templated-allow-list": (advertisers(template={"allow_list": "1,x"}), "allow_list"),
    "entities-unknown-entity": (entities(entity="adz"), "did you mean 'ads'"),
    "entities-misspelled-field": (entities(entity="campaigns", fields=["campaign_nme"]), "mean 'campaign_name'"),
    "entities-unknown-filtering-key": (entities(filtering={"campaign_id": ["1"]}), "did you mean 'campaign_ids'"),
    "entities-page-size-over-max": (entities(entity="pixels", page_size=50), "from 1 to 20"),
    "entities-deleted-without-status": (entities(entity="videos", include_deleted=True), "include_deleted"),
    "entities-updated-since-no-modify-time": (entities(entity="pixels", updated_since="2024-01-01"), "modify_time"),
    "entities-templated-filtering-typo": (entities(template={"filtering": '{"ad_idz": ["1"]}'}), "ad_ids"),
    "entities-templated-bad-advertiser": (entities(template={"advertiser_id": "acme"}), "advertiser_id"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_clearly_before_any_request(emu: TikTokEmulator, tmp_path: Path, case: str) -> None:
    """Static values fail while the DAG is parsed; rendered ones fail the task on its first try (no retry)."""
    action, words = CASES[case]
    with pytest.raises((TikTokValidationError, AirflowFailException)) as info:
        built = action(tmp_path)  # parse time: TikTokValidationError fails the DAG import
        if hasattr(built, "poke"):
            built.poke(task_context())
        elif hasattr(built, "execute"):
            built.execute(task_context())  # run time: only AirflowFailException (no retry) may come out
    if hasattr(info.value, "__cause__") and isinstance(info.value, AirflowFailException):
        assert isinstance(info.value.__cause__, TikTokValidationError) or "TikTok" in str(info.value)
    assert words.lower() in str(info.value).lower(), f"message does not say what to fix: {info.value}"
    assert str(info.value).count(" -- ") <= 1, f"more than one hint: {info.value}"
    assert emu.requests == [], f"{len(emu.requests)} request(s) reached the emulator"


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 45
    kinds = {name.split("-")[0] for name in CASES}
    assert {"create", "run", "download", "check", "cancel", "sensor", "sync", "business", "advertisers", "hook",
            "cli"} <= kinds
