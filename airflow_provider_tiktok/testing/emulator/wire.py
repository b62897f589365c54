"""HTTP plumbing: request/response types, envelope helpers, redaction and the wire writer."""

from __future__ import annotations

import itertools
import json
import os
import socket
import struct
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C


class ApiError(Exception):
    """Answered as the business-API envelope with a non-zero ``code`` (HTTP 200, like TikTok)."""

    def __init__(self, code: int, message: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message or C.code_message(code))
        self.code = code
        self.message = message or C.code_message(code)
        self.headers = headers or {}


class OAuthError(Exception):
    """Login Kit v2 OAuth error: body ``{error, error_description, log_id}``.

    TikTok's docs show these bodies without pinning the HTTP status; the emulator uses
    HTTP 400 for every OAuth error as RFC 6749 section 5.2 prescribes (and 500/503 for
    ``server_error`` / ``temporarily_unavailable``) so clients must read the body, not the status.
    """

    def __init__(self, error: str, description: str, status: int | None = None) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status or {"server_error": 500, "temporarily_unavailable": 503}.get(error, 400)


@dataclass
class Request:
    method: str
    path: str  # URL path as received
    key: str  # endpoint key: path without /open_api/v1.3, "/files/", "/v2/oauth/token/", ...
    query: dict[str, str]
    headers: Any
    body: bytes
    json: dict[str, Any] | None = None
    form: dict[str, str] = field(default_factory=dict)
    token: Any = None  # resolved Access-Token record (business endpoints)

    def params(self) -> dict[str, Any]:
        """Query params for GET, JSON body for POST (business API), form for Login Kit."""
        if self.method == "GET":
            return dict(self.query)
        if self.json is not None:
            return dict(self.json)
        return dict(self.form)


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


_ids = itertools.count(1)


def new_request_id() -> str:
    """TikTok-like log id: timestamp + sequence + random hex (unique per response)."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime()) + f"{next(_ids):08d}" + os.urandom(5).hex().upper()


def envelope(code: int, message: str, data: dict[str, Any] | None, request_id: str) -> bytes:
    """Business API envelope; on errors ``data`` is ``{}``."""
    payload = {"code": code, "message": message, "request_id": request_id, "data": data if code == 0 and data else {}}
    return json.dumps(payload, separators=(",", ":")).encode()


def ok(data: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """Success envelope (body rendered later, when the request id is known)."""
    return Response(body=_Deferred(0, "OK", data), headers=headers or {})  # type: ignore[arg-type]


@dataclass
class _Deferred:
    code: int
    message: str
    data: dict[str, Any]


def render(resp: Response, request_id: str) -> Response:
    if isinstance(resp.body, _Deferred):
        d = resp.body
        resp.body = envelope(d.code, d.message, d.data, request_id)
    resp.headers.setdefault("X-Tt-Logid", request_id)
    return resp


def error_response(exc: ApiError) -> Response:
    return Response(body=_Deferred(exc.code, exc.message, {}), headers=dict(exc.headers))  # type: ignore[arg-type]


def oauth_error_response(exc: OAuthError, log_id: str) -> Response:
    body = json.dumps({"error": exc.error, "error_description": exc.description, "log_id": log_id}).encode()
    return Response(status=exc.status, body=body, headers={"X-Tt-Logid": log_id})


# --- redaction ------------------------------------------------------------------------
_SECRET_MARKERS = ("secret", "token", "code")


def redact(value: Any) -> Any:
    """Replace values of keys containing secret/token/code with ``***`` (recursively)."""
    if isinstance(value, dict):
        return {
            k: ("***" if any(m in str(k).lower() for m in _SECRET_MARKERS) else redact(v)) for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


# --- wire -------------------------------------------------------------------------------
class WireWriter:
    """Writes a ``Response`` on a ``BaseHTTPRequestHandler`` (HTTP/1.1, keep-alive aware)."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self.h = handler

    def _head(self, resp: Response, length: int | None) -> None:
        h = self.h
        h.send_response(resp.status)
        h.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            h.send_header(k, v)
        if length is None:
            h.send_header("Transfer-Encoding", "chunked")
        else:
            h.send_header("Content-Length", str(length))
        h.end_headers()

    def write(self, resp: Response, head_only: bool = False) -> None:
        if isinstance(resp.body, (bytes, bytearray)):
            self._head(resp, len(resp.body))
            if not head_only:
                self.h.wfile.write(resp.body)
            return
        # Streamed body: chunked transfer encoding, never materialised.
        self._head(resp, None)
        wfile = self.h.wfile
        try:
            for chunk in resp.body:
                if chunk:
                    wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            wfile.write(b"0\r\n\r\n")
        finally:
            close = getattr(resp.body, "close", None)
            if close is not None:
                close()

    def write_truncated(self, resp: Response) -> None:
        """Declare a larger Content-Length than is sent, send part of the body, then close."""
        if isinstance(resp.body, (bytes, bytearray)):
            data = bytes(resp.body)
        else:
            it: Iterator[bytes] = iter(resp.body)
            data = next(it, b"")
            close = getattr(resp.body, "close", None)
            if close is not None:
                close()
        declared = max(len(data) * 2, len(data) + 1024)
        self._head(resp, declared)
        self.h.wfile.write(data[: len(data) // 2])
        self.h.close_connection = True

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER on, timeout 0, then close)."""
        conn: socket.socket = self.h.connection
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.h.close_connection = True
        try:
            self.h.rfile.close()
        except OSError:
            pass
        conn.close()
