"""The generic pagers: page numbers with total checks, cursors until has_more is false."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokRowCountError
from airflow_provider_tiktok.api.core.pager import CursorPage, NumberedPage, iter_cursor_pages, iter_numbered_pages


def numbered(rows: int, page_size: int, *, drop_page: int | None = None, total_shift_on: int | None = None):
    calls: list[int] = []

    def fetch(number: int) -> NumberedPage:
        calls.append(number)
        start = (number - 1) * page_size
        items = [{"n": i} for i in range(start, min(rows, start + page_size))]
        if number == drop_page:
            items = items[:-1]
        total = rows + (1 if total_shift_on is not None and number >= total_shift_on else 0)
        return NumberedPage.from_data({"list": items, "page_info": {
            "page": number, "page_size": page_size, "total_number": total, "total_page": -(-total // page_size)}})

    return fetch, calls


def test_numbered_pages_in_order_until_total_page():
    fetch, calls = numbered(25, 10)
    pages = list(iter_numbered_pages(fetch, label="x"))
    assert calls == [1, 2, 3] and [len(p.items) for p in pages] == [10, 10, 5]
    assert [i["n"] for p in pages for i in p.items] == list(range(25))


def test_numbered_pages_reuse_a_fetched_first_page():
    fetch, calls = numbered(15, 10)
    first = fetch(1)
    assert len(list(iter_numbered_pages(fetch, label="x", first=first))) == 2 and calls == [1, 2]


def test_missing_rows_and_shifting_totals_are_errors():
    fetch, _ = numbered(25, 10, drop_page=2)
    with pytest.raises(TikTokRowCountError, match="received 24 rows but TikTok reported total_number=25"):
        list(iter_numbered_pages(fetch, label="x"))
    fetch, _ = numbered(25, 10, total_shift_on=2)
    with pytest.raises(TikTokRowCountError, match="total_number changed from 25 to 26 on page 2"):
        list(iter_numbered_pages(fetch, label="x"))


def test_empty_answer_is_one_empty_page():
    fetch, calls = numbered(0, 10)
    assert [p.items for p in iter_numbered_pages(fetch, label="x")] == [[]] and calls == [1]


def test_cursor_pages_follow_the_cursor():
    answers = {None: ([1, 2], "c1", True), "c1": ([3], "c2", True), "c2": ([4], "c3", False)}
    seen: list[object] = []

    def fetch(cursor):
        seen.append(cursor)
        items, nxt, more = answers[cursor]
        return CursorPage.from_data({"videos": [{"v": i} for i in items], "cursor": nxt, "has_more": more},
                                    items_key="videos")

    pages = list(iter_cursor_pages(fetch, label="videos"))
    assert seen == [None, "c1", "c2"] and [v["v"] for p in pages for v in p.items] == [1, 2, 3, 4]


def test_a_cursor_that_does_not_move_is_an_error():
    def fetch(cursor):
        return CursorPage(items=[{"v": 1}], cursor="same", has_more=True)

    with pytest.raises(TikTokRowCountError, match="without a new cursor"):
        list(iter_cursor_pages(fetch, label="videos"))
