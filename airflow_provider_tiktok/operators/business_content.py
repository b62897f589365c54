"""``TikTokBusinessContentToStorageOperator``: a TikTok business account's videos, or the comments on them,
as typed JSON Lines or CSV.

Example::

    TikTokBusinessContentToStorageOperator(
        task_id="videos",
        tiktok_conn_id="tiktok_accounts",                    # api_family = accounts
        content="videos",
        destination="s3://bucket/tiktok/videos/{{ ds }}.jsonl",
    )
    TikTokBusinessContentToStorageOperator(
        task_id="comments",
        tiktok_conn_id="tiktok_accounts",
        content="comments", include_replies=True,            # comments of every listed video
        output_format="csv", destination="s3://bucket/tiktok/comments/{{ ds }}.csv",
    )

Videos come from ``GET /business/video/list/`` (lifetime metrics per post, newest post first), comments
from ``GET /business/comment/list/`` once per video; both are read page by page (cursor) and streamed into
one file written atomically. The Accounts API access token lasts 24 h: the hook refreshes it on the way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.accounts import content as api
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.operators.base import TikTokWriteOperator, holds_template
from airflow_provider_tiktok.operators.results import write_result
from airflow_provider_tiktok.utils.storage import CsvSink, JsonLinesSink, atomic_write

CONTENTS = ("videos", "comments")
OUTPUT_FORMATS = ("jsonl", "csv")
_BATCH = 500


def csv_cell(value: Any) -> Any:
    """A CSV cell: lists / objects as compact JSON, booleans as ``true`` / ``false``, ``None`` empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        yield batch


class TikTokBusinessContentToStorageOperator(TikTokWriteOperator):
    """Write a TikTok business account's videos or their comments to object storage.

    :param content: ``"videos"`` (``/business/video/list/``) or ``"comments"`` (``/business/comment/list/``).
    :param tiktok_conn_id: an Accounts API ``tiktok`` connection (``airflow-tiktok auth login --family accounts``).
    :param business_id: the account's ``open_id``; defaults to the connection's Business ID (templated).
    :param fields: video fields (:data:`~airflow_provider_tiktok.api.accounts.content.VIDEO_FIELDS`, default
        :data:`~airflow_provider_tiktok.api.accounts.content.DEFAULT_VIDEO_FIELDS`) or comment fields
        (:data:`~airflow_provider_tiktok.api.accounts.content.COMMENT_FIELDS`, default all but the deprecated
        ``user_id``). ``item_id`` / ``comment_id`` are always kept.
    :param video_ids: videos: only these posts; comments: the comments of these posts. ``None`` = every post
        of the account (templated; a list, a JSON array or comma-separated ids).
    :param ad_post_only: videos with ``video_ids``: only the posts used in Spark Ads.
    :param include_replies: comments: also up to 3 replies per comment, as rows after it (``parent_comment_id``).
    :param comment_status: comments: ``"ALL"`` (public and hidden, TikTok's default) or ``"PUBLIC"``.
    :param sort_field: comments: ``create_time``, ``likes`` or ``replies``; ``sort_order``: ``asc``, ``desc``
        or ``smart``.
    :param max_count: items per request (videos 1..20, comments 1..30; default the maximum).
    :param output_format: ``"jsonl"`` (typed JSON, one row per line) or ``"csv"`` (header row; breakdown lists
        as JSON text, booleans ``true`` / ``false``).
    :param destination: ``ObjectStoragePath`` or URI of the file (templated); written atomically.
    :param destination_conn_id: Airflow connection of the object store.
    :param compression: ``None`` or ``"gzip"``.
    :param emit_asset: declare the (non-templated) destination as an outlet ``Asset``.

    Rows start with ``business_id`` (and ``video_id`` for comments), then the fields in the order given;
    values TikTok did not send are ``null``. Returns the shared result schema
    (:mod:`airflow_provider_tiktok.operators.results`) plus ``business_id``, ``content`` and ``videos`` (the
    posts written, or whose comments were read).
    """

    template_fields: Sequence[str] = ("business_id", "video_ids", "destination", "tiktok_conn_id")
    ui_color = "#25f4ee"

    def __init__(self, *, content: str, destination: Any, business_id: str | None = None,
                 fields: Sequence[str] | str | None = None, video_ids: Any = None, ad_post_only: bool = False,
                 include_replies: bool = False, comment_status: str | None = None, sort_field: str | None = None,
                 sort_order: str | None = None, max_count: int | None = None, output_format: str = "jsonl",
                 **kwargs: Any) -> None:
        kind = str(content).strip().lower() if isinstance(content, str) else content
        if kind not in CONTENTS:
            raise TikTokValidationError(f"content must be one of {list(CONTENTS)}, got {content!r}")
        if output_format not in OUTPUT_FORMATS:
            raise TikTokValidationError(f"output_format must be one of {list(OUTPUT_FORMATS)}, got {output_format!r}")
        if kind == "videos":
            checked = api.check_video_fields(api.DEFAULT_VIDEO_FIELDS if fields is None else fields)
            limit = spec.VIDEO_LIST_MAX_COUNT
            misplaced = {"include_replies": include_replies, "comment_status": comment_status,
                         "sort_field": sort_field, "sort_order": sort_order}
        else:
            checked = api.check_comment_fields(api.DEFAULT_COMMENT_FIELDS if fields is None else fields)
            limit = spec.COMMENT_LIST_MAX_COUNT
            misplaced = {"ad_post_only": ad_post_only}
        wrong = [name for name, value in misplaced.items() if value not in (None, False)]
        if wrong:
            raise TikTokValidationError(f"{', '.join(wrong)} do(es) not apply to content={kind!r}")
        for name, value in (("ad_post_only", ad_post_only), ("include_replies", include_replies)):
            if not isinstance(value, bool):
                raise TikTokValidationError(f"{name} must be True or False, got {value!r}")
        status, sort_field, sort_order = api.check_comment_options(comment_status, sort_field, sort_order)
        count = limit if max_count is None else api.check_max_count(max_count, limit)
        if not holds_template(video_ids):
            api.check_video_ids(video_ids)
        if ad_post_only and (video_ids is None or video_ids == "" or video_ids == []):
            raise TikTokValidationError("ad_post_only applies only with video_ids: give the posts to filter")
        super().__init__(destination=destination, **kwargs)
        self.content, self.business_id, self.fields, self.video_ids = kind, business_id, checked, video_ids
        self.ad_post_only, self.include_replies, self.max_count = ad_post_only, include_replies, count
        self.comment_status, self.sort_field, self.sort_order = status, sort_field, sort_order
        self.output_format = output_format

    @property
    def subject(self) -> str:
        return f"Business account {self.content} ({self.tiktok_conn_id})"

    def columns(self) -> list[str]:
        return api.record_columns("video" if self.content == "videos" else "comment", self.fields)

    def _video_rows(self, business_id: str, video_ids: tuple[str, ...], counter: list[int]) -> Iterator[dict[str, Any]]:
        request = api.VideoListRequest(business_id, fields=self.fields, video_ids=video_ids,
                                       ad_post_only=self.ad_post_only, max_count=self.max_count)
        for row in self.hook.iter_business_videos(request):
            counter[0] += 1
            yield row

    def _comment_rows(self, business_id: str, video_ids: tuple[str, ...],
                      counter: list[int]) -> Iterator[dict[str, Any]]:
        if not video_ids:
            listing = api.VideoListRequest(business_id, fields=("item_id",))
            video_ids = tuple(str(row["item_id"]) for row in self.hook.iter_business_videos(listing))
            self.log.info("%s: %d video(s) listed", self.subject, len(video_ids))
        for video_id in video_ids:
            counter[0] += 1
            request = api.CommentListRequest(business_id, video_id, include_replies=self.include_replies,
                                             status=self.comment_status, sort_field=self.sort_field,
                                             sort_order=self.sort_order, max_count=self.max_count)
            yield from self.hook.iter_business_comments(request, self.fields)

    def run(self, context: Any) -> dict[str, Any]:
        video_ids = api.check_video_ids(self.video_ids)  # rendered now: checked before the connection is read
        business_id = self.hook.resolve_business_id(self.business_id)
        path = self.resolved_destination()
        self.log.info("Fetching %s of business account %s (%s), %d field(s) -> %s", self.content, business_id,
                      f"{len(video_ids)} video id(s)" if video_ids else "every video", len(self.fields), path)
        counter = [0]
        rows_of = self._video_rows if self.content == "videos" else self._comment_rows
        rows = 0
        with atomic_write(path, compression=self.compression, owner=self.partial_owner) as sink:
            csv_out = self.output_format == "csv"
            writer = CsvSink(sink, self.columns()) if csv_out else JsonLinesSink(sink)
            for batch in _batches(rows_of(business_id, video_ids, counter)):
                writer.write_rows([{k: csv_cell(v) for k, v in r.items()} for r in batch] if csv_out else batch)
                rows += len(batch)
        self.log.info("Wrote %d row(s) from %d video(s) to %s", rows, counter[0], path)
        return write_result(uri=path, rows=rows, bytes=sink.bytes_stored, bytes_uncompressed=sink.bytes_in,
                            format=self.output_format, compression=self.compression, business_id=business_id,
                            content=self.content, videos=counter[0])


__all__ = ["TikTokBusinessContentToStorageOperator", "csv_cell"]
