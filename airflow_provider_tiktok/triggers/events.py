"""The one event type of the report-task trigger, read by the sensor and the run-report operator."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from airflow_provider_tiktok.api.marketing.status import ReportTaskState
from airflow_provider_tiktok.compat import AirflowException, AirflowFailException, AirflowSensorTimeout

EventStatus = Literal["success", "failed", "canceled", "timeout", "error"]
STATUSES: frozenset[str] = frozenset({"success", "failed", "canceled", "timeout", "error"})


@dataclass(frozen=True)
class ReportTaskEvent:
    """What a :class:`~airflow_provider_tiktok.triggers.report_task.TikTokReportTaskTrigger` fires.

    :param status: ``success``, ``failed`` / ``canceled`` (TikTok's terminal states), ``timeout`` (the
        deadline passed) or ``error`` (the trigger could not check, e.g. a missing connection).
    :param report_task_id: TikTok's task id.
    :param advertiser_id: the task's advertiser.
    :param message: a sentence for the task log.
    :param report_status: TikTok's last status string (``SUCCESS``, ``PROCESSING``, ...) when known.
    :param checks: how many status checks the trigger made.
    :param retryable: for ``error``: whether an Airflow retry may help (``False`` for bad credentials,
        permissions or parameters, which then fail the task on its first try).
    """

    status: EventStatus
    report_task_id: str
    advertiser_id: str
    message: str
    report_status: str | None = None
    checks: int = 0
    retryable: bool = True

    @classmethod
    def from_state(cls, state: ReportTaskState, *, timed_out: bool = False, checks: int = 0) -> ReportTaskEvent:
        if timed_out and not state.status.is_terminal:
            return cls("timeout", state.task_id, state.advertiser_id, f"{state.describe()} at the deadline",
                       state.status.value, checks)
        status: EventStatus = "success" if state.status.is_success else \
            "failed" if state.status.value == "FAILED" else "canceled"
        return cls(status, state.task_id, state.advertiser_id, state.describe(), state.status.value, checks)

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: Any) -> ReportTaskEvent:
        """Read an event back; a payload that is not one is an :class:`AirflowException`."""
        if not isinstance(payload, dict) or payload.get("status") not in STATUSES:
            raise AirflowException(f"TikTok report trigger returned no usable event: {payload!r}")
        return cls(status=payload["status"], report_task_id=str(payload.get("report_task_id") or ""),
                   advertiser_id=str(payload.get("advertiser_id") or ""),
                   message=str(payload.get("message") or payload["status"]),
                   report_status=payload.get("report_status"), checks=int(payload.get("checks") or 0),
                   retryable=bool(payload.get("retryable", True)))

    def describe(self) -> str:
        """One log line: the outcome and how many checks the triggerer made."""
        return f"{self.message} (after {self.checks} status check(s) in the triggerer)"

    def raise_for_status(self) -> None:
        """Return on success; fail (no retry) on FAILED / CANCELED; ``AirflowSensorTimeout`` on timeout."""
        if self.status == "success":
            return
        if self.status in ("failed", "canceled"):
            raise AirflowFailException(self.message)
        if self.status == "timeout":
            raise AirflowSensorTimeout(self.message)
        if not self.retryable:
            raise AirflowFailException(f"TikTok report task {self.report_task_id}: {self.message}")
        raise AirflowException(f"TikTok report task {self.report_task_id}: {self.message}")


__all__ = ["ReportTaskEvent"]
