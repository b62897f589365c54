"""A rate budget shared by every process of a cluster, kept in Redis (connection extra ``rate_limit_url``).

TikTok counts requests per *app*, across every Celery worker, Kubernetes pod and triggerer that uses the app's
token. :class:`RedisRateBudget` implements :class:`~airflow_provider_tiktok.api.core.budget.RateBudget` with one
Redis key per endpoint class, so all those processes draw from one budget.

Choice of library: **redis-py** (the ``redis`` package, the Redis project's own client, sync and asyncio in one
package) running one atomic Lua script that implements GCRA (the generic cell rate algorithm) as a
*reservation*: each call atomically books the next free send time of its key and learns, in the same round trip,
how long to sleep. Reasons:

- one round trip per request and no polling: waiting callers sleep exactly until their slot, in arrival order,
  which a check-then-retry limiter (``limits``' ``hit()``/``test()``) cannot do without a retry loop that
  spends Redis round trips and lets some callers starve;
- the clock is Redis's own (``TIME``), so machines whose clocks disagree still share one schedule;
- one key of a few bytes per endpoint class, expiring by itself when idle;
- ``pyrate-limiter`` and ``limits`` both change their APIs between major versions; redis-py's
  ``eval``/``evalsha`` has been stable for years, and the algorithm is twenty lines we can test.

Accounting, as :class:`~airflow_provider_tiktok.api.core.budget.LocalRateBudget`'s: at most ``floor(qps)``
requests of a key in any ``floor(qps)/qps + margin`` seconds, so ``qps`` may be TikTok's own limit and requests
delayed unevenly on the way (up to ``margin``, default 0.1 s) still arrive inside it. Here they are spread
evenly, one every ``1/qps + margin/floor(qps)`` seconds by Redis's clock, never in a burst (a burst allowance on
top of a steady rate, as a token bucket has, would break TikTok's sliding one-second window). A slot is spent
when it is booked: a caller killed while it waits wastes one slot, never the budget of others.

``redis`` is an optional dependency (``pip install 'airflow-provider-tiktok[redis]'``), imported only when a
budget is built. Errors: a missing library, a bad URL or a bad rate raise ``TikTokValidationError`` naming
``rate_limit_url`` (or ``qps_by_key``) and the fix, before any HTTP call; an unreachable Redis raises
:class:`RateStoreUnavailableError` (retryable). Neither message contains the URL's password.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_tiktok.api.core.errors import TikTokTransportError, TikTokValidationError

INSTALL_HINT = "pip install 'airflow-provider-tiktok[redis]'"
URL_SCHEMES = ("redis", "rediss", "unix")

#: KEYS[1] the key; ARGV: emission interval (µs), cost. Returns the wait in µs.
#: ``tat`` (theoretical arrival time) is the earliest moment the key's budget is free again.
_GCRA_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now
local new_tat = tat + cost * interval
local ttl_ms = math.ceil((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', string.format('%.0f', ttl_ms))
return math.floor(wait)
"""


class RateStoreUnavailableError(TikTokTransportError):
    """The shared rate store (connection extra ``rate_limit_url``) did not answer; no request was sent."""

    default_hint = ("Check that the Redis server of the connection's 'rate_limit_url' extra is running and "
                    "reachable from every worker and the triggerer.")


def describe_url(url: str) -> str:
    """``scheme://host:port/db`` of ``url`` without user name or password (safe for messages and logs)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable URL>"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def _validated_rates(qps_by_key: Mapping[str, float]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for key, qps in qps_by_key.items():
        try:
            value = float(qps)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise TikTokValidationError(
                f"qps_by_key[{key!r}] must be a positive number of requests per second, got {qps!r}: "
                "leave a key out to not limit it")
        rates[str(key)] = value
    return rates


def _import_redis() -> Any:
    try:
        import redis
        import redis.asyncio
    except ImportError:
        raise TikTokValidationError(
            "The connection extra 'rate_limit_url' asks for a Redis rate budget, but the 'redis' package is not "
            f"installed: {INSTALL_HINT} (on every worker and the triggerer)") from None
    return redis


class RedisRateBudget:
    """One rate budget per endpoint class, shared through Redis by every process that uses ``namespace``.

    :param url: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://...`` (TLS) or
        ``unix:///path/redis.sock`` (the connection extra ``rate_limit_url``).
    :param qps_by_key: requests per second per endpoint class; ``"*"`` is the rate of every key not listed;
        a key with no rate is not limited (and costs no Redis round trip).
    :param namespace: prefix of the Redis keys, e.g. the app id: apps with their own TikTok quota use their own.
    :param margin: seconds added to every ``floor(qps)/qps``-second window, as in ``LocalRateBudget`` (default
        0.1): the jitter between booking a request and its arrival at TikTok that the budget absorbs.
    :param socket_timeout: seconds to wait for Redis before :class:`RateStoreUnavailableError`.
    """

    def __init__(self, url: str, qps_by_key: Mapping[str, float], namespace: str = "", *, margin: float = 0.1,
                 socket_timeout: float = 5.0) -> None:
        if not isinstance(url, str) or urlsplit(url).scheme not in URL_SCHEMES:
            shown = describe_url(url) if isinstance(url, str) else repr(type(url).__name__)
            raise TikTokValidationError(
                f"The connection extra 'rate_limit_url' must be a Redis URL such as redis://host:6379/0 "
                f"(schemes {', '.join(URL_SCHEMES)}), got {shown!r}")
        if not isinstance(namespace, str):
            raise TikTokValidationError(f"namespace must be a string (e.g. the app id), got {namespace!r}")
        if isinstance(margin, bool) or not isinstance(margin, (int, float)) or not 0 <= margin < 10:
            raise TikTokValidationError(f"margin must be a number of seconds in [0, 10), got {margin!r}")
        self._rates = _validated_rates(qps_by_key)
        self._redis = _import_redis()
        self._url = url
        self.where = describe_url(url)
        self.namespace = namespace
        self.margin = float(margin)
        self._timeout = socket_timeout
        try:
            self._sync = self._redis.Redis.from_url(url, socket_timeout=socket_timeout,
                                                    socket_connect_timeout=socket_timeout)
        except ValueError as exc:
            raise TikTokValidationError(
                f"The connection extra 'rate_limit_url' ({self.where}) is not a valid Redis URL: "
                f"{type(exc).__name__}; expected redis://[:password@]host[:port][/db]") from None
        self._sync_script = self._sync.register_script(_GCRA_RESERVE)
        self._lock = threading.Lock()
        #: asyncio clients are bound to the loop they first ran on: one per loop.
        self._async: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()

    def __repr__(self) -> str:
        return f"RedisRateBudget({self.where!r}, namespace={self.namespace!r}, rates={self._rates!r})"

    # -- the RateBudget protocol ----------------------------------------------------------------------

    def rate(self, key: str) -> float | None:
        """Requests per second of endpoint class ``key`` (``None``: not limited)."""
        return self._rates.get(key, self._rates.get("*"))

    def interval(self, key: str) -> float | None:
        """Seconds between two requests of ``key`` (``None``: not limited); ``1/interval`` is the rate it sends."""
        qps = self.rate(key)
        if qps is None:
            return None
        return 1 / qps + self.margin / max(1, math.floor(qps))

    def acquire(self, key: str, cost: int = 1) -> None:
        """Book ``cost`` requests of ``key`` and sleep until they may be sent."""
        args = self._script_args(key, cost)
        if args is None:
            return
        try:
            wait_us = int(self._sync_script(keys=[self._redis_key(key)], args=args))
        except self._redis.RedisError as exc:
            raise self._unavailable(exc) from None
        if wait_us > 0:
            time.sleep(wait_us / 1e6)

    async def aacquire(self, key: str, cost: int = 1) -> None:
        """Book ``cost`` requests of ``key`` and ``await asyncio.sleep`` until they may be sent."""
        args = self._script_args(key, cost)
        if args is None:
            return
        script = self._async_script()
        try:
            wait_us = int(await script(keys=[self._redis_key(key)], args=args))
        except self._redis.RedisError as exc:
            raise self._unavailable(exc) from None
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1e6)

    # -- lifecycle ----------------------------------------------------------------------------------

    def close(self) -> None:
        """Close the sync connection pool (async clients close with their event loop)."""
        self._sync.close()

    async def aclose(self) -> None:
        """Close the async client of the running event loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._async.pop(loop, None)
        if entry is not None:
            await entry[0].aclose()

    # -- internals ----------------------------------------------------------------------------------

    def _redis_key(self, key: str) -> str:
        return f"tiktok-rate:{self.namespace}:{key}"

    def _script_args(self, key: str, cost: int) -> list[int] | None:
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 1:
            raise TikTokValidationError(f"cost must be an integer >= 1, got {cost!r}")
        interval = self.interval(key)
        if interval is None:
            return None
        return [max(1, round(interval * 1e6)), cost]

    def _async_script(self) -> Any:
        loop = asyncio.get_running_loop()
        with self._lock:
            entry = self._async.get(loop)
            if entry is None:
                client = self._redis.asyncio.Redis.from_url(
                    self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout)
                entry = (client, client.register_script(_GCRA_RESERVE))
                self._async[loop] = entry
        return entry[1]

    def _unavailable(self, exc: Exception) -> RateStoreUnavailableError:
        return RateStoreUnavailableError(
            f"The shared rate store of 'rate_limit_url' ({self.where}) did not answer "
            f"({type(exc).__name__}); no request was sent")
