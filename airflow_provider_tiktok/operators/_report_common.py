"""What the report-task operators and the sensor share on the Airflow side.

- defaults of the waits, turning a report status into success or the right Airflow exception,
- best-effort cancel (kill / timeout paths),
- :class:`ReportTaskMemo`: where a running TikTok task id is remembered across task retries.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow_provider_tiktok.api.core.errors import TikTokInvalidRequestError
from airflow_provider_tiktok.api.marketing.status import RUNNING_STATUSES, ReportTaskState
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.hooks.tiktok import TikTokHook

log = logging.getLogger(__name__)

#: Default seconds between status checks: TikTok's QPS budget is app-wide, shared by every DAG.
DEFAULT_POLL_INTERVAL = 60.0
DEFAULT_TIMEOUT = 6 * 3600.0


def raise_for_state(state: ReportTaskState) -> None:
    """Fail (without Airflow retries) on FAILED / CANCELED, with TikTok's message."""
    if state.status.is_failure:
        raise AirflowFailException(state.describe())


def cancel_quietly(hook: TikTokHook, report_task_id: str | None, advertiser_id: str | None) -> bool:
    """Best-effort cancel; never raises. True when TikTok confirmed it."""
    if not report_task_id or not advertiser_id:
        return False
    try:
        hook.cancel_report_task(report_task_id, advertiser_id)
    except Exception as exc:  # a task that already finished cannot be canceled: fine
        log.warning("Could not cancel TikTok report task %s: %s", report_task_id, exc)
        return False
    log.info("Canceled TikTok report task %s", report_task_id)
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
        return value if isinstance(value, dict) and value.get("report_task_id") else None

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


def resume_remembered(hook: TikTokHook, memo: ReportTaskMemo, logger: Any = log) -> dict[str, Any] | None:
    """The TikTok task an earlier try remembered, when it can still deliver the report; else None.

    Only TikTok's own answer that the task is unusable (40002: unknown or expired, kept 30 days; FAILED;
    CANCELED) forgets it. Any other error (transport, TikTok server error, rate limit, credentials) is raised:
    the try fails and the remembered id is kept for the next one.
    """
    info = memo.get()
    if info is None:
        return None
    try:
        state = hook.get_report_task_state(info["report_task_id"], info["advertiser_id"])
    except TikTokInvalidRequestError as exc:
        logger.warning("TikTok says the remembered report task %s is unusable (%s); creating a new one",
                       info["report_task_id"], exc)
        memo.clear()
        return None
    if not is_reusable(state):
        logger.warning("Remembered %s; creating a new task", state.describe())
        memo.clear()
        return None
    logger.info("Reconnecting to TikTok report task %s from an earlier try (%s)", info["report_task_id"],
                state.status.value)
    return info
