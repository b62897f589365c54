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
from tests.reliability.conftest import task_context

ADV = "7100000000000000001"
DATES = {"report_start_date": "2024-01-01", "report_end_date": "2024-01-07"}
BASIC = {"report_type": "BASIC", "data_level": "AUCTION_CAMPAIGN", "dimensions": ["campaign_id", "stat_time_day"]}


def create(**kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.operators.report_task import TikTokCreateReportTaskOperator

    def go(tmp: Path) -> Any:
        args = {**BASIC, "advertiser_id": ADV, **DATES, **kw}
        return TikTokCreateReportTaskOperator(task_id="create", **args).execute(task_context())
    return go


def run_report(**kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator

    def go(tmp: Path) -> Any:
        args = {**BASIC, "advertiser_id": ADV, **DATES, "destination": (tmp / "r.csv").as_uri(), **kw}
        return TikTokRunReportOperator(task_id="run", deferrable=False, **args).execute(task_context())
    return go


def download(**kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV,
                "destination": (tmp / "d.csv").as_uri(), **kw}
        return TikTokDownloadReportOperator(task_id="download", **args).execute(task_context())
    return go


def check_or_cancel(kind: str, **kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.operators.report_task import (
        TikTokCancelReportTaskOperator,
        TikTokCheckReportTaskOperator,
    )

    cls = TikTokCheckReportTaskOperator if kind == "check" else TikTokCancelReportTaskOperator

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV, **kw}
        return cls(task_id=kind, **args).execute(task_context())
    return go


def sensor(**kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor

    def go(tmp: Path) -> Any:
        args = {"report_task_id": "7300000000000000001", "advertiser_id": ADV, **kw}
        return TikTokReportTaskSensor(task_id="wait", mode="poke", poke_interval=0.01, timeout=5,
                                      **args).poke(task_context())
    return go


def sync(**kw: Any) -> Callable[[Path], Any]:
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    def go(tmp: Path) -> Any:
        args = {"destination": (tmp / "s.jsonl").as_uri(), "dimensions": ["campaign_id", "stat_time_day"],
                "advertiser_id": ADV, "data_level": "AUCTION_CAMPAIGN", **DATES, **kw}
        return TikTokSyncReportOperator(task_id="sync", **args).execute({})
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
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_clearly_before_any_request(emu: TikTokEmulator, tmp_path: Path, case: str) -> None:
    action, words = CASES[case]
    with pytest.raises((TikTokValidationError, AirflowFailException, ValueError)) as info:
        action(tmp_path)
    assert words.lower() in str(info.value).lower(), f"message does not say what to fix: {info.value}"
    assert emu.requests == [], f"{len(emu.requests)} request(s) reached the emulator"


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 25
    kinds = {name.split("-")[0] for name in CASES}
    assert {"create", "run", "download", "check", "cancel", "sensor", "sync", "hook", "cli"} <= kinds
