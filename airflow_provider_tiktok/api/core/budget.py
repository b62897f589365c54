"""Rate budgets: how many requests per second an app may send to one class of TikTok endpoints.

TikTok limits each app per endpoint (HTTP 200 + code 40100 when exceeded). A :class:`RateBudget` is drawn from
before every request, sync and async, so the requests of one process (:class:`LocalRateBudget`) or of a whole
cluster (``budget_redis.RedisRateBudget``, selected by the connection extra ``rate_limit_url``) stay inside it.

Contract shared by every implementation:

- ``acquire(key, cost=1)`` blocks the calling thread until ``cost`` requests of endpoint class ``key`` may be
  sent; ``aacquire`` is its asyncio twin (never blocks the event loop).
- ``key`` is :func:`endpoint_class` of the request path; the rate of a key comes from the ``qps_by_key`` mapping
  the budget was built with, falling back to ``qps_by_key["*"]``; a key with no rate is not limited.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class RateBudget(Protocol):
    """Something requests draw from before they are sent."""

    def acquire(self, key: str, cost: int = 1) -> None:
        """Block until ``cost`` requests of endpoint class ``key`` may be sent."""

    async def aacquire(self, key: str, cost: int = 1) -> None:
        """Wait (without blocking the event loop) until ``cost`` requests of ``key`` may be sent."""
