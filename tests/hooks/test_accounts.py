"""Accounts API hook methods for content: iter_business_videos / iter_business_comments over loopback HTTP."""

from __future__ import annotations

import json
import uuid

import pytest

from airflow_provider_tiktok.api.accounts import content
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.testing.context import InMemoryTokenStore
from airflow_provider_tiktok.testing.emulator import content_data

VIDEOS = "/business/video/list/"
COMMENTS = "/business/comment/list/"


def _accounts_hook(emu, monkeypatch) -> TikTokHook:
    conn_id = f"tiktok_acc_{uuid.uuid4().hex[:8]}"  # no token pair stored by another test
    conn = emu.connection_dict(conn_id, "accounts")
    conn["extra"]["business_id"] = emu.config.accounts_open_id
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
    hook = TikTokHook(tiktok_conn_id=conn_id)
    hook.token_store = InMemoryTokenStore()  # these tests are about paging; tests/hooks/test_tokens.py: persistence
    return hook


def test_videos_stream_page_by_page(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    with _accounts_hook(emu, monkeypatch) as hook:
        rows = hook.iter_business_videos(content.VideoListRequest(emu.config.accounts_open_id,
                                                                  fields=["likes", "create_time"]))
        first = next(rows)
        assert emu.count(VIDEOS) == 1  # one page asked, not the whole listing
        rest = list(rows)
    assert emu.count(VIDEOS) == 3
    assert list(first) == ["business_id", "item_id", "likes", "create_time"]
    assert first["business_id"] == emu.config.accounts_open_id and isinstance(first["likes"], int)
    assert len(rest) + 1 == content_data.VIDEOS_PER_ACCOUNT


def test_comments_of_one_video_with_replies_as_rows(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    open_id = emu.config.accounts_open_id
    video = next(content_data.video_id(i) for i in range(content_data.VIDEOS_PER_ACCOUNT)
                 if len(content_data.comments_of(0, open_id, content_data.video_id(i))) > 30)
    top = content_data.comments_of(0, open_id, video)
    with _accounts_hook(emu, monkeypatch) as hook:
        rows = list(hook.iter_business_comments(content.CommentListRequest(open_id, video, include_replies=True),
                                                fields=["comment_id", "parent_comment_id", "text"]))
    assert emu.count(COMMENTS) == -(-len(top) // 30) >= 2  # > 30 comments: one request per 30
    assert [r["comment_id"] for r in rows if r["parent_comment_id"] is None] == [c["comment_id"] for c in top]
    replies = [r for r in rows if r["parent_comment_id"]]
    assert replies and all(list(r) == ["business_id", "video_id", "comment_id", "parent_comment_id", "text"]
                           for r in rows)


def test_expired_access_token_is_refreshed_while_paging(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    hook = _accounts_hook(emu, monkeypatch)
    emu.advance_clock(86400 + 60)  # the connection's 24 h access token has expired: TikTok answers 40102
    with hook:
        rows = list(hook.iter_business_videos(content.VideoListRequest(emu.config.accounts_open_id)))
    assert len(rows) == content_data.VIDEOS_PER_ACCOUNT
    assert emu.count("/tt_user/oauth2/refresh_token/") == 1


def test_marketing_connection_is_refused_before_any_request(tiktok_connection):
    emu = tiktok_connection
    with TikTokHook() as hook, pytest.raises(TikTokValidationError, match="needs a 'accounts' connection"):
        next(hook.iter_business_videos(content.VideoListRequest("-000x")))
    with TikTokHook() as hook, pytest.raises(TikTokValidationError, match="needs a 'accounts' connection"):
        next(hook.iter_business_comments(content.CommentListRequest("-000x", "7400000000000000001")))
    assert emu.requests == []
