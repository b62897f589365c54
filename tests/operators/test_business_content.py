"""TikTokBusinessContentToStorageOperator against the emulator: videos and comments as JSONL and CSV."""

from __future__ import annotations

import csv
import gzip
import io
import json

import pytest

from airflow_provider_tiktok.api.accounts import content
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.operators.business_content import TikTokBusinessContentToStorageOperator
from airflow_provider_tiktok.operators.results import RESULT_KEYS
from airflow_provider_tiktok.testing.context import rendered, task_context
from airflow_provider_tiktok.testing.emulator import content_data

CONN_ID = "tiktok_content"


@pytest.fixture
def emu(tiktok_emulator, monkeypatch, tiktok_memory_token_store):
    conn = tiktok_emulator.connection_dict(CONN_ID, "accounts")
    conn["extra"]["business_id"] = tiktok_emulator.config.accounts_open_id
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", json.dumps(conn))
    return tiktok_emulator


def _op(dest, **kwargs) -> TikTokBusinessContentToStorageOperator:
    return TikTokBusinessContentToStorageOperator(task_id="content", tiktok_conn_id=CONN_ID,
                                                  destination=dest.as_uri(), **kwargs)


def _jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_videos_as_typed_jsonl_with_every_field(emu, tmp_path):
    dest = tmp_path / "out" / "videos.jsonl"
    result = _op(dest, content="videos", fields=list(content.VIDEO_FIELDS)).execute(task_context())
    rows = _jsonl(dest)
    assert list(result)[:len(RESULT_KEYS)] == list(RESULT_KEYS)
    assert result["rows"] == len(rows) == content_data.VIDEOS_PER_ACCOUNT == result["videos"]
    assert (result["format"], result["content"], result["business_id"]) == ("jsonl", "videos",
                                                                             emu.config.accounts_open_id)
    assert result["bytes"] == result["bytes_uncompressed"] == dest.stat().st_size
    assert result["start_date"] is None and result["advertiser_id"] is None
    assert emu.count("/business/video/list/") == 3  # 20 + 20 + 5
    first = rows[0]
    assert list(first) == ["business_id", *content.VIDEO_FIELDS]
    assert isinstance(first["create_time"], int) and isinstance(first["video_duration"], float)
    assert isinstance(first["is_ad"], bool) and isinstance(first["audience_countries"], list)
    assert [r["create_time"] for r in rows] == sorted((r["create_time"] for r in rows), reverse=True)
    assert [p.name for p in dest.parent.iterdir()] == ["videos.jsonl"]  # no temporary object left


def test_comments_of_chosen_videos_as_csv_with_replies(emu, tmp_path):
    open_id = emu.config.accounts_open_id
    videos = [content_data.video_id(i) for i in (0, 1)]
    dest = tmp_path / "comments.csv"
    result = _op(dest, content="comments", video_ids=",".join(videos), include_replies=True,
                 fields=["text", "parent_comment_id", "owner", "likes"], output_format="csv").execute(task_context())
    with dest.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert reader.fieldnames == ["business_id", "video_id", "comment_id", "text", "parent_comment_id", "owner",
                                 "likes"]
    top = [c for v in videos for c in content_data.comments_of(0, open_id, v)]
    assert [r["comment_id"] for r in rows if not r["parent_comment_id"]] == [c["comment_id"] for c in top]
    assert {r["video_id"] for r in rows} == set(videos) and {r["owner"] for r in rows} <= {"true", "false"}
    assert any(r["parent_comment_id"] for r in rows)
    assert (result["rows"], result["videos"], result["format"]) == (len(rows), 2, "csv")
    assert emu.count("/business/video/list/") == 0  # the given ids are not listed again


def test_comments_of_every_listed_video_gzip(emu, tmp_path, monkeypatch):
    monkeypatch.setattr(content_data, "VIDEOS_PER_ACCOUNT", 25)
    dest = tmp_path / "all.jsonl.gz"
    result = _op(dest, content="comments", compression="gzip", comment_status="public").execute(task_context())
    rows = [json.loads(line) for line in io.TextIOWrapper(gzip.open(dest), encoding="utf-8")]
    assert result["videos"] == 25 and result["rows"] == len(rows) > 0 and result["compression"] == "gzip"
    assert result["bytes"] == dest.stat().st_size < result["bytes_uncompressed"]
    assert emu.count("/business/video/list/") == 2  # 20 + 5 ids
    assert emu.count("/business/comment/list/") >= 25
    assert {r["status"] for r in rows} == {"PUBLIC"} and "user_id" not in rows[0]
    assert len({r["video_id"] for r in rows}) > 10


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"content": "posts"}, "content must be one of"),
    ({"content": "videos", "fields": ["item_id", "view_count"]}, "did you mean 'video_views'"),
    ({"content": "comments", "fields": ["txt"]}, "did you mean 'text'"),
    ({"content": "videos", "output_format": "parquet"}, "output_format"),
    ({"content": "videos", "include_replies": True}, "include_replies"),
    ({"content": "comments", "ad_post_only": True}, "ad_post_only"),
    ({"content": "videos", "max_count": 50}, "from 1 to 20"),
    ({"content": "comments", "max_count": 31}, "from 1 to 30"),
    ({"content": "comments", "video_ids": ["v1"]}, "video_ids must be numeric"),
    ({"content": "comments", "sort_order": "up"}, "sort_order"),
    ({"content": "videos", "ad_post_only": True}, "only with video_ids"),
])
def test_static_arguments_are_checked_at_parse_time(tmp_path, kwargs, words):
    with pytest.raises(TikTokValidationError, match=words):
        _op(tmp_path / "x.jsonl", **kwargs)


def test_templated_video_ids_are_checked_before_any_request(emu, tmp_path):
    op = rendered(_op(tmp_path / "x.jsonl", content="comments", video_ids="{{ params.ids }}"), video_ids="7x,8")
    with pytest.raises(AirflowFailException, match="video_ids"):
        op.execute(task_context())
    assert emu.requests == [] and not (tmp_path / "x.jsonl").exists()


def test_wrong_family_fails_clearly(tiktok_connection, tmp_path):
    op = TikTokBusinessContentToStorageOperator(task_id="c", content="videos", business_id="x",
                                                destination=(tmp_path / "v.jsonl").as_uri())
    with pytest.raises(AirflowFailException, match="needs a 'accounts' connection"):
        op.execute(task_context())
    assert tiktok_connection.requests == []
