from __future__ import annotations

import itertools

import pytest

from airflow_provider_tiktok.api.marketing.status import (
    FAILURE_STATUSES,
    RUNNING_STATUSES,
    TERMINAL_STATUSES,
    ReportTaskState,
    ReportTaskStatus,
    poll_intervals,
)


def test_status_sets_partition_tiktoks_five_statuses():
    assert {s.value for s in ReportTaskStatus} == {"QUEUING", "PROCESSING", "SUCCESS", "FAILED", "CANCELED"}
    assert RUNNING_STATUSES | TERMINAL_STATUSES == set(ReportTaskStatus)
    assert not RUNNING_STATUSES & TERMINAL_STATUSES
    assert FAILURE_STATUSES == {ReportTaskStatus.FAILED, ReportTaskStatus.CANCELED}
    assert ReportTaskStatus.SUCCESS.is_success and not ReportTaskStatus.PROCESSING.is_terminal


def test_unknown_status_is_never_done():
    with pytest.raises(ValueError, match="unknown report task status 'CANCELLED'"):
        ReportTaskState.from_data({"status": "CANCELLED"}, task_id="1", advertiser_id="2")


def test_failed_state_carries_tiktoks_message():
    state = ReportTaskState.from_data({"status": "FAILED", "message": "no data"}, task_id="1", advertiser_id="2")
    assert state.status.is_failure and state.describe().endswith("FAILED: no data")


def test_poll_intervals_double_up_to_the_cap():
    assert list(itertools.islice(poll_intervals(60), 6)) == [60, 120, 240, 480, 600, 600]
    assert list(itertools.islice(poll_intervals(0.5, 3), 5)) == [0.5, 1, 2, 3, 3]
    assert list(itertools.islice(poll_intervals(900), 2)) == [900, 900]  # a first pause above the cap stays


def test_backoff_checks_grow_logarithmically():
    """A 4 s task polled from 0.5 s: at most ceil(log2(4 / 0.5)) + 2 checks (fixed polling needs 9)."""
    elapsed, checks = 0.0, 1
    for pause in poll_intervals(0.5):
        if elapsed >= 4:
            break
        elapsed += pause
        checks += 1
    assert checks <= 5


def test_poll_interval_must_be_positive():
    with pytest.raises(ValueError):
        next(poll_intervals(0))
