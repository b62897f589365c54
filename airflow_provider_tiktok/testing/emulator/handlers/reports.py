"""Reporting endpoints: sync /report/integrated/get/, async /report/task/*, and the file URLs."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.testing.emulator.auth import check_advertisers
from airflow_provider_tiktok.testing.emulator.data import iter_csv
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.params import str_param
from airflow_provider_tiktok.testing.emulator.state import FileLink, MarketingToken, Task, TaskOutcome
from airflow_provider_tiktok.testing.emulator.validation import ReportQuery, validate_report
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request, Response, ok
from airflow_provider_tiktok.testing.emulator.xlsx import XLSX_MIME, build_xlsx

TASK_RETENTION_SECONDS = 30 * 86400


def _token_advertisers(req: Request) -> list[str]:
    return list(req.token.advertiser_ids) if isinstance(req.token, MarketingToken) else []


def _check_query_permissions(emu: Emulator, req: Request, query: ReportQuery) -> None:
    if query.report_type == "BC":
        if not isinstance(req.token, MarketingToken) or query.bc_id != emu.config.bc_id:
            raise ApiError(40001, f"No permission to operate business center {query.bc_id}")
        return
    check_advertisers(req.token, query.advertiser_ids)


# --- sync --------------------------------------------------------------------------------
def report_integrated_get(emu: Emulator, req: Request) -> Response:
    query = validate_report(req.query, async_mode=False, bc_advertisers=_token_advertisers(req))
    _check_query_permissions(emu, req, query)
    plan = emu.make_plan(query, sync=True)
    limit = emu.config.max_query_rows
    if limit is not None and plan.total > limit:
        raise ApiError(
            40067,
            f"The query is too large ({plan.total} rows, limit {limit}). Please reduce the date range, "
            "the number of dimensions or filter by IDs, and retry.",
        )
    start = (query.page - 1) * query.page_size
    items = []
    for offset, row in enumerate(plan.iter_rows(start, start + query.page_size)):
        dims = {d: row[d] for d in query.dimensions}
        metrics = {m: row[m] for m in query.metrics if m not in dims}
        if query.multi_advertiser:
            # With advertiser_ids TikTok adds the account's id, currency and timezone to metrics.
            adv = plan.locate(start + offset)[0].advertiser
            for key in ("advertiser_id", "currency", "timezone"):
                metrics.setdefault(key, adv.get(key, "-"))
        items.append({"dimensions": dims, "metrics": metrics})
    data: dict[str, Any] = {
        "list": items,
        "page_info": {
            "page": query.page,
            "page_size": query.page_size,
            "total_number": plan.total,
            "total_page": math.ceil(plan.total / query.page_size),
        },
    }
    if query.enable_total_metrics:
        data["total_metrics"] = plan.total_metrics()
    headers = {spec.ADS_THROTTLE_HEADER: C.ADS_THROTTLE_MESSAGE} if plan.throttled else None
    return ok(data, headers=headers)


# --- async -------------------------------------------------------------------------------
def _outcome_for(emu: Emulator, index: int) -> TaskOutcome:
    cfg = emu.config
    if index < len(cfg.task_outcomes):
        return TaskOutcome.parse(cfg.task_outcomes[index])
    if cfg.task_failure_message:
        return TaskOutcome(status=spec.TASK_FAILED, message=cfg.task_failure_message)
    return TaskOutcome()


def report_task_create(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    query = validate_report(params, async_mode=True, bc_advertisers=_token_advertisers(req))
    _check_query_permissions(emu, req, query)
    state, cfg = emu.state, emu.config
    with state.lock:
        index = len(state.tasks)
        task_id = state.new_task_id()
        outcome = _outcome_for(emu, index)
        state.tasks[task_id] = Task(
            task_id=task_id,
            index=index,
            owner_token=req.token.token,
            advertiser_ids=list(query.advertiser_ids),
            params=dict(params),
            query=query,
            created_at=state.clock.now(),
            queuing_seconds=outcome.queuing_seconds if outcome.queuing_seconds is not None else cfg.queuing_seconds,
            processing_seconds=(
                outcome.processing_seconds if outcome.processing_seconds is not None else cfg.processing_seconds
            ),
            outcome=outcome,
            report_rows=cfg.report_rows,
            report_bytes=cfg.report_bytes,
        )
    return ok({"task_id": task_id})


def _lookup_task(emu: Emulator, req: Request, params: dict[str, Any]) -> Task:
    """Shared checks of check/download/cancel: ids present, task exists, same token, advertiser."""
    task_id = str_param(params, "task_id", required=True)
    advertiser_id = str_param(params, "advertiser_id", required=True)
    assert task_id is not None and advertiser_id is not None
    check_advertisers(req.token, [advertiser_id])
    with emu.state.lock:
        task = emu.state.tasks.get(task_id)
    if task is None:
        raise ApiError(40002, f"task_id {task_id} not found.")
    if emu.state.clock.now() - task.created_at > TASK_RETENTION_SECONDS:
        # Async tasks are kept for 30 days; afterwards status and output are unavailable.
        raise ApiError(40002, f"task_id {task_id} has expired: tasks are kept for 30 days.")
    if task.owner_token != req.token.token:
        # TikTok: use the same access token for create / check / download / cancel.
        raise ApiError(40001, f"No permission to operate task {task_id}: use the access token that created it.")
    if advertiser_id not in task.advertiser_ids and task.query.report_type != "BC":
        raise ApiError(40002, f"advertiser_id {advertiser_id} does not match task {task_id}.")
    return task


def report_task_check(emu: Emulator, req: Request) -> Response:
    task = _lookup_task(emu, req, req.query)
    status = task.status_at(emu.state.clock.now())
    return ok({"status": status, "message": task.outcome.message if status == spec.TASK_FAILED else ""})


def report_task_cancel(emu: Emulator, req: Request) -> Response:
    task = _lookup_task(emu, req, req.json or {})
    with emu.state.lock:
        now = emu.state.clock.now()
        status = task.status_at(now)
        if status not in (spec.TASK_QUEUING, spec.TASK_PROCESSING):
            raise ApiError(40002, f"task status is {status}, can not cancel")
        task.canceled_at = now
    return ok({"status": spec.TASK_CANCELED})


def _file_name(task: Task) -> str:
    ext = ".xlsx" if task.query.output_format == "XLSX_DOWNLOAD" else ".csv"
    name = task.query.file_name or f"report_{task.task_id}"
    return name if name.lower().endswith(ext) else name + ext


def report_task_download(emu: Emulator, req: Request) -> Response:
    task = _lookup_task(emu, req, req.query)
    status = task.status_at(emu.state.clock.now())
    if status in (spec.TASK_QUEUING, spec.TASK_PROCESSING):
        raise ApiError(
            40201, f"Task is not ready (status {status}), please wait for the task to complete and try again."
        )
    if status == spec.TASK_FAILED:
        raise ApiError(40002, f"Task {task.task_id} failed and has no output: {task.outcome.message}")
    if status == spec.TASK_CANCELED:
        raise ApiError(40002, f"Task {task.task_id} was canceled and has no output.")
    fmt = task.query.output_format
    if fmt == "CSV_STRING":
        # The body is the CSV itself, streamed with chunked transfer encoding.
        return Response(body=iter_task_csv(emu, task), content_type="text/csv; charset=utf-8")
    state = emu.state
    with state.lock:
        link = FileLink(
            token=state.secret("file-link", 48),
            task_id=task.task_id,
            file_name=_file_name(task),
            output_format=fmt,
            expires_at=state.clock.now() + emu.config.download_url_ttl,
        )
        state.files[link.token] = link
    url = f"{emu.base_url}/files/{link.token}/{quote(link.file_name)}"
    return ok({"download_url": url, "file_name": link.file_name, "output_format": fmt})


def iter_task_csv(emu: Emulator, task: Task) -> Iterator[bytes]:
    """The task's CSV bytes (a deterministic function of seed + task parameters + size knobs)."""
    plan = emu.make_plan(task.query, sync=False, row_limit=task.report_rows, unbounded=task.report_bytes is not None)
    return iter_csv(plan, titles=task.query.title_translation, max_bytes=task.report_bytes)


def task_xlsx(emu: Emulator, task: Task) -> bytes:
    text = b"".join(iter_task_csv(emu, task)).decode()
    return build_xlsx(csv.reader(io.StringIO(text)))


# --- signed download URL -------------------------------------------------------------------
def _s3_error(code: str, message: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'
    ).encode()


def serve_file(emu: Emulator, req: Request) -> Response:
    """``GET /files/<token>/<name>``: no Access-Token needed; expires like a signed TOS/S3 URL."""
    parts = req.path[len("/files/") :].split("/", 1)
    token = parts[0]
    with emu.state.lock:
        link = emu.state.files.get(token)
        task = emu.state.tasks.get(link.task_id) if link else None
    if link is None or task is None or len(parts) != 2 or unquote(parts[1]) != link.file_name:
        return Response(
            status=404, body=_s3_error("NoSuchKey", "The specified key does not exist."), content_type="application/xml"
        )
    if emu.state.clock.now() >= link.expires_at:
        return Response(
            status=403, body=_s3_error("AccessDenied", "Request has expired"), content_type="application/xml"
        )
    disposition = {"Content-Disposition": f'attachment; filename="{link.file_name}"'}
    if link.output_format == "XLSX_DOWNLOAD":
        return Response(body=task_xlsx(emu, task), content_type=XLSX_MIME, headers=disposition)
    return Response(body=iter_task_csv(emu, task), content_type="text/csv; charset=utf-8", headers=disposition)


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/report/integrated/get/"): Route(report_integrated_get),
    ("POST", "/report/task/create/"): Route(report_task_create),
    ("GET", "/report/task/check/"): Route(report_task_check),
    ("GET", "/report/task/download/"): Route(report_task_download),
    ("POST", "/report/task/cancel/"): Route(report_task_cancel),
}
FILE_ROUTE = Route(serve_file, auth=False)
