"""Accounts API content models: /business/video/list/ and /business/comment/list/ requests, paging and records."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.accounts import content
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokRowCountError, TikTokValidationError
from airflow_provider_tiktok.api.core.pager import CursorPage
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.testing.emulator import content_data

BID = "-000EmulatorBusinessAccount0001"
VIDEO = "7400000000000000001"


def _client(emu) -> TikTokClient:
    return TikTokClient(access_token=emu.accounts_tokens["access_token"], app_id=emu.config.accounts_app_id,
                        app_secret=emu.config.accounts_app_secret, base_url=emu.base_url,
                        timeouts=Timeouts(connect=2, read=2),
                        retry=RetryPolicy(max_attempts=4, initial_wait=0.01, max_wait=0.02, jitter=0))


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize(("fields", "closest"), [
    (["item_id", "video_view"], "video_views"),
    ("item_id,full_video_watch_rate", "full_video_watched_rate"),
    ('["thumbnail"]', "thumbnail_url"),
    (["view_count"], "video_views"),  # the Display API's name
])
def test_unknown_video_field_names_the_closest_valid_one(fields, closest):
    with pytest.raises(TikTokValidationError, match=f"did you mean '{closest}'") as info:
        content.VideoListRequest(BID, fields=fields)
    assert spec.Paths.BUSINESS_VIDEO_LIST in str(info.value)


def test_unknown_comment_field_names_the_closest_valid_one():
    with pytest.raises(TikTokValidationError, match="did you mean 'likes'"):
        content.check_comment_fields(["comment_id", "like"])


def test_video_fields_always_start_with_item_id_and_accept_the_three_spellings():
    assert content.VideoListRequest(BID, fields=["likes", "reach"]).fields == ("item_id", "likes", "reach")
    assert content.VideoListRequest(BID, fields="likes, item_id").fields == ("item_id", "likes")
    assert content.VideoListRequest(BID, fields='["caption"]').fields == ("item_id", "caption")
    assert set(content.DEFAULT_VIDEO_FIELDS) <= set(content.VIDEO_FIELDS)


@pytest.mark.parametrize("max_count", [0, 21, True, "10", 2.5])
def test_video_max_count_outside_tiktoks_limit_is_rejected(max_count):
    with pytest.raises(TikTokValidationError, match="max_count must be an integer from 1 to 20"):
        content.VideoListRequest(BID, max_count=max_count)


@pytest.mark.parametrize("max_count", [0, 31])
def test_comment_max_count_outside_tiktoks_limit_is_rejected(max_count):
    with pytest.raises(TikTokValidationError, match="from 1 to 30"):
        content.CommentListRequest(BID, VIDEO, max_count=max_count)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"business_id": ""}, "business_id"),
    ({"video_ids": ["12ab"]}, "video_ids must be numeric"),
    ({"ad_post_only": True}, "only with video_ids"),
    ({"cursor": -1}, "milliseconds"),
])
def test_bad_video_request_arguments(kwargs, words):
    with pytest.raises(TikTokValidationError, match=words):
        content.VideoListRequest(**{"business_id": BID, **kwargs})


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"video_id": "abc"}, "video_id"),
    ({"video_id": "1,2"}, "one numeric video id"),
    ({"comment_ids": [str(i) for i in range(31)]}, "at most 30"),
    ({"status": "hidden"}, "status must be one of"),
    ({"sort_field": "like"}, "did you mean 'likes'"),
    ({"sort_order": "descending"}, "sort_order"),
    ({"include_replies": "yes"}, "include_replies"),
])
def test_bad_comment_request_arguments(kwargs, words):
    with pytest.raises(TikTokValidationError, match=words):
        content.CommentListRequest(**{"business_id": BID, "video_id": VIDEO, **kwargs})


def test_requests_normalise_enumerations_and_build_tiktoks_parameters():
    videos = content.VideoListRequest(BID, fields=["likes"], video_ids="7400000000000000002, 7400000000000000002",
                                      ad_post_only=True, max_count=5)
    assert videos.params() == {"business_id": BID, "fields": ["item_id", "likes"], "max_count": 5,
                               "filters": {"video_ids": ["7400000000000000002"], "ad_post_only": True}}
    assert content.VideoListRequest(BID, cursor=1_700_000_000_000).params()["cursor"] == 1_700_000_000_000
    assert content.VideoListRequest(BID, cursor=1).params(cursor=5)["cursor"] == 5
    comments = content.CommentListRequest(BID, int(VIDEO), comment_ids=[1, "2"], include_replies=True,
                                          status=" public ", sort_field="LIKES", sort_order="Desc")
    call = content.list_comments(comments, cursor=30)
    assert call.method == "GET" and call.path == "/business/comment/list/"
    assert call.params == {"business_id": BID, "video_id": VIDEO, "max_count": 30, "comment_ids": ["1", "2"],
                           "include_replies": True, "status": "PUBLIC", "sort_field": "likes",
                           "sort_order": "desc", "cursor": 30}
    assert "cursor" not in content.list_comments(content.CommentListRequest(BID, VIDEO)).params


# --- records ----------------------------------------------------------------------------------

def test_video_records_are_typed_and_keep_the_field_order():
    item = {"item_id": 7400000000000000001, "create_time": "1735689600", "video_views": 12.0, "likes": "-",
            "video_duration": "20.001", "is_ad": "true", "impression_sources": [{"impression_source": "For You",
                                                                                 "percentage": 0.7}]}
    fields = ("item_id", "likes", "create_time", "video_views", "video_duration", "is_ad", "impression_sources",
              "reach")
    record = content.video_record(item, BID, fields)
    assert list(record) == content.record_columns("video", fields)
    assert record == {"business_id": BID, "item_id": "7400000000000000001", "likes": None,
                      "create_time": 1735689600, "video_views": 12, "video_duration": 20.001, "is_ad": True,
                      "impression_sources": [{"impression_source": "For You", "percentage": 0.7}], "reach": None}


def test_nested_replies_become_rows_after_their_comment():
    items = [{"comment_id": "1", "text": "hi", "likes": "3", "replies": 1, "owner": False,
              "reply_list": [{"comment_id": "2", "text": "re", "likes": 0}]},
             {"comment_id": "3", "video_id": "9", "text": "x"}]
    fields = ("comment_id", "parent_comment_id", "text", "likes")
    rows = content.comment_records(items, BID, VIDEO, fields)
    assert [list(r) for r in rows] == [content.record_columns("comment", fields)] * 3
    assert [(r["comment_id"], r["parent_comment_id"], r["video_id"], r["likes"]) for r in rows] == [
        ("1", None, VIDEO, 3), ("2", "1", VIDEO, 0), ("3", None, "9", None)]


# --- paging over loopback HTTP ----------------------------------------------------------------

def test_videos_page_through_several_cursor_pages(tiktok_emulator):
    request = content.VideoListRequest(tiktok_emulator.config.accounts_open_id, fields=["create_time"],
                                       max_count=20)
    with _client(tiktok_emulator) as client:
        pages = list(content.iter_video_pages(client.call, request))
    assert [len(p.items) for p in pages] == [20, 20, 5] and [p.has_more for p in pages] == [True, True, False]
    assert tiktok_emulator.count("/business/video/list/") == 3
    times = [item["create_time"] for p in pages for item in p.items]
    assert times == sorted(times, reverse=True) and len(set(times)) == content_data.VIDEOS_PER_ACCOUNT
    cursors = [r["query"].get("cursor") for r in tiktok_emulator.requests]
    assert cursors[0] is None and cursors[1:] == [str(pages[0].cursor), str(pages[1].cursor)]


def test_comments_page_through_several_cursor_pages(tiktok_emulator):
    open_id = tiktok_emulator.config.accounts_open_id
    video = next(content_data.video_id(i) for i in range(content_data.VIDEOS_PER_ACCOUNT)
                 if len(content_data.comments_of(0, open_id, content_data.video_id(i))) > 40)
    expected = content_data.comments_of(0, open_id, video)
    request = content.CommentListRequest(open_id, video, max_count=15)
    with _client(tiktok_emulator) as client:
        pages = list(content.iter_comment_pages(client.call, request))
    assert len(pages) == -(-len(expected) // 15) >= 3 and not pages[-1].has_more
    assert [c["comment_id"] for p in pages for c in p.items] == [c["comment_id"] for c in expected]


def test_a_cursor_that_does_not_move_stops_paging():
    def send(call):
        return CursorPage(items=[{"item_id": "1"}], cursor=7, has_more=True)

    with pytest.raises(TikTokRowCountError, match="without a new cursor"):
        list(content.iter_video_pages(send, content.VideoListRequest(BID)))
