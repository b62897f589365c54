"""``TikTokReportTaskSensor``: waits for a TikTok async report task (poke, reschedule or deferrable)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_tiktok.api.core.errors import TikTokError
from airflow_provider_tiktok.compat import AirflowSensorTimeout, default_deferrable
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.operators._report_common import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    cancel_quietly,
    raise_for_state,
)
from airflow_provider_tiktok.operators.base import TikTokHookMixin, check_positive, fail_for
from airflow_provider_tiktok.triggers.events import ReportTaskEvent
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger


def _result(report_task_id: str, advertiser_id: str, status: str | None) -> dict[str, Any]:
    return {"report_task_id": report_task_id, "advertiser_id": advertiser_id, "status": status}


class TikTokReportTaskSensor(TikTokHookMixin, BaseSensorOperator):
    """Wait until a TikTok async report task is ``SUCCESS``.

    Fails (without Airflow retries) when the task is ``FAILED`` (with TikTok's message) or ``CANCELED``;
    any other status keeps waiting, so "not processing any more" is never mistaken for done. It checks
    through the same hook method as the trigger (``get_report_task_state`` / ``aget_report_task_state``)
    and maps errors as the operators do.

    :param report_task_id: TikTok's task id (templated), e.g. ``{{ ti.xcom_pull('create')['report_task_id'] }}``.
    :param advertiser_id: the task's advertiser (templated; one of its ``advertiser_ids``).
    :param tiktok_conn_id: the Airflow connection.
    :param cancel_on_timeout: cancel the TikTok task when the sensor times out.
    :param deferrable: wait in the triggerer (frees the worker slot).
    :param poke_interval: seconds between checks; default 60 because TikTok's QPS budget is per app,
        shared by every DAG using it.
    :param timeout: total seconds to wait (default 6 h) in every mode.
    :param mode: ``reschedule`` (default) or ``poke``.

    Returns (XCom) ``{"report_task_id", "advertiser_id", "status"}``.
    """

    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(self, *, report_task_id: str, advertiser_id: str, tiktok_conn_id: str = DEFAULT_CONN_ID,
                 cancel_on_timeout: bool = False, deferrable: bool = default_deferrable(),
                 poke_interval: float | timedelta = DEFAULT_POLL_INTERVAL,
                 timeout: float | timedelta = DEFAULT_TIMEOUT, mode: str = "reschedule", **kwargs: Any) -> None:
        for name, value in (("poke_interval", poke_interval), ("timeout", timeout)):
            check_positive(name, value.total_seconds() if isinstance(value, timedelta) else value)
        super().__init__(poke_interval=poke_interval, timeout=timeout, mode=mode, **kwargs)
        self.report_task_id = report_task_id
        self.advertiser_id = advertiser_id
        self.tiktok_conn_id = tiktok_conn_id
        self.cancel_on_timeout = cancel_on_timeout
        self.deferrable = deferrable

    def poke(self, context: Any) -> bool | PokeReturnValue:
        try:
            state = self.hook.get_report_task_state(str(self.report_task_id), str(self.advertiser_id))
        except TikTokError as exc:
            raise fail_for(exc, f"TikTokReportTaskSensor {self.task_id!r}") from exc
        self.log.info("%s", state.describe())
        if not state.status.is_terminal:
            return False
        raise_for_state(state)
        return PokeReturnValue(is_done=True, xcom_value=_result(state.task_id, state.advertiser_id,
                                                                 state.status.value))

    def execute(self, context: Any) -> Any:
        try:
            if self.deferrable:
                first = self.poke(context)
                if isinstance(first, PokeReturnValue):
                    return first.xcom_value
                self.defer(trigger=TikTokReportTaskTrigger(
                    report_task_id=str(self.report_task_id), advertiser_id=str(self.advertiser_id),
                    deadline=time.time() + self.timeout, poll_interval=self.poke_interval,
                    tiktok_conn_id=self.tiktok_conn_id), method_name="execute_complete")
            try:
                return super().execute(context)
            except AirflowSensorTimeout:
                self._cancel_after_timeout()
                raise
        finally:
            self.close_hook()

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            parsed = ReportTaskEvent.from_payload(event)
            self.log.info("%s", parsed.describe())
            if parsed.status == "timeout":
                self._cancel_after_timeout()
            parsed.raise_for_status()
            return _result(parsed.report_task_id, parsed.advertiser_id, parsed.report_status)
        finally:
            self.close_hook()

    def _cancel_after_timeout(self) -> None:
        if self.cancel_on_timeout:
            cancel_quietly(self.hook, str(self.report_task_id), str(self.advertiser_id))
