"""Fault injection: scripted failures applied to the Nth call (1-based) of an endpoint.

Usage::

    emu.faults.add("/report/task/check/", Fault.code(40100), on_call=2)
    emu.faults.add("/report/task/download/", Fault.reset(), on_call=[1, 2])
    emu.faults.add("/files/", Fault.http(503), every=True)
    emu.inject("/report/task/check/", {2: "40100", 3: "http_503", 4: "reset", 5: "stall:2", 6: "truncate"})

Endpoint keys are the path without ``/open_api/v1.3`` (``/report/task/check/``), the Login
Kit paths (``/v2/oauth/token/``), the authorize pages (``/portal/auth``, ``/v2/auth/authorize/``)
and ``/files/`` for every download URL.  A faulted call still counts in ``emu.counters``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Union

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api.spec import BUSINESS_PREFIX

FaultSpec = Union["Fault", str, int]


@dataclass(frozen=True)
class Fault:
    """One injected failure.

    kinds:
      * ``code``     - normal HTTP 200 envelope with a non-zero TikTok ``code`` (Login Kit paths
                       answer an OAuth error body instead: ``server_error`` for 5xxxx, else
                       ``temporarily_unavailable`` for 40100/40133, else ``invalid_request``);
      * ``http``     - HTTP 5xx with a non-JSON gateway page (like nginx / the TikTok gateway);
      * ``reset``    - close the socket without answering (SO_LINGER 0 -> TCP RST);
      * ``stall``    - sleep ``seconds`` before sending anything, then answer normally;
      * ``truncate`` - declare a Content-Length larger than what is sent, then close.
    """

    kind: str
    error_code: int | None = None
    message: str | None = None
    status: int | None = None
    body: bytes | None = None
    seconds: float | None = None

    @classmethod
    def code(cls, code: int, message: str | None = None) -> Fault:
        return cls(kind="code", error_code=int(code), message=message)

    @classmethod
    def http(cls, status: int = 503, body: bytes | str | None = None) -> Fault:
        if isinstance(body, str):
            body = body.encode()
        return cls(kind="http", status=int(status), body=body)

    @classmethod
    def reset(cls) -> Fault:
        return cls(kind="reset")

    @classmethod
    def stall(cls, seconds: float | None = None) -> Fault:
        return cls(kind="stall", seconds=seconds)

    @classmethod
    def truncate(cls) -> Fault:
        return cls(kind="truncate")

    @property
    def effective_message(self) -> str:
        return self.message if self.message is not None else C.code_message(self.error_code or 0)

    @classmethod
    def parse(cls, spec: FaultSpec) -> Fault:
        """Parse ``40100``, ``"40100"``, ``"code:40100"``, ``"http_503"``, ``"http:502"``,
        ``"reset"``, ``"stall"``, ``"stall:2.5"``, ``"truncate"``."""
        if isinstance(spec, Fault):
            return spec
        if isinstance(spec, int):
            return cls.code(spec)
        text = str(spec).strip().lower()
        if text.isdigit():
            return cls.code(int(text))
        head, _sep, arg = text.replace("_", ":", 1).partition(":")
        if head == "code" and arg.isdigit():
            return cls.code(int(arg))
        if head == "http":
            return cls.http(int(arg) if arg else 503)
        if head in ("reset", "rst", "connection:reset") or text == "connection_reset":
            return cls.reset()
        if head == "stall":
            return cls.stall(float(arg) if arg else None)
        if head in ("truncate", "truncated"):
            return cls.truncate()
        raise ValueError(f"unknown fault spec {spec!r}")


def normalize_key(path: str) -> str:
    """Map user-supplied endpoint names to the emulator's endpoint keys."""
    if path.startswith(BUSINESS_PREFIX):
        path = path[len(BUSINESS_PREFIX) :]
    if path.startswith("/files"):
        return "/files/"
    if not path.startswith("/"):
        path = "/" + path
    return path


class FaultPlan:
    """Thread-safe registry of scripted faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_call: dict[str, dict[int, Fault]] = {}
        self._every: dict[str, Fault] = {}

    def add(
        self,
        path: str,
        fault: FaultSpec,
        on_call: int | Iterable[int] | None = None,
        *,
        every: bool = False,
    ) -> FaultPlan:
        """Apply ``fault`` to call number(s) ``on_call`` (1-based, counted per endpoint since
        start / the last ``reset_log``) or, with ``every=True``, to every call."""
        key = normalize_key(path)
        parsed = Fault.parse(fault)
        with self._lock:
            if every:
                self._every[key] = parsed
                return self
            if on_call is None:
                raise ValueError("pass on_call=N (1-based) or every=True")
            calls = [on_call] if isinstance(on_call, int) else list(on_call)
            slot = self._by_call.setdefault(key, {})
            for n in calls:
                if int(n) < 1:
                    raise ValueError("on_call is 1-based")
                slot[int(n)] = parsed
        return self

    def inject(self, path: str, script: Mapping[int, FaultSpec]) -> FaultPlan:
        for n, spec in script.items():
            self.add(path, spec, on_call=int(n))
        return self

    def clear(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._by_call.clear()
                self._every.clear()
            else:
                key = normalize_key(path)
                self._by_call.pop(key, None)
                self._every.pop(key, None)

    def lookup(self, key: str, call_no: int) -> Fault | None:
        with self._lock:
            fault = self._by_call.get(key, {}).get(call_no)
            return fault if fault is not None else self._every.get(key)


def gateway_page(status: int) -> bytes:
    """A non-JSON body like the one an nginx / gateway returns for 5xx."""
    reason = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Temporarily Unavailable",
        504: "Gateway Time-out",
    }.get(status, "Error")
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode()
