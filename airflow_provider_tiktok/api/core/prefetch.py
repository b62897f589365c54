"""Read ahead: produce the next item of an iterator in a thread while the caller handles the current one.

A synchronous report alternates waiting for TikTok (network) and typing/writing rows (CPU). Reading one
page ahead overlaps the two without raising the request rate above one request in flight, and keeps at
most ``depth + 1`` pages in memory.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

_DONE = object()


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def prefetch(iterable: Iterable[T], depth: int = 1, *, name: str = "tiktok-prefetch") -> Iterator[T]:
    """Yield the items of ``iterable``, computed up to ``depth`` items ahead in a background thread.

    Exceptions raised by ``iterable`` are re-raised to the consumer at the position they occurred.
    When the consumer stops early (``break``, an exception, ``close()``), the producer thread is told
    to stop and joined; it finishes the item it is producing, and nothing more is requested.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in iterable:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failure(exc))
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name=name, daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()
