"""Retry policy and pacing shared by the sync and async clients.

Retries use tenacity: exponential backoff with jitter for retryable errors (rate limits, TikTok server
errors, transport failures), bounded by attempts and by total time, never for auth, permission or
invalid-request errors. A rate-limit answer also slows the client down for the requests that follow
(:class:`Pacer`): TikTok lowers an app's quota when it keeps being hammered.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import tenacity

from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokRateLimitError, is_retryable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait to connect and between bytes of the answer (``read``)."""

    connect: float = 10.0
    read: float = 120.0

    def __post_init__(self) -> None:
        if self.connect <= 0 or self.read <= 0:
            raise ValueError(f"timeouts must be positive, got connect={self.connect} read={self.read}")


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up (every wait in seconds)."""

    #: Total attempts of one request (1 = no retry).
    max_attempts: int = 6
    #: Stop retrying once this many seconds have passed since the first attempt.
    max_elapsed: float = 600.0
    #: First backoff, doubled per attempt up to ``max_wait``, plus jitter.
    initial_wait: float = 1.0
    max_wait: float = 60.0
    #: Least backoff after a rate-limit answer (TikTok's QPS window is one second, its per-minute window
    #: ~5 minutes: the doubling covers both).
    rate_limit_wait: float = 2.0
    #: Up to this many seconds of random jitter added to every wait.
    jitter: float = 1.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        if min(self.max_elapsed, self.initial_wait, self.max_wait, self.rate_limit_wait, self.jitter) < 0:
            raise ValueError("retry waits must not be negative")

    @classmethod
    def none(cls) -> RetryPolicy:
        return cls(max_attempts=1)

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exp = tenacity.wait_exponential_jitter(initial=self.initial_wait, max=self.max_wait, jitter=self.jitter)
        wait = exp(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TikTokRateLimitError):
            floor = min(self.max_wait, self.rate_limit_wait * (2 ** (state.attempt_number - 1)))
            wait = max(wait, floor)
        return float(wait)

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("TikTok call failed (attempt %d/%d), retrying in %.1fs: %s",
                    state.attempt_number, self.max_attempts, wait, exc)

    def _kwargs(self) -> dict[str, Any]:
        return dict(
            stop=tenacity.stop_after_attempt(self.max_attempts) | tenacity.stop_after_delay(self.max_elapsed),
            wait=self._wait,
            retry=tenacity.retry_if_exception(is_retryable),
            before_sleep=self._before_sleep,
            reraise=True,
        )

    def retrying(self) -> tenacity.Retrying:
        return tenacity.Retrying(**self._kwargs())

    def async_retrying(self) -> tenacity.AsyncRetrying:
        return tenacity.AsyncRetrying(**self._kwargs())


class Pacer:
    """Spaces requests out after rate-limit answers; relaxes again after successes.

    The interval starts at 0 (no pacing). Each rate-limit answer doubles it (from ``step``) up to
    ``ceiling``; each success halves it, dropping to 0 below ``step``.
    """

    def __init__(self, step: float = 0.25, ceiling: float = 10.0) -> None:
        self.step = step
        self.ceiling = ceiling
        self.interval = 0.0
        self._next_at = 0.0
        self._lock = threading.Lock()

    def _reserve(self) -> float:
        """Claim the next slot; return how long the caller must wait for it."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_at)
            self._next_at = start + self.interval
            return start - now

    def wait(self) -> None:
        delay = self._reserve()
        if delay > 0:
            time.sleep(delay)

    async def await_turn(self) -> None:
        delay = self._reserve()
        if delay > 0:
            await asyncio.sleep(delay)

    def record(self, exc: BaseException | None) -> None:
        with self._lock:
            if isinstance(exc, TikTokRateLimitError):
                self.interval = min(self.ceiling, max(self.step, self.interval * 2))
                log.info("TikTok rate limit hit: pacing requests %.2fs apart", self.interval)
            elif exc is None or not isinstance(exc, TikTokError):
                self.interval = self.interval / 2 if self.interval / 2 >= self.step else 0.0
