"""TikTok's two pagination styles, as generic page iterators (no Airflow import).

- **Page numbers** (Marketing API ``/report/integrated/get/``, ``/campaign/get/``, ...): the request
  carries ``page`` / ``page_size``; the answer's ``data.page_info`` holds ``{page, page_size,
  total_number, total_page}``. :func:`iter_numbered_pages` asks page 1, 2, ... until ``total_page``
  and checks that the rows received add up to ``total_number`` (and that it did not change while
  paging), raising :class:`~airflow_provider_tiktok.api.core.errors.TikTokRowCountError` otherwise.
- **Cursors** (Accounts API ``/business/video/list/``, ...): the request carries ``cursor``; the
  answer ``cursor`` and ``has_more``. :func:`iter_cursor_pages` follows the cursor until ``has_more``
  is false.

Both yield pages as they arrive (memory holds one page) and leave retries to the client that
``fetch`` uses, so each page is retried on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from airflow_provider_tiktok.api.core.errors import TikTokRowCountError


@dataclass
class NumberedPage:
    """One answer of a page-number endpoint."""

    items: list[dict[str, Any]]
    page: int
    page_size: int
    total_number: int
    total_page: int
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, items_key: str = "list") -> NumberedPage:
        info = data.get("page_info") or {}
        items = list(data.get(items_key) or [])
        return cls(items=items, page=int(info.get("page", 1)), page_size=int(info.get("page_size", len(items))),
                   total_number=int(info.get("total_number", len(items))),
                   total_page=int(info.get("total_page", 1 if items else 0)))


P = TypeVar("P", bound=NumberedPage)


@dataclass
class CursorPage:
    """One answer of a cursor endpoint."""

    items: list[dict[str, Any]]
    cursor: Any
    has_more: bool

    @classmethod
    def from_data(cls, data: Mapping[str, Any], *, items_key: str) -> CursorPage:
        return cls(items=list(data.get(items_key) or []), cursor=data.get("cursor"),
                   has_more=bool(data.get("has_more")))


def iter_numbered_pages(fetch: Callable[[int], P], *, label: str, path: str | None = None,
                        first: P | None = None) -> Iterator[P]:
    """Pages 1..``total_page`` from ``fetch(page_number)``; ``first`` is page 1 when already fetched.

    Raises :class:`TikTokRowCountError` (retryable: the data changed, or a page went missing) when
    ``total_number`` changes between pages or the rows received do not add up to it.
    """
    page = first if first is not None else fetch(1)
    expected, received, number = page.total_number, 0, 1
    while True:
        if page.total_number != expected:
            raise total_changed_error(label, expected, page, number, path)
        received += len(page.items)
        yield page
        if number >= page.total_page or not page.items:
            break
        number += 1
        page = fetch(number)
    if received != expected:
        raise incomplete_error(label, received, expected, page, path)


def total_changed_error(label: str, expected: int, page: NumberedPage, number: int,
                        path: str | None) -> TikTokRowCountError:
    """``total_number`` of page ``number`` differs from page 1's."""
    return TikTokRowCountError(
        f"{label}: total_number changed from {expected} to {page.total_number} on page {number} (the data "
        "changed while paging); rerun the task", path=path)


def incomplete_error(label: str, received: int, expected: int, last: NumberedPage,
                     path: str | None) -> TikTokRowCountError:
    """The pages' rows do not add up to ``total_number``."""
    return TikTokRowCountError(
        f"{label}: received {received} rows but TikTok reported total_number={expected} over "
        f"{last.total_page} page(s); the report is incomplete, nothing was kept", path=path)


def iter_cursor_pages(fetch: Callable[[Any], CursorPage], *, label: str, path: str | None = None,
                      max_pages: int = 100_000) -> Iterator[CursorPage]:
    """Pages from ``fetch(cursor)`` (``None`` first) until ``has_more`` is false.

    A cursor that does not move while ``has_more`` stays true would loop forever: that is an error.
    """
    cursor: Any = None
    for _ in range(max_pages):
        page = fetch(cursor)
        yield page
        if not page.has_more:
            return
        if page.cursor is None or page.cursor == cursor:
            raise TikTokRowCountError(f"{label}: TikTok answered has_more without a new cursor ({page.cursor!r})",
                                      path=path)
        cursor = page.cursor
    raise TikTokRowCountError(f"{label}: more than {max_pages} pages; stopping", path=path)


__all__ = ["CursorPage", "NumberedPage", "incomplete_error", "iter_cursor_pages", "iter_numbered_pages",
           "total_changed_error"]
