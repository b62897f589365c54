"""fetch_numbered_pages / iter_parts_pages: concurrent, in order, bounded, with the sequential pager's checks."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.concurrent_pager import fetch_numbered_pages, iter_parts_pages
from airflow_provider_tiktok.api.core.errors import TikTokQueryTooLargeError, TikTokRowCountError
from airflow_provider_tiktok.api.core.pager import NumberedPage, iter_numbered_pages


class FakeSource:
    """``total`` rows served ``size`` per page after a random delay; counts requests in flight."""

    def __init__(self, total: int, size: int = 10, *, delay: float = 0.01, seed: int = 1) -> None:
        self.total, self.size, self.delay = total, size, delay
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.in_flight = self.peak = self.calls = 0
        self.fail: dict[int, BaseException] = {}
        self.override: dict[int, NumberedPage] = {}

    def __call__(self, number: int) -> NumberedPage:
        with self.lock:
            self.in_flight += 1
            self.calls += 1
            self.peak = max(self.peak, self.in_flight)
            pause = self.random.uniform(0, self.delay)
        try:
            time.sleep(pause)
            if number in self.fail:
                raise self.fail[number]
            if number in self.override:
                return self.override[number]
            pages = max(1, -(-self.total // self.size)) if self.total else 0
            start = (number - 1) * self.size
            items = [{"row": i} for i in range(start, min(start + self.size, self.total))]
            return NumberedPage(items=items, page=number, page_size=self.size, total_number=self.total,
                                total_page=pages)
        finally:
            with self.lock:
                self.in_flight -= 1


def rows(pages: Any) -> list[Any]:
    return [item["row"] for page in pages for item in page.items]


@pytest.mark.parametrize("concurrency", [1, 2, 4, 8])
def test_same_pages_in_the_same_order_as_the_sequential_pager(concurrency: int) -> None:
    sequential = [(p.page, p.items) for p in iter_numbered_pages(FakeSource(537), label="q")]
    source = FakeSource(537, seed=concurrency)
    concurrent = [(p.page, p.items) for p in fetch_numbered_pages(source, label="q", max_concurrency=concurrency)]
    assert concurrent == sequential
    assert source.peak <= concurrency
    if concurrency > 1:
        assert source.peak > 1  # pages really were fetched at the same time


def test_pages_held_stay_bounded_however_slow_the_consumer() -> None:
    source = FakeSource(2000, delay=0.001)
    received = 0
    for page in fetch_numbered_pages(source, label="q", max_concurrency=3, buffer=5):
        received += len(page.items)
        time.sleep(0.002)
        # Requested so far minus handed out so far: at most the buffer (plus the page in hand).
        assert source.calls - page.page <= 5
    assert received == 2000


def test_given_first_page_is_not_fetched_again() -> None:
    source = FakeSource(35)
    first = source(1)
    calls = source.calls
    pages = list(fetch_numbered_pages(source, label="q", first=first, max_concurrency=4))
    assert [p.page for p in pages] == [1, 2, 3, 4]
    assert source.calls == calls + 3


def test_an_error_is_raised_at_its_page_after_the_pages_before_it() -> None:
    source = FakeSource(100)
    source.fail[6] = RuntimeError("page 6 broke")
    seen = []
    with pytest.raises(RuntimeError, match="page 6 broke"):
        for page in fetch_numbered_pages(source, label="q", max_concurrency=4):
            seen.append(page.page)
    assert seen == [1, 2, 3, 4, 5]


def test_total_number_checks_match_the_sequential_pager() -> None:
    source = FakeSource(50)
    source.override[3] = NumberedPage(items=[{"row": 0}] * 10, page=3, page_size=10, total_number=51, total_page=6)
    with pytest.raises(TikTokRowCountError, match="total_number changed from 50 to 51 on page 3"):
        list(fetch_numbered_pages(source, label="q", max_concurrency=4))
    short = FakeSource(50)
    short.override[5] = NumberedPage(items=[{"row": 0}] * 3, page=5, page_size=10, total_number=50, total_page=5)
    with pytest.raises(TikTokRowCountError, match="received 43 rows but TikTok reported total_number=50"):
        list(fetch_numbered_pages(short, label="q", max_concurrency=4))


def test_leaving_early_cancels_the_rest() -> None:
    source = FakeSource(10_000, delay=0.001)
    pages = fetch_numbered_pages(source, label="q", max_concurrency=2)
    for page in pages:
        if page.page == 3:
            break
    pages.close()
    calls = source.calls
    time.sleep(0.05)
    assert source.calls == calls <= 3 + 4  # nothing requested after the consumer left


def test_parts_in_order_and_first_page_errors_expanded_in_place() -> None:
    sources = {"a": FakeSource(25), "b": FakeSource(7), "c": FakeSource(0), "d": FakeSource(12)}
    sources["b1"], sources["b2"] = FakeSource(4), FakeSource(3)
    sources["b"].fail[1] = TikTokQueryTooLargeError("too large", code=40067)

    def expand(part: str, exc: BaseException) -> list[str] | None:
        return [part + "1", part + "2"] if isinstance(exc, TikTokQueryTooLargeError) else None

    out = [(part, page.page, len(page.items))
           for part, page in iter_parts_pages(["a", "b", "c", "d"], lambda part, n: sources[part](n),
                                              max_concurrency=4, expand=expand)]
    assert out == [("a", 1, 10), ("a", 2, 10), ("a", 3, 5), ("b1", 1, 4), ("b2", 1, 3), ("c", 1, 0),
                   ("d", 1, 10), ("d", 2, 2)]


def test_an_unexpanded_first_page_error_is_raised_in_order() -> None:
    sources = {"a": FakeSource(30), "b": FakeSource(7)}
    sources["b"].fail[1] = TikTokQueryTooLargeError("too large", code=40067)
    seen = []
    with pytest.raises(TikTokQueryTooLargeError):
        for part, page in iter_parts_pages(["a", "b"], lambda part, n: sources[part](n), max_concurrency=3,
                                           expand=lambda part, exc: None):
            seen.append((part, page.page))
    assert seen == [("a", 1), ("a", 2), ("a", 3)]


def test_bad_concurrency_is_refused() -> None:
    with pytest.raises(ValueError, match="max_concurrency must be a whole number >= 1"):
        list(fetch_numbered_pages(FakeSource(1), label="q", max_concurrency=0))
