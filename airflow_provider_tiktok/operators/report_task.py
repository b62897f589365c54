"""Operators for TikTok's async report tasks: create, check, cancel, and run (create → wait → download).

The download operator lives in :mod:`airflow_provider_tiktok.operators.report_download`; the sensor in
:mod:`airflow_provider_tiktok.sensors.report_task`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseOperator

from airflow_provider_tiktok.api.core.errors import TikTokError
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.compat import AirflowFailException, AirflowSensorTimeout, default_deferrable
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.operators._report_common import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    ReportTaskMemo,
    cancel_quietly,
    check_once,
    fail_fast,
    is_reusable,
    raise_for_event,
    raise_for_state,
    wait_for_task,
)
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator, run_download
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger
from airflow_provider_tiktok.utils.storage import check_compression, resolve_destination

#: ``report/task/create`` parameters that may hold Jinja templates (ids and dates).
REQUEST_TEMPLATE_FIELDS = ("advertiser_id", "advertiser_ids", "report_start_date", "report_end_date")
#: The other optional ``report/task/create`` parameters (keyword arguments of the operators).
REQUEST_PARAMS = frozenset({*REQUEST_TEMPLATE_FIELDS, "data_level", "service_type", "metrics", "query_lifetime",
                            "filtering", "order_field", "order_type", "output_format", "file_name",
                            "enable_report_title_translation"})


def _hook(conn_id: str) -> Any:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    return TikTokHook(tiktok_conn_id=conn_id)


class _ReportRequestMixin:
    """Holds every ``/report/task/create/`` parameter; checks the static ones at DAG parse time."""

    def _init_request(self, *, report_type: str, dimensions: Sequence[str], advertiser_id: Any = None,
                      advertiser_ids: Any = None, data_level: str | None = None, service_type: str | None = None,
                      metrics: Sequence[str] | None = None, report_start_date: Any = None,
                      report_end_date: Any = None, query_lifetime: bool = False, filtering: Any = None,
                      order_field: str | None = None, order_type: str | None = None,
                      output_format: str = "CSV_STRING", file_name: str | None = None,
                      enable_report_title_translation: bool = False) -> None:
        opts = reports.check_report_options(
            report_type=report_type, dimensions=dimensions, data_level=data_level, service_type=service_type,
            output_format=output_format, metrics=metrics, order_type=order_type, filtering=filtering,
            file_name=file_name, query_lifetime=query_lifetime)
        if isinstance(advertiser_ids, (list, tuple)) and not any("{{" in str(i) for i in advertiser_ids):
            reports.check_advertiser_ids(advertiser_ids, opts["report_type"])
        self.report_type, self.dimensions, self.data_level = report_type, dimensions, data_level
        self.advertiser_id, self.advertiser_ids = advertiser_id, advertiser_ids
        self.service_type, self.metrics, self.query_lifetime = service_type, metrics, query_lifetime
        self.report_start_date, self.report_end_date = report_start_date, report_end_date
        self.filtering, self.order_field, self.order_type = filtering, order_field, order_type
        self.output_format, self.file_name = output_format, file_name
        self.enable_report_title_translation = enable_report_title_translation

    def build_request(self) -> reports.ReportTaskRequest:
        """The validated request from the rendered fields (raises before any HTTP call)."""
        return reports.ReportTaskRequest(
            report_type=self.report_type, dimensions=self.dimensions, advertiser_id=self.advertiser_id or None,
            advertiser_ids=self.advertiser_ids or None, data_level=self.data_level, service_type=self.service_type,
            metrics=self.metrics, start_date=self.report_start_date, end_date=self.report_end_date,
            query_lifetime=self.query_lifetime, filtering=self.filtering, order_field=self.order_field,
            order_type=self.order_type, output_format=self.output_format, file_name=self.file_name,
            enable_report_title_translation=self.enable_report_title_translation)


def _describe(request: reports.ReportTaskRequest, task_id: str) -> dict[str, Any]:
    start, end = request.date_range
    return {"task_id": task_id, "advertiser_id": request.primary_advertiser_id,
            "advertiser_ids": request.advertiser_id_list, "start_date": start, "end_date": end,
            "report_type": request.report_type.upper(), "output_format": request.normalised_output_format}


def _push_ids(context: Any, info: dict[str, Any]) -> None:
    ti = context["ti"]
    ti.xcom_push(key="report_task_id", value=info["task_id"])
    ti.xcom_push(key="advertiser_id", value=info["advertiser_id"])


def _create(hook: Any, request: reports.ReportTaskRequest) -> str:
    try:
        return hook.call(reports.create_task(request))  # type: ignore[no-any-return]
    except TikTokError as exc:
        raise fail_fast(exc) from exc


class TikTokCreateReportTaskOperator(_ReportRequestMixin, BaseOperator):
    """Create a TikTok async report task (``POST /report/task/create/``); does not wait.

    Parameters are TikTok's (see :class:`~airflow_provider_tiktok.api.marketing.reports.ReportTaskRequest`); the
    dates are ``report_start_date`` / ``report_end_date`` (``YYYY-MM-DD``, inclusive; templated) because
    ``start_date`` / ``end_date`` belong to Airflow. ``advertiser_id`` / ``advertiser_ids`` are templated.
    ``enable_report_title_translation`` defaults to ``False`` so the CSV header holds field names.

    Returns (XCom) ``{task_id, advertiser_id, advertiser_ids, start_date, end_date, report_type,
    output_format}`` and pushes keys ``report_task_id`` / ``advertiser_id``.
    """

    template_fields: Sequence[str] = (*REQUEST_TEMPLATE_FIELDS, "tiktok_conn_id")
    ui_color = "#fe2c55"

    def __init__(self, *, report_type: str, dimensions: Sequence[str], tiktok_conn_id: str = DEFAULT_CONN_ID,
                 advertiser_id: Any = None, advertiser_ids: Any = None, data_level: str | None = None,
                 service_type: str | None = None, metrics: Sequence[str] | None = None,
                 report_start_date: Any = None, report_end_date: Any = None, query_lifetime: bool = False,
                 filtering: Any = None, order_field: str | None = None, order_type: str | None = None,
                 output_format: str = "CSV_STRING", file_name: str | None = None,
                 enable_report_title_translation: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_request(
            report_type=report_type, dimensions=dimensions, advertiser_id=advertiser_id,
            advertiser_ids=advertiser_ids, data_level=data_level, service_type=service_type, metrics=metrics,
            report_start_date=report_start_date, report_end_date=report_end_date, query_lifetime=query_lifetime,
            filtering=filtering, order_field=order_field, order_type=order_type, output_format=output_format,
            file_name=file_name, enable_report_title_translation=enable_report_title_translation)
        self.tiktok_conn_id = tiktok_conn_id

    def execute(self, context: Any) -> dict[str, Any]:
        request = self.build_request()
        task_id = _create(_hook(self.tiktok_conn_id), request)
        info = _describe(request, task_id)
        _push_ids(context, info)
        self.log.info("Created TikTok report task %s for advertiser(s) %s", task_id, info["advertiser_ids"])
        return info


class _TaskIdsMixin:
    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "tiktok_conn_id")

    def _init_ids(self, report_task_id: str, advertiser_id: str, tiktok_conn_id: str) -> None:
        self.report_task_id, self.advertiser_id, self.tiktok_conn_id = report_task_id, advertiser_id, tiktok_conn_id


class TikTokCheckReportTaskOperator(_TaskIdsMixin, BaseOperator):
    """One ``/report/task/check/`` call; returns the status string (XCom).

    Fails without Airflow retries when the task is ``FAILED`` (with TikTok's message) or ``CANCELED``.
    """

    def __init__(self, *, report_task_id: str, advertiser_id: str, tiktok_conn_id: str = DEFAULT_CONN_ID,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_ids(report_task_id, advertiser_id, tiktok_conn_id)

    def execute(self, context: Any) -> str:
        state = check_once(_hook(self.tiktok_conn_id), str(self.report_task_id), str(self.advertiser_id))
        self.log.info("%s", state.describe())
        raise_for_state(state)
        return state.status.value


class TikTokCancelReportTaskOperator(_TaskIdsMixin, BaseOperator):
    """Cancel a ``QUEUING`` / ``PROCESSING`` report task (``POST /report/task/cancel/``); returns the status."""

    def __init__(self, *, report_task_id: str, advertiser_id: str, tiktok_conn_id: str = DEFAULT_CONN_ID,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._init_ids(report_task_id, advertiser_id, tiktok_conn_id)

    def execute(self, context: Any) -> str:
        try:
            status = _hook(self.tiktok_conn_id).call(
                reports.cancel_task(str(self.report_task_id), str(self.advertiser_id)))
        except TikTokError as exc:
            raise fail_fast(exc) from exc
        self.log.info("TikTok report task %s is now %s", self.report_task_id, status)
        return str(status)


class TikTokRunReportOperator(_ReportRequestMixin, BaseOperator):
    """Create a report task, wait for it, and download it, in one Airflow task.

    Crash-safe: the TikTok task id is remembered in Airflow's per-task state store (Airflow 3.3
    ``task_state_store``; an Airflow Variable on 3.1/3.2) before waiting, so a retry after a worker
    crash reconnects to the same TikTok task instead of creating a duplicate. ``on_kill`` cancels it.

    Takes every :class:`TikTokCreateReportTaskOperator` parameter plus ``destination``,
    ``destination_conn_id``, ``compression`` (as :class:`TikTokDownloadReportOperator`),
    ``poll_interval`` (first pause between status checks, default 60 s; pauses then double up to
    ``max_poll_interval``, default 600 s), ``wait_timeout`` (default 6 h), ``cancel_on_timeout`` and
    ``deferrable``. Returns the download result (XCom).
    """

    template_fields: Sequence[str] = (*REQUEST_TEMPLATE_FIELDS, "destination", "tiktok_conn_id")
    ui_color = "#fe2c55"

    def __init__(self, *, report_type: str, dimensions: Sequence[str], destination: Any,
                 tiktok_conn_id: str = DEFAULT_CONN_ID, destination_conn_id: str | None = None,
                 compression: str | None = None, poll_interval: float = DEFAULT_POLL_INTERVAL,
                 max_poll_interval: float | None = None,
                 wait_timeout: float = DEFAULT_TIMEOUT, cancel_on_timeout: bool = True,
                 deferrable: bool = default_deferrable(), **request: Any) -> None:
        super().__init__(**{k: v for k, v in request.items() if k not in REQUEST_PARAMS})
        self._init_request(report_type=report_type, dimensions=dimensions,
                           **{k: v for k, v in request.items() if k in REQUEST_PARAMS})
        check_compression(compression)
        if not (isinstance(destination, str) and "{{" in destination):
            resolve_destination(destination, conn_id=destination_conn_id)
        self.destination, self.destination_conn_id, self.compression = destination, destination_conn_id, compression
        self.tiktok_conn_id = tiktok_conn_id
        self.poll_interval, self.wait_timeout = float(poll_interval), float(wait_timeout)
        self.max_poll_interval = max_poll_interval
        self.cancel_on_timeout, self.deferrable = cancel_on_timeout, deferrable
        self._running: tuple[str, str] | None = None

    def execute(self, context: Any) -> Any:
        request = self.build_request()
        destination = resolve_destination(self.destination, conn_id=self.destination_conn_id)
        hook = _hook(self.tiktok_conn_id)
        memo = ReportTaskMemo(context)
        info = self._resume(hook, memo, request)
        if info is None:
            info = _describe(request, _create(hook, request))
            info["deadline"] = time.time() + self.wait_timeout
            memo.set(info)  # before anything waits: a crash from here on reconnects to this task
            self.log.info("Created TikTok report task %s (remembered in %s)", info["task_id"], memo.backend)
        _push_ids(context, info)
        task_id, adv = info["task_id"], info["advertiser_id"]
        self._running = (task_id, adv)
        deadline = float(info.get("deadline") or time.time() + self.wait_timeout)
        if self.deferrable:
            state = check_once(hook, task_id, adv)
            if not state.status.is_terminal:
                self.defer(trigger=TikTokReportTaskTrigger(report_task_id=task_id, advertiser_id=adv,
                                                           deadline=deadline, poll_interval=self.poll_interval,
                                                           max_poll_interval=self.max_poll_interval,
                                                           tiktok_conn_id=self.tiktok_conn_id),
                           method_name="execute_complete")
            self._finish_state(memo, state)
        else:
            try:
                wait_for_task(hook, task_id, adv, poll_interval=self.poll_interval, deadline=deadline,
                              max_poll_interval=self.max_poll_interval)
            except Exception as exc:
                self._after_failure(hook, memo, task_id, adv, exc)
                raise
        return self._download(hook, memo, destination, info)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> Any:
        hook = _hook(self.tiktok_conn_id)
        memo = ReportTaskMemo(context)
        try:
            raise_for_event(event)
        except Exception as exc:
            self._after_failure(hook, memo, (event or {}).get("task_id"), (event or {}).get("advertiser_id"), exc)
            raise
        assert event is not None
        info = memo.get() or _describe(self.build_request(), str(event["task_id"]))
        destination = resolve_destination(self.destination, conn_id=self.destination_conn_id)
        return self._download(hook, memo, destination, info)

    def _resume(self, hook: Any, memo: ReportTaskMemo, request: reports.ReportTaskRequest) -> dict[str, Any] | None:
        """The remembered TikTok task of an earlier try, when it can still deliver the report."""
        info = memo.get()
        if info is None:
            return None
        try:
            state = hook.call(reports.check_task(info["task_id"], info["advertiser_id"]))
        except TikTokError as exc:  # expired (30 days) or unknown: start over
            self.log.warning("Remembered TikTok report task %s is unusable (%s); creating a new one",
                             info["task_id"], exc)
            memo.clear()
            return None
        if not is_reusable(state):
            self.log.warning("Remembered %s; creating a new task", state.describe())
            memo.clear()
            return None
        self.log.info("Reconnecting to TikTok report task %s from an earlier try (%s)", info["task_id"],
                      state.status.value)
        return info

    def _finish_state(self, memo: ReportTaskMemo, state: Any) -> None:
        if state.status.is_failure:
            memo.clear()
            raise_for_state(state)

    def _after_failure(self, hook: Any, memo: ReportTaskMemo, task_id: Any, adv: Any, exc: BaseException) -> None:
        """Forget a TikTok task that cannot deliver any more (FAILED / CANCELED, or timed out and canceled)."""
        if isinstance(exc, AirflowSensorTimeout):
            if self.cancel_on_timeout and cancel_quietly(hook, task_id, adv):
                memo.clear()
        elif isinstance(exc, AirflowFailException):
            memo.clear()

    def _download(self, hook: Any, memo: ReportTaskMemo, destination: Any, info: dict[str, Any]) -> Any:
        result = run_download(hook, task_id=info["task_id"], advertiser_id=info["advertiser_id"],
                              advertiser_ids=info.get("advertiser_ids"), destination=destination,
                              compression=self.compression, start_date=info.get("start_date"),
                              end_date=info.get("end_date"), not_ready_wait=self.poll_interval)
        memo.clear()
        self._running = None
        return result

    def on_kill(self) -> None:
        if self._running is not None:
            cancel_quietly(_hook(self.tiktok_conn_id), *self._running)


__all__ = [
    "TikTokCancelReportTaskOperator",
    "TikTokCheckReportTaskOperator",
    "TikTokCreateReportTaskOperator",
    "TikTokDownloadReportOperator",
    "TikTokRunReportOperator",
]
