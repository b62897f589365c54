"""Threaded loopback HTTP server and the request dispatcher (routing, log, faults, limits)."""

from __future__ import annotations

import json
import logging
import re
import selectors
import socket
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.testing.emulator.auth import authenticate, request_advertiser
from airflow_provider_tiktok.testing.emulator.faults import Fault, FaultPlan, gateway_page
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.ratelimit import KeyedLimiter, LatencyModel, SlidingWindowLimiter
from airflow_provider_tiktok.testing.emulator.requestlog import RequestLog
from airflow_provider_tiktok.testing.emulator.routing import FILES_KEY, RouteTable
from airflow_provider_tiktok.testing.emulator.wire import (
    ApiError,
    OAuthError,
    Request,
    Response,
    WireWriter,
    error_response,
    new_request_id,
    oauth_error_response,
    redact,
    render,
)

log = logging.getLogger(__name__)


class ServedEmulator(Emulator, Protocol):
    """What the dispatcher needs of the emulator it serves (``TikTokEmulator`` is one)."""

    routes: RouteTable
    faults: FaultPlan
    request_log: RequestLog
    app_limiter: SlidingWindowLimiter
    advertiser_limiter: SlidingWindowLimiter
    endpoint_limiter: KeyedLimiter
    latency: LatencyModel
    #: Set by ``stop()``: wakes requests stalled by a fault.
    stopping: threading.Event


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Many mapped tasks (or 1,000 triggers) connect at once; the stdlib default backlog of 5 resets them.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], emulator: ServedEmulator) -> None:
        self.emulator = emulator
        # Before binding: a busy port makes socketserver call server_close() and raise its OSError.
        self._wake_r, self._wake_w = socket.socketpair()
        self._halt = threading.Event()
        super().__init__(address, EmulatorRequestHandler)

    def serve_until_stopped(self) -> None:
        """Accept loop woken instantly by ``halt()`` (no shutdown poll latency)."""
        with selectors.DefaultSelector() as sel:
            sel.register(self, selectors.EVENT_READ)
            sel.register(self._wake_r, selectors.EVENT_READ)
            while not self._halt.is_set():
                for key, _events in sel.select():
                    if key.fileobj is self and not self._halt.is_set():
                        self._handle_request_noblock()  # type: ignore[attr-defined]

    def halt(self) -> None:
        self._halt.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass

    def server_close(self) -> None:
        super().server_close()
        self._wake_r.close()
        self._wake_w.close()


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TikTokEmulator/1.3"
    server: EmulatorHTTPServer

    _aborted = False

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: disable Nagle so the body is not held
        # back ~40 ms waiting for the client's delayed ACK.
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def version_string(self) -> str:
        return self.server_version

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Access log without the query string (it may carry app secrets / codes)."""
        path = urlsplit(self.path).path
        if path.startswith(FILES_KEY):
            path = FILES_KEY + "***"  # the path holds the signed download token
        log.info('%s "%s %s" %s', self.address_string(), self.command, path, code)

    def log_message(self, format: str, *args: Any) -> None:
        # Error lines may quote the raw request line: drop query strings (secrets, codes).
        log.debug("%s - %s", self.address_string(), re.sub(r"\?\S*", "?***", format % args))

    def finish(self) -> None:
        if self._aborted:
            return
        try:
            super().finish()
        except OSError:
            pass

    def _handle(self) -> None:
        try:
            dispatch(self.server.emulator, self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True


def _parse_body(req: Request, family: str) -> None:
    if not req.body:
        return
    ctype = (req.headers.get("Content-Type") or "").lower()
    if family == "oauth" or "x-www-form-urlencoded" in ctype:
        req.form = {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        return
    try:
        parsed = json.loads(req.body)
    except ValueError as exc:
        raise ApiError(40002, f"Request body is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise ApiError(40002, "Request body must be a JSON object.")
    req.json = parsed


def _fault_response(fault: Fault, family: str, log_id: str) -> Response:
    if fault.kind == "http":
        status = fault.status or 503
        return Response(status=status, body=fault.body or gateway_page(status), content_type="text/html")
    code = fault.error_code or 50000
    if family == "oauth":
        if code >= 50000:
            err = "server_error"
        elif code in (40100, 40133, 40016):
            err = "temporarily_unavailable"
        else:
            err = "invalid_request"
        return oauth_error_response(OAuthError(err, fault.effective_message), log_id)
    return error_response(ApiError(code, fault.effective_message))


def dispatch(emu: ServedEmulator, h: EmulatorRequestHandler) -> None:
    method = h.command
    url = urlsplit(h.path)
    query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    length = int(h.headers.get("Content-Length") or 0)
    body = h.rfile.read(length) if length > 0 else b""
    key, family, route = emu.routes.resolve(method, url.path)

    call_no = emu.request_log.next_call(key)
    record: dict[str, Any] = {"method": method, "path": key, "query": redact(query), "body": None, "call": call_no,
                              "t": time.monotonic()}
    req = Request(method=method, path=url.path, key=key, query=query, headers=h.headers, body=body)
    writer = WireWriter(h)
    log_id = new_request_id()
    fault = emu.faults.lookup(key, call_no)
    record["fault"] = fault.kind if fault else None
    emu.request_log.append(record)

    if fault is not None and fault.kind == "reset":
        record["status"] = None
        h._aborted = True
        writer.reset()
        return
    if fault is not None and fault.kind == "stall":
        stopped = emu.stopping.wait(fault.seconds if fault.seconds is not None else emu.config.stall_seconds)
        if stopped:
            h._aborted = True
            writer.reset()
            return

    resp: Response
    if route is None:
        # TikTok's gateway: unknown path, wrong method or missing trailing slash.
        resp = Response(status=404, body=C.NOT_FOUND_BODY, content_type="text/plain; charset=utf-8")
    elif fault is not None and fault.kind in ("http", "code"):
        resp = _fault_response(fault, family, log_id)
    else:
        resp = _run(emu, req, route, family, log_id, record)
    if emu.latency.enabled:
        data = getattr(resp.body, "data", None)  # a success envelope not rendered yet
        rows = data.get("list") if isinstance(data, dict) else None
        emu.stopping.wait(emu.latency.delay(len(rows) if isinstance(rows, list) else 0))
    resp = render(resp, log_id)
    record["status"] = resp.status
    if fault is not None and fault.kind == "truncate":
        writer.write_truncated(resp)
        return
    writer.write(resp, head_only=False)


def _run(emu: ServedEmulator, req: Request, route: Route, family: str, log_id: str, record: dict[str, Any]) -> Response:
    try:
        try:
            _parse_body(req, family)
        finally:
            record["body"] = redact(req.json if req.json is not None else req.form) if req.body else None
        if family == "business":
            if not emu.app_limiter.allow("app"):
                raise ApiError(
                    40100, f"Too many requests. The QPS limit of this app is {emu.config.app_qps}, please retry later."
                )
            if not emu.endpoint_limiter.allow(req.key):
                raise ApiError(
                    40100, f"Too many requests. The QPS limit of this app for {req.key} is "
                    f"{emu.endpoint_limiter.limit(req.key)}, please retry later.")
            if route.auth:
                req.token = authenticate(emu.state, req)
                adv = request_advertiser(req)
                if adv and not emu.advertiser_limiter.allow(f"{adv}:{req.key}"):
                    raise ApiError(
                        40133,
                        f"Advertiser({adv})'s QPS for path {req.key} reaches QPS limit "
                        f"{emu.config.advertiser_qps}, please retry later.",
                    )
        resp = route.handler(emu, req)
    except ApiError as exc:
        record["code"] = exc.code
        return error_response(exc)
    except OAuthError as exc:
        record["code"] = exc.error
        return oauth_error_response(exc, log_id)
    except Exception:  # pragma: no cover - emulator bug: answer like TikTok's system error
        log.error("emulator handler crashed:\n%s", traceback.format_exc())
        record["code"] = 50000
        return error_response(ApiError(50000))
    record.setdefault("code", 0)
    return resp
