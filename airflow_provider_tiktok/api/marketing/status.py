"""The one report-task status model shared by the check operator, the sensor and the trigger."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from airflow_provider_tiktok.api import spec


class ReportTaskStatus(str, enum.Enum):
    """TikTok's async report task statuses (exact strings; note the single-L ``CANCELED``)."""

    QUEUING = spec.TASK_QUEUING
    PROCESSING = spec.TASK_PROCESSING
    SUCCESS = spec.TASK_SUCCESS
    FAILED = spec.TASK_FAILED
    CANCELED = spec.TASK_CANCELED

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATUSES

    @property
    def is_success(self) -> bool:
        return self is ReportTaskStatus.SUCCESS

    @property
    def is_failure(self) -> bool:
        return self in FAILURE_STATUSES


#: Still running: keep polling. Anything not listed here is *not* "done" by default.
RUNNING_STATUSES = frozenset({ReportTaskStatus.QUEUING, ReportTaskStatus.PROCESSING})
SUCCESS_STATUSES = frozenset({ReportTaskStatus.SUCCESS})
FAILURE_STATUSES = frozenset({ReportTaskStatus.FAILED, ReportTaskStatus.CANCELED})
TERMINAL_STATUSES = SUCCESS_STATUSES | FAILURE_STATUSES


@dataclass(frozen=True)
class ReportTaskState:
    """One answer of ``/report/task/check/``."""

    task_id: str
    advertiser_id: str
    status: ReportTaskStatus
    message: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any], *, task_id: str, advertiser_id: str) -> ReportTaskState:
        raw = str(data.get("status", ""))
        try:
            status = ReportTaskStatus(raw)
        except ValueError:
            # An unknown status is never treated as done: surface it so the caller fails loudly.
            raise ValueError(f"TikTok returned an unknown report task status {raw!r} for task {task_id}") from None
        return cls(task_id=str(data.get("task_id") or task_id), advertiser_id=advertiser_id, status=status,
                   message=data.get("message") or None)

    def describe(self) -> str:
        text = f"TikTok report task {self.task_id} (advertiser {self.advertiser_id}) is {self.status.value}"
        return f"{text}: {self.message}" if self.message else text


#: Longest pause between two status checks when none is given: reports can run for hours, and every
#: check spends the app-wide QPS budget that all DAGs share.
DEFAULT_MAX_POLL_INTERVAL = 600.0


def poll_intervals(first: float, maximum: float | None = None, factor: float = 2.0) -> Iterator[float]:
    """Pauses between status checks: ``first``, then growing by ``factor`` up to ``maximum``.

    A task that takes ``D`` seconds costs about ``log2(D / first) + 2`` checks instead of
    ``D / first + 1`` with a fixed interval. ``maximum`` defaults to
    ``max(first, DEFAULT_MAX_POLL_INTERVAL)``.
    """
    if first <= 0:
        raise ValueError(f"the poll interval must be positive, got {first}")
    cap = max(first, DEFAULT_MAX_POLL_INTERVAL if maximum is None else maximum)
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)
