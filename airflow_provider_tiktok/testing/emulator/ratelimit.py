"""Sliding-window QPS limiter (TikTok answers HTTP 200 + code 40100 / 40133, never HTTP 429) and the latency model."""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable


class SlidingWindowLimiter:
    """Allows at most ``limit`` events per key in any 1-second window (real monotonic time)."""

    def __init__(self, limit: int | None, window: float = 1.0) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str = "") -> bool:
        """Record an attempt; False when the key already used its budget in the window.

        Rejected attempts are not recorded, so a client that backs off recovers in the next second.
        """
        if self.limit is None:
            return True
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True


class KeyedLimiter:
    """One :class:`SlidingWindowLimiter` window per key, each with its own limit from ``limit_for(key)``."""

    def __init__(self, limit_for: Callable[[str], int | None], window: float = 1.0) -> None:
        self._limit_for = limit_for
        self._window = window
        self._limiters: dict[str, SlidingWindowLimiter] = {}
        self._lock = threading.Lock()

    def limit(self, key: str) -> int | None:
        return self._limit_for(key)

    def allow(self, key: str) -> bool:
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = SlidingWindowLimiter(self._limit_for(key), self._window)
        return limiter.allow(key)


class LatencyModel:
    """Seconds to hold an answer: ``fixed + per_row * rows``, times a seeded random factor ``1 ± jitter``."""

    def __init__(self, fixed: float = 0.0, per_row: float = 0.0, jitter: float = 0.0, seed: int = 0) -> None:
        self.fixed, self.per_row, self.jitter = fixed, per_row, jitter
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.fixed > 0 or self.per_row > 0

    def delay(self, rows: int = 0) -> float:
        base = self.fixed + self.per_row * max(0, rows)
        if base <= 0 or self.jitter <= 0:
            return max(0.0, base)
        with self._lock:
            factor = self._random.uniform(1 - self.jitter, 1 + self.jitter)
        return base * factor


def peak_per_window(times: Iterable[float], window: float = 1.0) -> int:
    """The most events inside any window of ``window`` seconds (``times`` in seconds, any order)."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best
