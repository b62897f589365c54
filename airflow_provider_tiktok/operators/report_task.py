"""Operators for TikTok's async report tasks: create, check, cancel, and run (create → wait → download).

The request: every field of :class:`~airflow_provider_tiktok.api.marketing.reports.ReportTaskRequest`
is a keyword argument of the create and run operators, with the dates spelled ``report_start_date`` /
``report_end_date`` (``start_date`` / ``end_date`` belong to Airflow). All of them are templated (kept
together in the ``request_params`` template field); static values are checked while the DAG is parsed,
rendered ones before any HTTP call, by the one request model.

The download operator lives in :mod:`airflow_provider_tiktok.operators.report_download`; the sensor in
:mod:`airflow_provider_tiktok.sensors.report_task`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api.core.params import normalize_enum
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.api.marketing.presets import apply_preset
from airflow_provider_tiktok.compat import AirflowFailException, AirflowSensorTimeout, default_deferrable
from airflow_provider_tiktok.operators._report_common import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    ReportTaskMemo,
    cancel_quietly,
    raise_for_state,
    resume_remembered,
)
from airflow_provider_tiktok.operators.base import (
    TikTokBaseOperator,
    TikTokWriteOperator,
    check_positive,
    holds_template,
)
from airflow_provider_tiktok.operators.report_download import download_result
from airflow_provider_tiktok.triggers.events import ReportTaskEvent
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger

#: Operator keyword -> request model field, where Airflow already owns the model's name.
RENAMED = {"report_start_date": "start_date", "report_end_date": "end_date"}
#: Every request keyword the operators take.
REQUEST_KEYWORDS = frozenset(
    ({f.name for f in dataclasses.fields(reports.ReportTaskRequest)} - set(RENAMED.values())) | set(RENAMED))


def split_request(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the request keywords out of ``kwargs`` (the rest goes to ``BaseOperator``)."""
    return {key: kwargs.pop(key) for key in list(kwargs) if key in REQUEST_KEYWORDS}


def check_static_request(params: dict[str, Any]) -> None:
    """Parse-time check of the request values that hold no template (the model's own rules)."""
    static = {k: v for k, v in params.items() if not holds_template(v)}
    options = ("report_type", "dimensions", "data_level", "service_type", "output_format", "metrics", "order_type",
               "filtering", "file_name", "query_lifetime")
    if all(k in static for k in options if k in params):  # the combination can only be checked complete
        opts = reports.check_report_options(**{k: static[k] for k in options if k in static})
        if "advertiser_ids" in static:
            reports.check_advertiser_ids(static["advertiser_ids"], opts["report_type"])
    else:
        for name, allowed in reports.ENUM_OPTIONS.items():
            if name in static:
                normalize_enum(static[name], allowed, name)
    if "report_start_date" in static and "report_end_date" in static:
        reports.check_date_range(static["report_start_date"], static["report_end_date"],
                                 query_lifetime=bool(static.get("query_lifetime")), names=tuple(RENAMED))


def build_request(params: dict[str, Any]) -> reports.ReportTaskRequest:
    """The validated request from rendered operator keywords (errors name the operator's keywords)."""
    reports.check_date_range(params.get("report_start_date"), params.get("report_end_date"),
                             query_lifetime=bool(params.get("query_lifetime")), names=tuple(RENAMED))
    fields = {RENAMED.get(k, k): v for k, v in params.items()}
    for key in ("advertiser_id", "advertiser_ids"):
        if fields.get(key) in ("", [], ()):
            fields[key] = None
    return reports.ReportTaskRequest(**fields)


def describe(request: reports.ReportTaskRequest, report_task_id: str) -> dict[str, Any]:
    """The create operator's result (and what the run operator remembers)."""
    start, end = request.date_range
    return {"report_task_id": report_task_id, "advertiser_id": request.primary_advertiser_id,
            "advertiser_ids": request.advertiser_id_list, "start_date": start, "end_date": end,
            "report_type": request.report_type, "output_format": request.output_format}


def _push_ids(context: Any, info: dict[str, Any]) -> None:
    ti = context["ti"]
    ti.xcom_push(key="report_task_id", value=info["report_task_id"])
    ti.xcom_push(key="advertiser_id", value=info["advertiser_id"])


class _ReportRequestOperator(TikTokBaseOperator):
    """Holds the report request keywords (templated, checked at parse time).

    ``preset`` (:data:`~airflow_provider_tiktok.api.marketing.presets.PRESETS`) fills ``report_type``,
    ``data_level``, ``dimensions`` and ``metrics``; each of them given explicitly wins.
    """

    def __init__(self, *, report_type: str | None = None, dimensions: Sequence[str] | None = None,
                 preset: str | None = None, **kwargs: Any) -> None:
        params = {"report_type": report_type, "dimensions": dimensions, **split_request(kwargs)}
        params.update(apply_preset(preset, params))
        check_static_request(params)
        super().__init__(**kwargs)
        self.preset = preset
        self.request_params = params

    def build_request(self) -> reports.ReportTaskRequest:
        return build_request(self.request_params)


class TikTokCreateReportTaskOperator(_ReportRequestOperator):
    """Create a TikTok async report task (``POST /report/task/create/``); does not wait.

    Takes the request keywords (module docstring); ``enable_report_title_translation`` defaults to
    ``False`` so the CSV header holds field names.

    Crash-safe like :class:`TikTokRunReportOperator`: the new task id is remembered in Airflow's task state
    store (a Variable on 3.1 / 3.2) until the task instance succeeds, so a retry after a lost worker returns the
    TikTok task created before instead of creating a second one (unless TikTok says it is unusable).

    Returns (XCom) ``{report_task_id, advertiser_id, advertiser_ids, start_date, end_date, report_type,
    output_format}`` and pushes keys ``report_task_id`` / ``advertiser_id``.
    """

    template_fields: Sequence[str] = ("request_params", "tiktok_conn_id")

    def run(self, context: Any) -> dict[str, Any]:
        request = self.build_request()
        memo = ReportTaskMemo(context)
        info = resume_remembered(self.hook, memo, self.log)
        if info is None:
            info = describe(request, self.hook.create_report_task(request))
            memo.set(info)
            self.log.info("Created TikTok report task %s for advertiser(s) %s (remembered in %s until this task "
                          "succeeds)", info["report_task_id"], info["advertiser_ids"], memo.backend)
        _push_ids(context, info)
        memo.clear()
        return info


class _ReportTaskIdsOperator(TikTokBaseOperator):
    template_fields: Sequence[str] = ("report_task_id", "advertiser_id", "tiktok_conn_id")

    def __init__(self, *, report_task_id: str, advertiser_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.report_task_id, self.advertiser_id = report_task_id, advertiser_id


class TikTokCheckReportTaskOperator(_ReportTaskIdsOperator):
    """One ``/report/task/check/`` call; returns the status string (XCom).

    Fails without Airflow retries when the task is ``FAILED`` (with TikTok's message) or ``CANCELED``.
    """

    def run(self, context: Any) -> str:
        state = self.hook.get_report_task_state(str(self.report_task_id), str(self.advertiser_id))
        self.log.info("%s", state.describe())
        raise_for_state(state)
        return state.status.value


class TikTokCancelReportTaskOperator(_ReportTaskIdsOperator):
    """Cancel a ``QUEUING`` / ``PROCESSING`` report task (``POST /report/task/cancel/``); returns the status."""

    def run(self, context: Any) -> str:
        status = self.hook.cancel_report_task(str(self.report_task_id), str(self.advertiser_id))
        self.log.info("TikTok report task %s is now %s", self.report_task_id, status)
        return str(status)


class TikTokRunReportOperator(_ReportRequestOperator, TikTokWriteOperator):
    """Create a report task, wait for it, and download it, in one Airflow task.

    Crash-safe: the TikTok task id is remembered in Airflow's per-task state store (Airflow 3.3
    ``task_state_store``; an Airflow Variable on 3.1/3.2) before waiting, so a retry reconnects to the
    same TikTok task instead of creating a duplicate. Only TikTok's own answer that the remembered task
    is unusable (unknown or expired: 40002; FAILED; CANCELED) leads to a new task: any other error
    (transport, TikTok server error, rate limit, credentials) fails the try and keeps the remembered id.
    ``on_kill`` cancels the task.

    Takes the request keywords plus ``destination``, ``destination_conn_id``, ``compression``,
    ``emit_asset`` (as :class:`~airflow_provider_tiktok.operators.report_download.TikTokDownloadReportOperator`),
    ``poll_interval`` (first pause between status checks, default 60 s; pauses then double up to
    ``max_poll_interval``, default 600 s), ``wait_timeout`` (default 6 h), ``cancel_on_timeout`` and
    ``deferrable``. Returns the download result (the shared result schema).
    """

    template_fields: Sequence[str] = ("request_params", "destination", "tiktok_conn_id")

    def __init__(self, *, destination: Any, poll_interval: float = DEFAULT_POLL_INTERVAL,
                 max_poll_interval: float | None = None, wait_timeout: float = DEFAULT_TIMEOUT,
                 cancel_on_timeout: bool = True, deferrable: bool = default_deferrable(), **kwargs: Any) -> None:
        check_positive("poll_interval", poll_interval)
        check_positive("max_poll_interval", max_poll_interval, allow_none=True)
        check_positive("wait_timeout", wait_timeout)
        super().__init__(destination=destination, **kwargs)
        self.poll_interval, self.wait_timeout = float(poll_interval), float(wait_timeout)
        self.max_poll_interval = max_poll_interval
        self.cancel_on_timeout, self.deferrable = cancel_on_timeout, deferrable
        self._running: tuple[str, str] | None = None

    def run(self, context: Any) -> Any:
        request = self.build_request()
        destination = self.resolved_destination()
        memo = ReportTaskMemo(context)
        info = resume_remembered(self.hook, memo, self.log)
        if info is None:
            info = describe(request, self.hook.create_report_task(request))
            info["deadline"] = time.time() + self.wait_timeout
            memo.set(info)  # before anything waits: a crash from here on reconnects to this task
            self.log.info("Created TikTok report task %s (remembered in %s)", info["report_task_id"], memo.backend)
        _push_ids(context, info)
        task_id, adv = info["report_task_id"], info["advertiser_id"]
        self._running = (task_id, adv)
        deadline = float(info.get("deadline") or time.time() + self.wait_timeout)
        if self.deferrable:
            state = self.hook.get_report_task_state(task_id, adv)
            if not state.status.is_terminal:
                self.defer(trigger=TikTokReportTaskTrigger(report_task_id=task_id, advertiser_id=adv,
                                                           deadline=deadline, poll_interval=self.poll_interval,
                                                           max_poll_interval=self.max_poll_interval,
                                                           tiktok_conn_id=self.tiktok_conn_id),
                           method_name="execute_complete")
        else:
            state = self.hook.wait_for_report_task(task_id, adv, poll_interval=self.poll_interval,
                                                   deadline=deadline, max_poll_interval=self.max_poll_interval)
        try:
            ReportTaskEvent.from_state(state, timed_out=True).raise_for_status()
        except Exception as exc:
            self._after_failure(memo, task_id, adv, exc)
            raise
        return self._download(memo, destination, info)

    def resume(self, context: Any, event: dict[str, Any] | None) -> Any:
        memo = ReportTaskMemo(context)
        try:
            parsed = ReportTaskEvent.from_payload(event)
            self.log.info("%s", parsed.describe())
            parsed.raise_for_status()
        except Exception as exc:
            payload = event if isinstance(event, dict) else {}
            self._after_failure(memo, payload.get("report_task_id"), payload.get("advertiser_id"), exc)
            raise
        info = memo.get() or describe(self.build_request(), parsed.report_task_id)
        return self._download(memo, self.resolved_destination(), info)

    def _after_failure(self, memo: ReportTaskMemo, task_id: Any, adv: Any, exc: BaseException) -> None:
        """Forget a TikTok task that cannot deliver any more (FAILED / CANCELED, or timed out and canceled)."""
        if isinstance(exc, AirflowSensorTimeout):
            if self.cancel_on_timeout and cancel_quietly(self.hook, task_id, adv):
                memo.clear()
        elif isinstance(exc, AirflowFailException):
            memo.clear()

    def _download(self, memo: ReportTaskMemo, destination: Any, info: dict[str, Any]) -> Any:
        result = download_result(self.hook, report_task_id=info["report_task_id"],
                                 advertiser_id=info["advertiser_id"], advertiser_ids=info.get("advertiser_ids"),
                                 destination=destination, compression=self.compression,
                                 start_date=info.get("start_date"), end_date=info.get("end_date"),
                                 not_ready_wait=self.poll_interval, owner=self.partial_owner)
        memo.clear()
        self._running = None
        return result

    def on_kill(self) -> None:
        if self._running is not None:
            cancel_quietly(self.hook, *self._running)
            self.close_hook()


__all__ = [
    "TikTokCancelReportTaskOperator",
    "TikTokCheckReportTaskOperator",
    "TikTokCreateReportTaskOperator",
    "TikTokRunReportOperator",
]
