"""Fetch numbered pages concurrently and hand them out in order (no Airflow import).

TikTok answers a 1,000-row report page in about a second, so reading pages one after the other spends
nearly all its time waiting. :func:`fetch_numbered_pages` (one paged query) and :func:`iter_parts_pages`
(several paged queries in a row: date chunks, advertisers) keep up to ``max_concurrency`` requests in
flight and yield the pages in exactly the order a sequential read yields them, with the same
``total_number`` checks as :func:`~airflow_provider_tiktok.api.core.pager.iter_numbered_pages`. The rate is
not this module's business: every request draws from the client's
:class:`~airflow_provider_tiktok.api.core.budget.RateBudget`, so more concurrency never means more than
the app's QPS.

Why threads on the sync client rather than the async client: the callers (the sync report operator, the
entity operators, their hooks) are synchronous Airflow tasks. ``fetch`` stays an ordinary call of the
:class:`~airflow_provider_tiktok.api.core.client.TikTokClient` (``requests``' thread-safe connection pool,
the same retries, token refresh, streaming and 40067 handling), so no second event-loop code path is needed
and nothing of the callers changes. The work is waiting on the network: a handful of threads cost
nothing, and JSON decoding (``msgspec``) runs in them while the caller's thread types and writes rows.

Memory is bounded: at most ``buffer`` pages (default ``2 * max_concurrency``) are requested but not yet
handed out, whatever the number of pages.

How a failure travels: an error of a page is raised when the consumer reaches that page, exactly where a
sequential read raises it; the requests still in flight finish and are dropped, pages not started are
cancelled. ``expand(part, error)`` may replace a part whose *first* page failed by other parts (a date
chunk that answered 40067 "query too large" → its two halves), in place, so the order stays that of a
sequential read.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from airflow_provider_tiktok.api.core.pager import NumberedPage, incomplete_error, total_changed_error

P = TypeVar("P", bound=NumberedPage)
K = TypeVar("K")

#: Default number of requests in flight.
DEFAULT_MAX_CONCURRENCY = 4


def check_concurrency(value: Any, what: str = "max_concurrency") -> int:
    """A whole number >= 1, or a ``ValueError`` naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a whole number >= 1 (1 = one request at a time), got {value!r}")
    return value


@dataclass
class _Part(Generic[K, P]):
    key: K
    futures: dict[int, cf.Future[P]] = field(default_factory=dict)
    #: Pages to request (from page 1's ``total_page``; None until page 1 arrived).
    total_page: int | None = None
    next_submit: int = 1
    cursor: int = 1  # next page to hand out
    expected: int = 0
    received: int = 0
    keep_error: bool = False  # ``expand`` declined: the first page's error is raised in order


class _Scheduler(Generic[K, P]):
    def __init__(self, parts: Iterable[K], fetch: Callable[[K, int], P], pool: cf.Executor, limit: int,
                 expand: Callable[[K, BaseException], Sequence[K] | None] | None,
                 first: dict[int, P] | None = None) -> None:
        self.parts: list[_Part[K, P]] = [_Part(key) for key in parts]
        self.fetch = fetch
        self.pool = pool
        self.limit = limit
        self.expand = expand
        self.outstanding: set[cf.Future[P]] = set()
        for index, page in (first or {}).items():  # pages the caller already has (page 1 of part ``index``)
            done: cf.Future[P] = cf.Future()
            done.set_result(page)
            part = self.parts[index]
            part.futures[1] = done
            part.next_submit = 2
            self.outstanding.add(done)

    def _submit(self, part: _Part[K, P], number: int) -> None:
        future = self.pool.submit(self.fetch, part.key, number)
        part.futures[number] = future
        self.outstanding.add(future)

    def _drop(self, part: _Part[K, P]) -> None:
        for future in part.futures.values():
            future.cancel()
            self.outstanding.discard(future)
        part.futures.clear()

    def fill(self) -> None:
        """Request pages in output order until ``limit`` pages are outstanding."""
        i = 0
        while i < len(self.parts) and len(self.outstanding) < self.limit:
            part = self.parts[i]
            if part.total_page is None:
                if part.next_submit == 1:
                    self._submit(part, 1)
                    part.next_submit = 2
                    i += 1
                    continue
                head = part.futures.get(1)
                if head is None or not head.done():
                    i += 1
                    continue
                exc = head.exception()
                if exc is not None:
                    replacement = None
                    if self.expand is not None and not part.keep_error:
                        replacement = self.expand(part.key, exc)
                    if replacement is None:
                        part.keep_error = True
                        i += 1  # raised when the consumer reaches it
                        continue
                    self._drop(part)
                    self.parts[i:i + 1] = [_Part(key) for key in replacement]
                    continue
                part.total_page = head.result().total_page
            while part.next_submit <= (part.total_page or 0) and len(self.outstanding) < self.limit:
                self._submit(part, part.next_submit)
                part.next_submit += 1
            i += 1

    def _wait_for(self, future: cf.Future[P]) -> None:
        """Wait until ``future`` is done, requesting more pages whenever any outstanding one arrives."""
        while not future.done():
            cf.wait(self.outstanding, return_when=cf.FIRST_COMPLETED)
            self.fill()

    def run(self, label: Callable[[K], str], path: str | None) -> Iterator[tuple[K, P]]:
        while self.parts:
            self.fill()
            part = self.parts[0]
            future = part.futures.get(part.cursor)
            if future is None:  # cannot happen: the head part is always served first
                raise RuntimeError(f"page {part.cursor} of {label(part.key)} was never requested")
            self._wait_for(future)
            if part.cursor == 1 and future.exception() is not None and self.expand is not None:
                self.fill()  # lets ``expand`` replace the head part
                if self.parts and self.parts[0] is not part:
                    continue
            del part.futures[part.cursor]
            self.outstanding.discard(future)
            page = future.result()  # raises the page's error here, in order
            if part.cursor == 1:
                part.expected = page.total_number
                if part.total_page is None:
                    part.total_page = page.total_page
            elif page.total_number != part.expected:
                raise total_changed_error(label(part.key), part.expected, page, part.cursor, path)
            part.received += len(page.items)
            yield part.key, page
            if part.cursor >= page.total_page or not page.items:
                self._drop(part)
                self.parts.pop(0)
                if part.received != part.expected:
                    raise incomplete_error(label(part.key), part.received, part.expected, page, path)
                continue
            part.cursor += 1
            if part.total_page is not None and page.total_page > part.total_page:
                part.total_page = page.total_page  # later pages announced more: request those too


def iter_parts_pages(parts: Iterable[K], fetch: Callable[[K, int], P], *,
                     max_concurrency: int = DEFAULT_MAX_CONCURRENCY, buffer: int | None = None,
                     expand: Callable[[K, BaseException], Sequence[K] | None] | None = None,
                     label: Callable[[K], str] = str, path: str | None = None,
                     first: P | None = None, name: str = "tiktok-pages") -> Iterator[tuple[K, P]]:
    """``(part, page)`` for every page of every part, in order: part 1's pages 1..N, then part 2's, ...

    :param parts: the paged queries, in output order (any hashable or not description: ``fetch`` gets it).
    :param fetch: ``fetch(part, page_number)`` → the page (called in worker threads).
    :param max_concurrency: requests in flight at most (worker threads).
    :param buffer: pages requested but not yet handed out, at most (default ``2 * max_concurrency``).
    :param expand: called with a part whose first page failed and the error: return the parts replacing it
        (e.g. two halves of a date window) or None to raise the error.
    :param label: names a part in row-count errors.
    :param path: the endpoint path, for errors.
    :param first: page 1 of the first part, when the caller already has it.

    Each part is checked like :func:`~airflow_provider_tiktok.api.core.pager.iter_numbered_pages` checks
    one query (``total_number`` constant, rows adding up to it). Leaving the loop early cancels the
    pages not started and waits for those in flight.
    """
    workers = check_concurrency(max_concurrency)
    limit = check_concurrency(buffer if buffer is not None else 2 * workers, "buffer")
    pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    try:
        scheduler: _Scheduler[K, P] = _Scheduler(parts, fetch, pool, max(limit, 1), expand,
                                                 first={0: first} if first is not None else None)
        yield from scheduler.run(label, path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def fetch_numbered_pages(fetch: Callable[[int], P], *, label: str, path: str | None = None,
                         first: P | None = None, max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
                         buffer: int | None = None) -> Iterator[P]:
    """Pages 1..``total_page`` of one query, fetched ``max_concurrency`` at a time, yielded in order.

    The concurrent twin of :func:`~airflow_provider_tiktok.api.core.pager.iter_numbered_pages` (same
    arguments, same checks and errors, same pages in the same order). Page 1 is fetched first (its
    ``total_page`` says how many follow) unless ``first`` is given; then pages 2.. are requested ahead,
    at most ``buffer`` (default ``2 * max_concurrency``) pages outstanding.
    """
    for _, page in iter_parts_pages([label], lambda _part, number: fetch(number), max_concurrency=max_concurrency,
                                    buffer=buffer, label=lambda _part: label, path=path, first=first):
        yield page


__all__ = ["DEFAULT_MAX_CONCURRENCY", "check_concurrency", "fetch_numbered_pages", "iter_parts_pages"]
