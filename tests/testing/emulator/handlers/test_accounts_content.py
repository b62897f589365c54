"""Emulated /business/video/list/ and /business/comment/list/: envelope, cursor paging, limits, errors, faults."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.testing.emulator import content_data
from airflow_provider_tiktok.testing.emulator.handlers.accounts_content import COMMENT_SCOPE, VIDEO_SCOPE

VIDEOS = "/business/video/list/"
COMMENTS = "/business/comment/list/"


@pytest.fixture
def acc(api):
    api.token = api.emu.accounts_tokens["access_token"]
    api.bid = api.emu.accounts_tokens["open_id"]
    return api


def _videos(acc, **params):
    return acc.get(VIDEOS, business_id=acc.bid, **params).json()


def _comments(acc, video_id=None, **params):
    return acc.get(COMMENTS, business_id=acc.bid, video_id=video_id or _busy_video(acc), **params).json()


def _busy_video(acc, at_least=35):
    return next(content_data.video_id(i) for i in range(content_data.VIDEOS_PER_ACCOUNT)
                if len(content_data.comments_of(0, acc.bid, content_data.video_id(i))) >= at_least)


def test_video_list_envelope_and_default_fields(acc):
    body = _videos(acc)
    assert body["code"] == 0 and body["message"] == "OK" and body["request_id"]
    data = body["data"]
    assert set(data) == {"videos", "cursor", "has_more"} and data["has_more"] is True
    assert len(data["videos"]) == 10 and all(set(v) == {"item_id"} for v in data["videos"])  # TikTok's defaults


def test_videos_page_by_millisecond_cursor_until_has_more_is_false(acc):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"fields": ["item_id", "create_time"], "max_count": 20}
        if cursor is not None:
            params["cursor"] = cursor
        data = _videos(acc, **params)["data"]
        pages += 1
        assert all(v["create_time"] * 1000 < (cursor or 10**15) for v in data["videos"])
        seen += data["videos"]
        if not data["has_more"]:
            break
        assert data["cursor"] == data["videos"][-1]["create_time"] * 1000
        cursor = data["cursor"]
    assert pages == 3 and len({v["item_id"] for v in seen}) == content_data.VIDEOS_PER_ACCOUNT


def test_every_documented_video_field_is_served_and_filters_select_posts(acc):
    ids = [content_data.video_id(i) for i in (2, 3, 30)]
    data = _videos(acc, fields=list(content_data.VIDEO_FIELDS), filters={"video_ids": ids})["data"]
    assert [v["item_id"] for v in data["videos"]] == ids and data["has_more"] is False
    video = data["videos"][0]
    assert set(video) == set(content_data.VIDEO_FIELDS)
    assert isinstance(video["video_duration"], float) and isinstance(video["reach"], int)
    assert {s["impression_source"] for s in video["impression_sources"]} >= {"For You", "Follow"}
    assert abs(sum(s["percentage"] for s in video["audience_countries"]) - 1) < 0.01
    only_ads = _videos(acc, fields=["item_id", "is_ad"], filters={"video_ids": ids, "ad_post_only": True})
    assert [v["item_id"] for v in only_ads["data"]["videos"]] == [content_data.video_id(3)]


def test_video_comment_count_matches_the_comments_served(acc):
    video = _busy_video(acc)
    count = _videos(acc, fields=["item_id", "comments"], filters={"video_ids": [video]})["data"]["videos"][0]
    replies = content_data.replies_of(0, acc.bid, video)
    assert count["comments"] == len(content_data.comments_of(0, acc.bid, video)) + sum(map(len, replies.values()))


@pytest.mark.parametrize(("params", "message"), [
    ({"fields": ["item_id", "video_view"]}, "fields: Invalid field(s) video_view."),
    ({"fields": ["likes", "reach"]}, "item_id must be included"),
    ({"max_count": 21}, "max_count: Must be less than or equal to 20."),
    ({"max_count": 0}, "max_count: Must be greater than or equal to 1."),
    ({"cursor": "soon"}, "cursor: Not a valid integer."),
    ({"filters": {"video_id": ["1"]}}, "filters: Unknown field(s) video_id."),
])
def test_bad_video_parameters_are_40002(acc, params, message):
    body = _videos(acc, **params)
    assert body["code"] == 40002 and message in body["message"] and body["data"] == {}


def test_comments_page_by_offset_and_filter_by_status(acc):
    video = _busy_video(acc)
    everything = content_data.comments_of(0, acc.bid, video)
    first = _comments(acc, video, max_count=30)["data"]
    assert len(first["comments"]) == 30 and first["cursor"] == 30 and first["has_more"] is True
    rest = _comments(acc, video, max_count=30, cursor=30)["data"]
    assert rest["has_more"] is (len(everything) > 60)
    assert [c["comment_id"] for c in first["comments"] + rest["comments"]] == \
        [c["comment_id"] for c in everything[:60]]
    public = _comments(acc, video, status="PUBLIC", max_count=30)["data"]["comments"]
    assert public and all(c["status"] == "PUBLIC" for c in public)
    assert any(c["status"] == "HIDDEN" for c in everything)


def test_replies_sorting_and_comment_ids(acc):
    video = _busy_video(acc)
    with_replies = _comments(acc, video, include_replies=True, max_count=30)["data"]["comments"]
    nested = [c for c in with_replies if c["reply_list"]]
    assert nested and all(len(c["reply_list"]) <= 3 for c in with_replies)
    reply = nested[0]["reply_list"][0]
    assert reply["parent_comment_id"] == nested[0]["comment_id"]
    assert all("reply_list" not in c for c in _comments(acc, video)["data"]["comments"])
    by_likes = _comments(acc, video, sort_field="likes", sort_order="desc", max_count=30)["data"]["comments"]
    assert [c["likes"] for c in by_likes] == sorted((c["likes"] for c in by_likes), reverse=True)
    picked = _comments(acc, video, comment_ids=[with_replies[1]["comment_id"], reply["comment_id"]])["data"]
    assert {c["comment_id"] for c in picked["comments"]} == {with_replies[1]["comment_id"], reply["comment_id"]}


@pytest.mark.parametrize(("params", "message"), [
    ({"max_count": 31}, "max_count: Must be less than or equal to 30."),
    ({"status": "HIDDEN"}, "status: Must be one of: ALL, PUBLIC."),
    ({"sort_field": "views"}, "sort_field: Must be one of"),
    ({"sort_order": "DESC"}, "sort_order: Must be one of"),
    ({"comment_ids": [str(i) for i in range(31)]}, "comment_ids: Length must be between 1 and 30."),
    ({"include_replies": "maybe"}, "include_replies: Not a valid boolean."),
    ({"video_id": "123"}, "video_id: Video 123 does not exist"),
])
def test_bad_comment_parameters_are_40002(acc, params, message):
    body = _comments(acc, **params)
    assert body["code"] == 40002 and message in body["message"]


def test_token_and_business_id_checks(acc):
    for path in (VIDEOS, COMMENTS):
        other = acc.get(path, business_id="-000SomeoneElse", video_id=content_data.video_id(0)).json()
        assert other["code"] == 40001 and "business_id -000SomeoneElse" in other["message"]
        marketing = acc.get(path, token=acc.emu.access_token, business_id=acc.bid).json()
        assert marketing["code"] == 40001
        assert acc.get(path, token="", business_id=acc.bid).json()["code"] == 40104
        assert acc.get(path, business_id="").json()["code"] == 40002
    acc.emu.advance_clock(86400 + 1)
    assert _videos(acc)["code"] == 40102  # the 24 h Accounts API token expired


def test_a_token_without_the_scope_is_refused(acc):
    access, _refresh = acc.emu.state.issue_user_tokens("accounts", acc.emu.config.accounts_app_id, acc.bid,
                                                       "user.info.basic")
    for path, scope in ((VIDEOS, VIDEO_SCOPE), (COMMENTS, COMMENT_SCOPE)):
        body = acc.get(path, token=access.token, business_id=acc.bid, video_id=content_data.video_id(0)).json()
        assert body["code"] == 40001 and f"scope {scope}" in body["message"]


def test_faults_are_injected_on_both_endpoints(acc):
    acc.emu.inject(VIDEOS, {1: "40100", 2: "http_503"})
    acc.emu.inject(COMMENTS, {1: "50002"})
    assert _videos(acc)["code"] == 40100
    assert acc.get(VIDEOS, business_id=acc.bid).status_code == 503
    assert _videos(acc)["code"] == 0
    assert _comments(acc)["code"] == 50002 and _comments(acc)["code"] == 0
    assert acc.emu.count(VIDEOS) == 3 and acc.emu.count(COMMENTS) == 2
