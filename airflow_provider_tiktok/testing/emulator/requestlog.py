"""The request log: one redacted record per request, and call counters per endpoint key."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

MAX_LOG_RECORDS = 100_000


class RequestLog:
    """Thread-safe; bounded so a long-running CLI emulator does not grow without limit."""

    def __init__(self, maxlen: int = MAX_LOG_RECORDS) -> None:
        self._lock = threading.Lock()
        self._records: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._counters: dict[str, int] = {}

    def next_call(self, key: str) -> int:
        """Count one more call of endpoint ``key``; return its 1-based number."""
        with self._lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def append(self, record: dict[str, Any]) -> None:
        """Keep ``record`` (the dispatcher completes it while the request runs)."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._records]

    def counters(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counters)

    def count(self, key: str) -> int:
        with self._lock:
            return self._counters.get(key, 0)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._counters.clear()
