"""Shared fixtures of the reliability suite: a fast emulator, fast retries, the two report flows, a secrets guard.

Every test talks to the emulator over real loopback HTTP. Retry waits and timeouts are shortened by replacing
the client's *default* ``RetryPolicy`` / ``Timeouts`` (what a hook builds when the operator passes none), so the
production retry loop runs unchanged, only faster.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_tiktok.api.core import base as client_base
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.context import InMemoryStateStore, RecordingTaskInstance
from airflow_provider_tiktok.testing.context import task_context as _task_context
from airflow_provider_tiktok.testing.pytest_plugin import tiktok_emulator_factory  # noqa: F401 - fixture

READ_TIMEOUT = 0.5
STALL_SECONDS = 1.5  # longer than READ_TIMEOUT: a stalled answer times out


def fast_retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=6, max_elapsed=30, initial_wait=0.01, max_wait=0.05, rate_limit_wait=0.01,
                       jitter=0.0)


def fast_timeouts() -> Timeouts:
    return Timeouts(connect=2.0, read=READ_TIMEOUT)


@pytest.fixture(autouse=True)
def fast_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_base, "RetryPolicy", fast_retry)
    monkeypatch.setattr(client_base, "Timeouts", fast_timeouts)


@pytest.fixture
def emu(tiktok_emulator_factory: Callable[..., TikTokEmulator],  # noqa: F811 - pytest fixture injection
        monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> TikTokEmulator:
    """A started emulator with quick tasks, wired as ``tiktok_default``."""
    emulator = tiktok_emulator_factory(queuing_seconds=0.05, processing_seconds=0.05)
    request.node.tiktok_secrets = secrets_of(emulator)
    for key, value in emulator.connection_env("tiktok_default").items():
        monkeypatch.setenv(key, value)
    return emulator


def secrets_of(emulator: TikTokEmulator) -> list[str]:
    cfg = emulator.config
    values = [cfg.app_secret, cfg.accounts_app_secret, cfg.login_kit_client_secret, emulator.access_token,
              *emulator.accounts_tokens.values(), *emulator.login_kit_tokens.values()]
    return [v for v in values if v and len(v) >= 12 and not v.startswith("-000")]  # open_ids are not secret


@pytest.fixture(autouse=True)
def secrets_guard(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture,
                  capsys: pytest.CaptureFixture[str]) -> Iterator[None]:
    """After every reliability test: no emulator secret in any captured log record or stdout/stderr."""
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capsys.readouterr()
    texts = [caplog.text, out, err, *(str(r.exc_info[1]) for r in caplog.records if r.exc_info)]
    for secret in getattr(request.node, "tiktok_secrets", []):
        for text in texts:
            assert secret not in text, "a secret leaked into captured logs / output"


# -- the two flows the reliability tests run ---------------------------------------------------------

StateStore = InMemoryStateStore
FakeTI = RecordingTaskInstance


def task_context(store: InMemoryStateStore | None = None) -> dict[str, Any]:
    return _task_context(state_store=store, ti=RecordingTaskInstance("reliability", "report"))


def run_report_operator(emulator: TikTokEmulator, destination: Path, output_format: str = "CSV_STRING",
                        **kwargs: Any) -> Any:
    from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator

    return TikTokRunReportOperator(
        task_id="report", report_type="BASIC", data_level="AUCTION_CAMPAIGN",
        dimensions=["campaign_id", "stat_time_day"], metrics=["spend", "impressions", "clicks"],
        advertiser_id=emulator.advertiser_ids[0], report_start_date="2024-01-01", report_end_date="2024-01-07",
        output_format=output_format, destination=destination.as_uri(), deferrable=False, poll_interval=0.02,
        **kwargs)


def sync_report_operator(emulator: TikTokEmulator, destination: Path, **kwargs: Any) -> Any:
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    return TikTokSyncReportOperator(
        task_id="sync", destination=destination.as_uri(), dimensions=["campaign_id", "stat_time_day"],
        metrics=["spend", "impressions", "ctr"], advertiser_id=emulator.advertiser_ids[0],
        data_level="AUCTION_CAMPAIGN", report_start_date="2024-01-01", report_end_date="2024-01-07", page_size=5,
        **kwargs)


def run_async_flow(emulator: TikTokEmulator, folder: Path, output_format: str = "CSV_STRING",
                   context: dict[str, Any] | None = None) -> bytes:
    dest = folder / "async.csv"
    run_report_operator(emulator, dest, output_format).execute(context or task_context())
    return dest.read_bytes()


def run_sync_flow(emulator: TikTokEmulator, folder: Path) -> bytes:
    dest = folder / "sync.jsonl"
    sync_report_operator(emulator, dest).execute({})
    return dest.read_bytes()


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` other than finished outputs (temporary ``.partial`` objects)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.name.endswith(".partial"))
