from __future__ import annotations

import threading
import time

import pytest

from airflow_provider_tiktok.api.core.prefetch import prefetch


def test_items_arrive_in_order():
    assert list(prefetch(iter(range(50)))) == list(range(50))


def test_producer_runs_ahead_while_the_consumer_works():
    produced: list[int] = []

    def slow_pages():
        for n in range(4):
            time.sleep(0.1)  # "network"
            produced.append(n)
            yield n

    started = time.monotonic()
    for _ in prefetch(slow_pages()):
        time.sleep(0.1)  # "CPU" on the current page while the next one is fetched
    elapsed = time.monotonic() - started
    assert produced == [0, 1, 2, 3]
    assert elapsed < 0.7  # 8 x 0.1 s sequentially; overlapped ~0.5 s


def test_errors_surface_at_their_position():
    def pages():
        yield 1
        yield 2
        raise RuntimeError("40067 on page 3")

    got = []
    with pytest.raises(RuntimeError, match="page 3"):
        for item in prefetch(pages()):
            got.append(item)
    assert got == [1, 2]


def test_early_stop_ends_the_producer_without_reading_everything():
    requested: list[int] = []

    def pages():
        for n in range(100):
            requested.append(n)
            yield n

    for item in prefetch(pages(), depth=1):
        if item == 2:
            break
    assert len(requested) <= 5  # the current one, one queued, one in hand at most
    assert not [t for t in threading.enumerate() if t.name == "tiktok-prefetch"]


def test_depth_is_validated():
    with pytest.raises(ValueError):
        next(prefetch([1], depth=0))
