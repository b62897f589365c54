"""Sliding-window QPS limiter (TikTok answers HTTP 200 + code 40100 / 40133, never HTTP 429)."""

from __future__ import annotations

import threading
import time
from collections import deque


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
