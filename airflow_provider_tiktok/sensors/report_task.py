"""``TikTokReportTaskSensor``: waits for a TikTok async report task (poke, reschedule or deferrable)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_provider_tiktok.api.marketing.status import ReportTaskState
from airflow_provider_tiktok.compat import AirflowSensorTimeout, default_deferrable
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.operators._report_common import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    EVENT_TIMEOUT,
    cancel_quietly,
    check_once,
    raise_for_event,
    raise_for_state,
)
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger


def _result(task_id: str, advertiser_id: str, status: str) -> dict[str, str]:
    return {"task_id": task_id, "advertiser_id": advertiser_id, "status": status}


class TikTokReportTaskSensor(BaseSensorOperator):
    """Wait until a TikTok async report task is ``SUCCESS``.

    Fails (without Airflow retries) when the task is ``FAILED`` (with TikTok's message) or ``CANCELED``;
    any other status keeps waiting, so "not processing any more" is never mistaken for done.

    :param report_task_id: TikTok's task id (templated), e.g. ``{{ ti.xcom_pull('create')['task_id'] }}``.
    :param advertiser_id: the task's advertiser (templated; one of its ``advertiser_ids``).
    :param tiktok_conn_id: the Airflow connection.
    :param cancel_on_timeout: cancel the TikTok task when the sensor times out.
    :param deferrable: wait in the triggerer (frees the worker slot).
    :param poke_interval: seconds between checks; default 60 because TikTok's QPS budget is per app,
        shared by every DAG using it.
    :param timeout: total seconds to wait (default 6 h) in every mode.
    :param mode: ``reschedule`` (default) or ``poke``.

    Returns (XCom) ``{"task_id", "advertiser_id", "status"}``.
    """

    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(
        self,
        *,
        report_task_id: str,
        advertiser_id: str,
        tiktok_conn_id: str = DEFAULT_CONN_ID,
        cancel_on_timeout: bool = False,
        deferrable: bool = default_deferrable(),
        poke_interval: float | timedelta = DEFAULT_POLL_INTERVAL,
        timeout: float | timedelta = DEFAULT_TIMEOUT,
        mode: str = "reschedule",
        **kwargs: Any,
    ) -> None:
        super().__init__(poke_interval=poke_interval, timeout=timeout, mode=mode, **kwargs)
        self.report_task_id = report_task_id
        self.advertiser_id = advertiser_id
        self.tiktok_conn_id = tiktok_conn_id
        self.cancel_on_timeout = cancel_on_timeout
        self.deferrable = deferrable

    def _hook(self) -> Any:
        from airflow_provider_tiktok.hooks.tiktok import TikTokHook

        return TikTokHook(tiktok_conn_id=self.tiktok_conn_id)

    def poke(self, context: Any) -> bool | PokeReturnValue:
        state: ReportTaskState = check_once(self._hook(), str(self.report_task_id), str(self.advertiser_id))
        self.log.info("%s", state.describe())
        if not state.status.is_terminal:
            return False
        raise_for_state(state)
        return PokeReturnValue(is_done=True, xcom_value=_result(state.task_id, state.advertiser_id,
                                                                 state.status.value))

    def execute(self, context: Any) -> Any:
        if self.deferrable:
            first = self.poke(context)
            if isinstance(first, PokeReturnValue):
                return first.xcom_value
            self.defer(
                trigger=TikTokReportTaskTrigger(
                    report_task_id=str(self.report_task_id),
                    advertiser_id=str(self.advertiser_id),
                    deadline=time.time() + self.timeout,
                    poll_interval=self.poke_interval,
                    tiktok_conn_id=self.tiktok_conn_id,
                ),
                method_name="execute_complete",
            )
        try:
            return super().execute(context)
        except AirflowSensorTimeout:
            self._cancel_after_timeout()
            raise

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> dict[str, str]:
        if event and event.get("status") == EVENT_TIMEOUT:
            self._cancel_after_timeout()
        raise_for_event(event)
        assert event is not None
        return _result(str(event["task_id"]), str(event["advertiser_id"]), str(event.get("report_status")))

    def _cancel_after_timeout(self) -> None:
        if self.cancel_on_timeout:
            cancel_quietly(self._hook(), str(self.report_task_id), str(self.advertiser_id))
