"""What the report-task operators, the sensor and the trigger share on the Airflow side.

- turning a report status / trigger event into success or the right Airflow exception,
- :class:`ReportTaskMemo`: where a running TikTok task id is remembered across task retries.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from airflow_provider_tiktok.api.core.errors import TikTokError
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.api.marketing.status import RUNNING_STATUSES, ReportTaskState, poll_intervals
from airflow_provider_tiktok.compat import AirflowException, AirflowFailException, AirflowSensorTimeout
from airflow_provider_tiktok.utils.failures import fail_or_raise

log = logging.getLogger(__name__)

#: Trigger event statuses (lower case, like other providers' events).
EVENT_SUCCESS = "success"
EVENT_TIMEOUT = "timeout"
EVENT_ERROR = "error"
#: Default seconds between status checks: TikTok's QPS budget is app-wide, shared by every DAG.
DEFAULT_POLL_INTERVAL = 60.0
DEFAULT_TIMEOUT = 6 * 3600.0

def fail_fast(exc: TikTokError) -> BaseException:
    """The exception to raise for ``exc``: :class:`AirflowFailException` when retrying cannot help."""
    return fail_or_raise(exc, "TikTok report task")


def raise_for_state(state: ReportTaskState) -> None:
    """Fail (without Airflow retries) on FAILED / CANCELED, with TikTok's message."""
    if state.status.is_failure:
        raise AirflowFailException(state.describe())


def raise_for_event(event: dict[str, Any] | None) -> None:
    """Check a trigger event; return on success, raise otherwise (timeout is the caller's job)."""
    if not event or "status" not in event:
        raise AirflowException(f"TikTok report trigger returned no usable event: {event!r}")
    status = event["status"]
    if status == EVENT_SUCCESS:
        return
    message = event.get("message") or status
    if status in ("failed", "canceled"):
        raise AirflowFailException(message)
    if status == EVENT_TIMEOUT:
        raise AirflowSensorTimeout(message)
    raise AirflowException(f"TikTok report task {event.get('task_id')}: {message}")


def check_once(hook: Any, task_id: str, advertiser_id: str) -> ReportTaskState:
    try:
        return hook.call(reports.check_task(task_id, advertiser_id))  # type: ignore[no-any-return]
    except TikTokError as exc:
        raise fail_fast(exc) from exc


def wait_for_task(hook: Any, task_id: str, advertiser_id: str, *, poll_interval: float,
                  deadline: float, max_poll_interval: float | None = None) -> ReportTaskState:
    """Poll until the task is terminal (raises on FAILED / CANCELED) or ``deadline`` (epoch s) passes.

    Pauses start at ``poll_interval`` and double up to ``max_poll_interval`` (see ``poll_intervals``).
    """
    pauses = poll_intervals(poll_interval, max_poll_interval)
    while True:
        state = check_once(hook, task_id, advertiser_id)
        log.info("%s", state.describe())
        if state.status.is_terminal:
            raise_for_state(state)
            return state
        remaining = deadline - time.time()
        if remaining <= 0:
            raise AirflowSensorTimeout(f"TikTok report task {task_id} still {state.status.value} at the deadline")
        time.sleep(min(next(pauses), remaining))


def cancel_quietly(hook: Any, task_id: str | None, advertiser_id: str | None) -> bool:
    """Best-effort cancel (kill / timeout paths); never raises. True when TikTok confirmed it."""
    if not task_id or not advertiser_id:
        return False
    try:
        hook.call(reports.cancel_task(task_id, advertiser_id))
    except Exception as exc:  # a task that already finished cannot be canceled: fine
        log.warning("Could not cancel TikTok report task %s: %s", task_id, exc)
        return False
    log.info("Canceled TikTok report task %s", task_id)
    return True


class ReportTaskMemo:
    """Remembers the TikTok task a task instance created, across retries and worker crashes.

    Airflow 3.3+: ``context["task_state_store"]`` (scoped to dag/run/task/map index, kept across
    tries). Airflow 3.1/3.2: an Airflow Variable keyed by dag, run, task and map index (metadata DB,
    so it survives a worker crash as well); deleted once the report is downloaded.
    """

    KEY = "tiktok_report_task"

    def __init__(self, context: Any) -> None:
        self._store = context.get("task_state_store") if hasattr(context, "get") else None
        ti = context["ti"]
        map_index = getattr(ti, "map_index", -1)
        self._variable_key = f"{self.KEY}__{ti.dag_id}__{ti.run_id}__{ti.task_id}__{map_index}"

    @property
    def backend(self) -> str:
        return "task_state_store" if self._store is not None else "variable"

    def get(self) -> dict[str, Any] | None:
        if self._store is not None:
            value = self._store.get(self.KEY)
        else:
            from airflow.sdk import Variable

            value = Variable.get(self._variable_key, default=None, deserialize_json=True)
        return value if isinstance(value, dict) and value.get("task_id") else None

    def set(self, value: dict[str, Any]) -> None:
        if self._store is not None:
            self._store.set(self.KEY, value)
        else:
            from airflow.sdk import Variable

            Variable.set(self._variable_key, value, serialize_json=True,
                         description="TikTok report task of a running Airflow task (removed when done)")

    def clear(self) -> None:
        try:
            if self._store is not None:
                self._store.delete(self.KEY)
            else:
                from airflow.sdk import Variable

                Variable.delete(self._variable_key)
        except Exception as exc:  # leftovers only cost a lookup next time
            log.warning("Could not clear the remembered TikTok task: %s", exc)


def is_reusable(state: ReportTaskState) -> bool:
    """A remembered task worth reconnecting to: still running or already successful."""
    return state.status in RUNNING_STATUSES or state.status.is_success
