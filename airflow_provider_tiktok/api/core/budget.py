"""Rate budgets: how many requests per second an app may send to one class of TikTok endpoints.

TikTok limits each app per endpoint (HTTP 200 + code 40100 when exceeded). A :class:`RateBudget` is drawn from
before every request, sync and async, so the requests of one process (:class:`LocalRateBudget`) or of a whole
cluster (``budget_redis.RedisRateBudget``, selected by the connection extra ``rate_limit_url``) stay inside it.

Contract shared by every implementation:

- ``acquire(key, cost=1)`` blocks the calling thread until ``cost`` requests of endpoint class ``key`` may be
  sent; ``aacquire`` is its asyncio twin (never blocks the event loop).
- ``key`` is :func:`endpoint_class` of the request path; the rate of a key comes from the ``qps_by_key`` mapping
  the budget was built with, falling back to ``qps_by_key["*"]``; a key with no rate is not limited.

Defaults (:data:`BASIC_TIER_QPS`, :func:`default_qps`) are TikTok's Basic tier: 10 requests per second per
endpoint for every app, except ``/report/task/create/`` (2 per second at every tier).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol, runtime_checkable

#: Prefix of every Marketing / Accounts API path (stripped by :func:`endpoint_class`).
_API_PREFIX = "/open_api/v1.3"

#: TikTok's Basic tier: per app and endpoint, in requests per second ("*" = any endpoint not listed).
BASIC_TIER_QPS: Mapping[str, float] = {"*": 10.0, "/report/task/create/": 2.0}
#: Endpoint limits that do not grow with the app's tier (a higher ``max_qps`` never raises them).
FIXED_ENDPOINT_QPS: Mapping[str, float] = {"/report/task/create/": 2.0}


@runtime_checkable
class RateBudget(Protocol):
    """Something requests draw from before they are sent."""

    def acquire(self, key: str, cost: int = 1) -> None:
        """Block until ``cost`` requests of endpoint class ``key`` may be sent."""

    async def aacquire(self, key: str, cost: int = 1) -> None:
        """Wait (without blocking the event loop) until ``cost`` requests of ``key`` may be sent."""


def endpoint_class(path: str) -> str:
    """The budget key of a request path: the endpoint path without host, query and API prefix.

    ``/open_api/v1.3/report/integrated/get/?page=2`` → ``/report/integrated/get/``. Paths always start and end
    with ``/`` (a missing trailing slash is added), are lower-cased and keep no query.
    """
    text = str(path).split("?", 1)[0].split("#", 1)[0].strip()
    if "://" in text:
        text = "/" + text.split("://", 1)[1].partition("/")[2]
    if text.startswith(_API_PREFIX + "/"):
        text = text[len(_API_PREFIX):]
    text = "/" + text.strip("/").lower() + "/"
    return "/" if text == "//" else text


def default_qps(max_qps: float | None = None) -> dict[str, float]:
    """``qps_by_key`` for an app allowed ``max_qps`` per endpoint (TikTok's Basic tier when None).

    Endpoint limits that hold at every tier (``/report/task/create/``: 2 QPS) stay, lowered only when
    ``max_qps`` is lower.
    """
    if max_qps is None:
        return dict(BASIC_TIER_QPS)
    rate = check_qps(max_qps, "max_qps")
    return {"*": rate, **{key: min(rate, fixed) for key, fixed in FIXED_ENDPOINT_QPS.items()}}


def check_qps(value: object, what: str) -> float:
    """A positive finite rate, or a ``ValueError`` naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{what} must be a positive number of requests per second, got {value!r}")
    return float(value)


class _Window:
    """At most ``slots`` sends in any ``period`` seconds (plus ``margin``), one key's share of the budget.

    A token bucket holding one token, refilled every ``(slots / qps + margin) / slots`` seconds: sends are
    spread evenly (10 QPS with the default margin: one every 0.11 s), so any one second holds at most
    ``qps`` of them even when some are delayed on the way by up to ``margin``. Spreading, rather than letting
    ``slots`` requests start at once, matters: a burst of threads sending together leaves unevenly (they
    queue for the GIL and the CPU), and TikTok counts arrivals per sliding second.

    Two steps per send: :meth:`reserve` hands out the next slot (callers wait their turn in order), and
    :meth:`release` lets the request leave only when it is at least one spacing after the previous send that
    actually left. A thread that wakes late (a busy machine) thus pushes the later sends back instead of
    leaving right before them: the spacing holds between real send times, not only between planned ones.
    """

    def __init__(self, qps: float, margin: float) -> None:
        slots = max(1, math.floor(qps))
        self.spacing = (slots / qps + margin) / slots
        self.next_at = -math.inf
        self.last_sent = -math.inf

    def reserve(self, now: float, cost: int) -> float:
        """Claim ``cost`` send times; return the last one (the caller sleeps until then)."""
        at = now
        for _ in range(cost):
            at = max(now, self.next_at)
            self.next_at = at + self.spacing
        return at

    def release(self, now: float, cost: int) -> float:
        """0.0 when a request may leave at ``now`` (recorded as sent), else the seconds still to wait."""
        earliest = self.last_sent + cost * self.spacing  # ``cost`` slots after the previous real send
        if now < earliest:
            return earliest - now
        self.last_sent = now
        self.next_at = max(self.next_at, now + self.spacing)
        return 0.0


class LocalRateBudget:
    """A :class:`RateBudget` for one process: thread-safe and asyncio-safe (any number of event loops).

    :param qps_by_key: requests per second per endpoint class (:func:`endpoint_class`), ``"*"`` for any
        other class; a class with no rate (and no ``"*"``) is not limited.
    :param margin: seconds added to every window of ``floor(qps)`` requests, so that requests delayed unevenly
        on the way still arrive inside TikTok's limit (default 0.1: 10 QPS sends one request every 0.11 s).
    :param clock: monotonic clock (tests).
    :param sleep: blocking sleep (tests).

    Reservations are taken under a short lock and the wait happens outside it: a thread sleeps with
    ``time.sleep``, a coroutine with ``asyncio.sleep``; both draw from the same windows. After the wait the
    send is checked again against the last real send (see :class:`_Window`), so a late wake-up never lets two
    requests leave closer together than the spacing.
    """

    def __init__(self, qps_by_key: Mapping[str, float], *, margin: float = 0.1,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        if margin < 0:
            raise ValueError(f"margin must be >= 0 seconds, got {margin!r}")
        self.qps_by_key = {str(key): check_qps(qps, f"qps_by_key[{key!r}]") for key, qps in qps_by_key.items()}
        self.margin = margin
        self._clock = clock
        self._sleep = sleep
        self._windows: dict[str, _Window | None] = {}
        self._lock = threading.Lock()

    def rate(self, key: str) -> float | None:
        """Requests per second allowed for ``key`` (None: not limited)."""
        return self.qps_by_key.get(key, self.qps_by_key.get("*"))

    def _window(self, key: str, cost: int) -> _Window | None:
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 1:
            raise ValueError(f"cost must be a whole number >= 1, got {cost!r}")
        if key not in self._windows:
            rate = self.rate(key)
            self._windows[key] = None if rate is None else _Window(rate, self.margin)
        return self._windows[key]

    def _reserve(self, key: str, cost: int) -> tuple[_Window | None, float]:
        """The key's window (None: not limited) and the seconds until the reserved slot."""
        with self._lock:
            window = self._window(key, cost)
            if window is None:
                return None, 0.0
            now = self._clock()
            return window, window.reserve(now, cost) - now

    def _release(self, window: _Window, cost: int) -> float:
        with self._lock:
            return window.release(self._clock(), cost)

    def acquire(self, key: str, cost: int = 1) -> None:
        window, delay = self._reserve(key, cost)
        while window is not None:
            if delay > 0:
                self._sleep(delay)
            delay = self._release(window, cost)
            if delay <= 0:
                return

    async def aacquire(self, key: str, cost: int = 1) -> None:
        window, delay = self._reserve(key, cost)
        while window is not None:
            if delay > 0:
                await asyncio.sleep(delay)
            delay = self._release(window, cost)
            if delay <= 0:
                return

    def __repr__(self) -> str:
        return f"LocalRateBudget({self.qps_by_key!r}, margin={self.margin})"


__all__ = ["BASIC_TIER_QPS", "FIXED_ENDPOINT_QPS", "LocalRateBudget", "RateBudget", "check_qps", "default_qps",
           "endpoint_class"]
