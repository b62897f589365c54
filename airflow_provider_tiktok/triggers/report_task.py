"""``TikTokReportTaskTrigger``: polls an async report task from the triggerer (httpx, no thread)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_tiktok.api.core.errors import PERMANENT_ERRORS, TikTokError
from airflow_provider_tiktok.api.marketing.status import poll_intervals
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.triggers.events import EventStatus, ReportTaskEvent

CLASSPATH = "airflow_provider_tiktok.triggers.report_task.TikTokReportTaskTrigger"


class TikTokReportTaskTrigger(BaseTrigger):
    """Wait for a TikTok async report task to finish; fire one event.

    :param report_task_id: TikTok's task id.
    :param advertiser_id: the advertiser the task was created for (one of ``advertiser_ids``).
    :param deadline: absolute wall-clock deadline, epoch seconds; a ``timeout`` event fires then.
    :param poll_interval: seconds before the second ``/report/task/check/`` call; the pause then doubles
        up to ``max_poll_interval`` (default ``max(poll_interval, 600)``).
    :param max_poll_interval: longest pause between two checks.
    :param tiktok_conn_id: the Airflow connection.
    :param cancel_on_kill: on Airflow 3.3+, cancel the TikTok task when the deferred Airflow task is
        killed by a user (mark failed / clear). Harmless on older Airflow, which never calls it.

    Fires one :class:`~airflow_provider_tiktok.triggers.events.ReportTaskEvent` (its ``to_payload()``).
    """

    def __init__(
        self,
        report_task_id: str,
        advertiser_id: str,
        deadline: float,
        poll_interval: float = 60.0,
        tiktok_conn_id: str = DEFAULT_CONN_ID,
        cancel_on_kill: bool = True,
        max_poll_interval: float | None = None,
    ) -> None:
        super().__init__()
        self.report_task_id = str(report_task_id)
        self.advertiser_id = str(advertiser_id)
        self.deadline = float(deadline)
        self.poll_interval = float(poll_interval)
        self.tiktok_conn_id = tiktok_conn_id
        self.cancel_on_kill = bool(cancel_on_kill)
        self.max_poll_interval = None if max_poll_interval is None else float(max_poll_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return CLASSPATH, {
            "report_task_id": self.report_task_id,
            "advertiser_id": self.advertiser_id,
            "deadline": self.deadline,
            "poll_interval": self.poll_interval,
            "tiktok_conn_id": self.tiktok_conn_id,
            "cancel_on_kill": self.cancel_on_kill,
            "max_poll_interval": self.max_poll_interval,
        }

    def _event(self, status: EventStatus, message: str, *, retryable: bool = True) -> TriggerEvent:
        event = ReportTaskEvent(status, self.report_task_id, self.advertiser_id, message, retryable=retryable)
        return TriggerEvent(event.to_payload())

    async def run(self) -> AsyncIterator[TriggerEvent]:
        hook = TikTokHook(tiktok_conn_id=self.tiktok_conn_id)
        try:
            pauses = poll_intervals(self.poll_interval, self.max_poll_interval)
            checks = 0
            while True:
                state = await hook.aget_report_task_state(self.report_task_id, self.advertiser_id)
                checks += 1
                remaining = self.deadline - time.time()
                if state.status.is_terminal or remaining <= 0:
                    event = ReportTaskEvent.from_state(state, timed_out=True, checks=checks)
                    self.log.info("%s", event.describe())
                    yield TriggerEvent(event.to_payload())
                    return
                pause = min(next(pauses), remaining)
                self.log.info("%s; next check in %.0fs", state.describe(), pause)
                await asyncio.sleep(pause)
        except TikTokError as exc:
            yield self._event("error", str(exc), retryable=not isinstance(exc, PERMANENT_ERRORS))
        except Exception as exc:  # e.g. a missing connection: still one event, never a crashed trigger
            yield self._event("error", f"{type(exc).__name__}: {exc}")
        finally:
            await hook.aclose()

    async def on_kill(self) -> None:
        """Airflow 3.3+: the user killed the deferred task; cancel the TikTok task (best effort)."""
        if not self.cancel_on_kill:
            return
        hook = TikTokHook(tiktok_conn_id=self.tiktok_conn_id)
        try:
            await hook.acancel_report_task(self.report_task_id, self.advertiser_id)
            self.log.info("Canceled TikTok report task %s", self.report_task_id)
        except Exception as exc:  # already finished, or TikTok unreachable
            self.log.warning("Could not cancel TikTok report task %s: %s", self.report_task_id, exc)
        finally:
            await hook.aclose()
