"""Accounts API content: a business account's videos and the comments on them (no Airflow import).

- ``GET /business/video/list/``: the account's posts (organic videos and ad-only posts), newest first,
  with lifetime engagement and audience insights per post. Query: ``business_id``, ``fields`` (JSON
  array; TikTok's default is ``["item_id"]`` and ``item_id`` must be among several fields), ``filters``
  (``{"video_ids": [...], "ad_post_only": bool}``), ``cursor`` (UTC Unix time in *milliseconds*: posts
  published before it; default now) and ``max_count`` (1..20, default 10). Answer ``data.videos[]``,
  ``data.cursor``, ``data.has_more``. Insight metrics lag 24-48 h and, unlike ``/business/get/``, are not
  limited to 60 days.
- ``GET /business/comment/list/``: comments (public and hidden) on one owned video. Query:
  ``business_id``, ``video_id``, ``comment_ids`` (<= 30), ``include_replies`` (up to 3 replies nested in
  each top-level comment's ``reply_list``), ``status`` (``PUBLIC`` | ``ALL``, default ALL),
  ``sort_field`` (``create_time`` | ``likes`` | ``replies``), ``sort_order`` (``asc`` | ``desc`` |
  ``smart``), ``cursor`` (an offset, default 0), ``max_count`` (1..30, default 20). Answer
  ``data.comments[]``, ``data.cursor``, ``data.has_more``. The endpoint has no ``fields`` parameter: the
  comment fields below are the columns this module keeps.

Both may return fewer items than ``max_count`` while ``has_more`` is true (TikTok's trust and safety
filtering); the cursor pager follows ``has_more`` only. Sources: TikTok's "TikTok Accounts" v1.3 pages as
transcribed by the bububa/tiktok-business Go SDK (``model/business/video``, ``model/business/comment``) and
sns-sdks/python-tiktok (``get_account_videos``, ``get_video_comments``); the SDKs disagree on the sort
parameter's name (``sort_order`` there, ``sort_type`` in the Go SDK): ``sort_order`` is used.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.pager import CursorPage, iter_cursor_pages
from airflow_provider_tiktok.api.core.params import parse_advertiser_ids, parse_field_list

# --- fields -----------------------------------------------------------------------------------

_VIDEO_STR = ("item_id", "media_type", "thumbnail_url", "share_url", "embed_url", "caption")
_VIDEO_BOOL = ("is_ad",)
_VIDEO_INT = ("create_time", "video_views", "reach", "likes", "comments", "shares", "favorites", "new_followers",
              "profile_views", "website_clicks", "phone_number_clicks", "lead_submissions", "app_download_clicks",
              "email_clicks", "address_clicks")
_VIDEO_FLOAT = ("video_duration", "total_time_watched", "average_time_watched", "full_video_watched_rate")
#: Breakdowns: lists of ``{<key>, percentage}`` objects (``second`` for retention / engagement likes).
_VIDEO_LIST = ("video_view_retention", "impression_sources", "audience_types", "audience_genders",
               "audience_countries", "audience_cities", "engagement_likes")
#: Every field ``/business/video/list/`` accepts (``create_time`` and counts are integers, durations and
#: rates floats, breakdowns lists).
VIDEO_FIELDS = _VIDEO_STR + _VIDEO_BOOL + _VIDEO_INT + _VIDEO_FLOAT + _VIDEO_LIST
DEFAULT_VIDEO_FIELDS = ("item_id", "create_time", "caption", "share_url", "video_duration", "video_views", "reach",
                        "likes", "comments", "shares", "favorites", "average_time_watched", "total_time_watched",
                        "full_video_watched_rate")

_COMMENT_STR = ("comment_id", "video_id", "parent_comment_id", "text", "status", "username", "display_name",
                "profile_image", "unique_identifier", "user_id")
_COMMENT_INT = ("create_time", "likes", "replies")
_COMMENT_BOOL = ("owner", "liked", "pinned")
#: Every field of a ``/business/comment/list/`` comment (``user_id`` is deprecated by TikTok in favour of
#: ``unique_identifier``; ``reply_list`` is flattened into rows of its own).
COMMENT_FIELDS = _COMMENT_STR + _COMMENT_INT + _COMMENT_BOOL
DEFAULT_COMMENT_FIELDS = tuple(f for f in COMMENT_FIELDS if f != "user_id")

_KINDS: dict[str, dict[str, str]] = {
    "video": {**{f: "str" for f in _VIDEO_STR}, **{f: "bool" for f in _VIDEO_BOOL},
              **{f: "int" for f in _VIDEO_INT}, **{f: "float" for f in _VIDEO_FLOAT},
              **{f: "list" for f in _VIDEO_LIST}},
    "comment": {**{f: "str" for f in _COMMENT_STR}, **{f: "int" for f in _COMMENT_INT},
                **{f: "bool" for f in _COMMENT_BOOL}},
}


#: TikTok for Developers (Display API, Research API) names users bring along, and the Accounts API name.
ALIASES = {"id": "item_id", "view_count": "video_views", "like_count": "likes", "comment_count": "comments",
           "share_count": "shares", "favorites_count": "favorites", "duration": "video_duration",
           "cover_image_url": "thumbnail_url", "video_description": "caption", "title": "caption",
           "embed_link": "embed_url", "reply_count": "replies", "parent_id": "parent_comment_id"}


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The valid name ``name`` most likely meant (a known alias, else ``difflib``), or ``None``."""
    names = sorted(candidates)
    alias = ALIASES.get(name)
    if alias in names:
        return alias
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None


def _check_names(value: Any, allowed: tuple[str, ...], what: str, endpoint: str) -> tuple[str, ...]:
    names = parse_field_list(value, what, required=True)
    for name in names:
        if name not in allowed:
            near = closest(name, allowed)
            hint = f"did you mean {near!r}? " if near else ""
            raise TikTokValidationError(f"{what}: {name!r} is not a {endpoint} field; {hint}valid fields: "
                                        f"{', '.join(allowed)}")
    return names


def check_video_fields(fields: Any) -> tuple[str, ...]:
    """Known ``/business/video/list/`` fields, ``item_id`` first (TikTok needs it among several fields)."""
    names = _check_names(fields, VIDEO_FIELDS, "fields", spec.Paths.BUSINESS_VIDEO_LIST)
    return ("item_id", *(n for n in names if n != "item_id"))


def check_comment_fields(fields: Any) -> tuple[str, ...]:
    """Known comment fields (the columns kept), ``comment_id`` first."""
    names = _check_names(fields, COMMENT_FIELDS, "fields", spec.Paths.BUSINESS_COMMENT_LIST)
    return ("comment_id", *(n for n in names if n != "comment_id"))


def check_max_count(value: Any, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise TikTokValidationError(f"max_count must be an integer from 1 to {maximum} (TikTok's page limit), "
                                    f"got {value!r}")
    return value


def check_video_ids(value: Any, what: str = "video_ids") -> tuple[str, ...]:
    """Video ids (``item_id`` values) from a list, a JSON array string or comma-separated text."""
    ids = parse_advertiser_ids(value, what=what)
    return tuple(dict.fromkeys(ids))


def _lower_choice(value: Any, allowed: frozenset[str], what: str) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if text not in allowed:
        near = closest(text, allowed)
        hint = f" (did you mean {near!r}?)" if near else ""
        raise TikTokValidationError(f"{what} must be one of {sorted(allowed)}, got {value!r}{hint}")
    return text


def check_comment_options(status: Any = None, sort_field: Any = None,
                          sort_order: Any = None) -> tuple[str | None, str | None, str | None]:
    """``status`` upper-cased (``PUBLIC`` | ``ALL``), ``sort_field`` / ``sort_order`` lower-cased, checked."""
    checked_status = None
    if status not in (None, ""):
        checked_status = str(status).strip().upper()
        if checked_status not in spec.COMMENT_STATUSES:
            raise TikTokValidationError(f"status must be one of {sorted(spec.COMMENT_STATUSES)}, got {status!r}")
    return (checked_status, _lower_choice(sort_field, spec.COMMENT_SORT_FIELDS, "sort_field"),
            _lower_choice(sort_order, spec.COMMENT_SORT_ORDERS, "sort_order"))


def _business_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TikTokValidationError(f"business_id (the account's open_id) is required, got {value!r}")
    return value.strip()


# --- requests ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class VideoListRequest:
    """``GET /business/video/list/``, checked and normalised on construction.

    :param business_id: the account's ``open_id``.
    :param fields: video fields (:data:`VIDEO_FIELDS`); ``item_id`` is always requested.
    :param video_ids: only these posts (TikTok's ``filters.video_ids``); empty = every post.
    :param ad_post_only: with ``video_ids``, only those used in Spark Ads.
    :param max_count: posts per page (1..20).
    :param cursor: start before this UTC time in milliseconds (``None`` = now).
    """

    business_id: str
    fields: tuple[str, ...] = DEFAULT_VIDEO_FIELDS
    video_ids: tuple[str, ...] = ()
    ad_post_only: bool = False
    max_count: int = spec.VIDEO_LIST_MAX_COUNT
    cursor: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "business_id", _business_id(self.business_id))
        object.__setattr__(self, "fields", check_video_fields(self.fields))
        object.__setattr__(self, "video_ids", check_video_ids(self.video_ids))
        object.__setattr__(self, "max_count", check_max_count(self.max_count, spec.VIDEO_LIST_MAX_COUNT))
        if not isinstance(self.ad_post_only, bool):
            raise TikTokValidationError(f"ad_post_only must be true or false, got {self.ad_post_only!r}")
        if self.ad_post_only and not self.video_ids:
            raise TikTokValidationError("ad_post_only applies only with video_ids: give the posts to filter")
        if self.cursor is not None and (isinstance(self.cursor, bool) or not isinstance(self.cursor, int)
                                        or self.cursor < 0):
            raise TikTokValidationError(f"cursor must be a UTC Unix time in milliseconds, got {self.cursor!r}")

    def params(self, cursor: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"business_id": self.business_id, "fields": list(self.fields),
                                  "max_count": self.max_count}
        if self.video_ids:
            filters: dict[str, Any] = {"video_ids": list(self.video_ids)}
            if self.ad_post_only:
                filters["ad_post_only"] = True
            params["filters"] = filters
        start = cursor if cursor is not None else self.cursor
        if start is not None:
            params["cursor"] = start
        return params


@dataclass(frozen=True)
class CommentListRequest:
    """``GET /business/comment/list/`` for one video, checked and normalised on construction.

    :param business_id: the account's ``open_id``.
    :param video_id: the owned video (``item_id`` from ``/business/video/list/``).
    :param comment_ids: only these comments or replies (<= 30).
    :param include_replies: nest up to 3 replies in each top-level comment (flattened into rows).
    :param status: ``PUBLIC`` or ``ALL`` (public and hidden; TikTok's default when ``None``).
    :param sort_field: ``create_time``, ``likes`` or ``replies`` (``None``: TikTok's order).
    :param sort_order: ``asc``, ``desc`` or ``smart``.
    :param max_count: comments per page (1..30).
    """

    business_id: str
    video_id: str
    comment_ids: tuple[str, ...] = ()
    include_replies: bool = False
    status: str | None = None
    sort_field: str | None = None
    sort_order: str | None = None
    max_count: int = spec.COMMENT_LIST_MAX_COUNT

    def __post_init__(self) -> None:
        object.__setattr__(self, "business_id", _business_id(self.business_id))
        ids = check_video_ids(self.video_id, "video_id")
        if len(ids) != 1:
            raise TikTokValidationError(f"video_id must be one numeric video id, got {self.video_id!r}")
        object.__setattr__(self, "video_id", ids[0])
        comment_ids = check_video_ids(self.comment_ids, "comment_ids")
        if len(comment_ids) > spec.COMMENT_IDS_MAX:
            raise TikTokValidationError(f"comment_ids holds at most {spec.COMMENT_IDS_MAX} ids, got "
                                        f"{len(comment_ids)}: split them")
        object.__setattr__(self, "comment_ids", comment_ids)
        if not isinstance(self.include_replies, bool):
            raise TikTokValidationError(f"include_replies must be true or false, got {self.include_replies!r}")
        status, sort_field, sort_order = check_comment_options(self.status, self.sort_field, self.sort_order)
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "sort_field", sort_field)
        object.__setattr__(self, "sort_order", sort_order)
        object.__setattr__(self, "max_count", check_max_count(self.max_count, spec.COMMENT_LIST_MAX_COUNT))

    def params(self, cursor: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"business_id": self.business_id, "video_id": self.video_id,
                                  "max_count": self.max_count}
        if self.comment_ids:
            params["comment_ids"] = list(self.comment_ids)
        if self.include_replies:
            params["include_replies"] = True
        for name in ("status", "sort_field", "sort_order"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name)
        if cursor is not None:
            params["cursor"] = cursor
        return params


# --- calls and paging -------------------------------------------------------------------------

def _videos_page(data: Any) -> CursorPage:
    return CursorPage.from_data(data or {}, items_key="videos")


def _comments_page(data: Any) -> CursorPage:
    return CursorPage.from_data(data or {}, items_key="comments")


def list_videos(request: VideoListRequest, cursor: int | None = None) -> ApiCall[CursorPage]:
    return ApiCall("GET", spec.Paths.BUSINESS_VIDEO_LIST, params=request.params(cursor), parse=_videos_page)


def list_comments(request: CommentListRequest, cursor: int | None = None) -> ApiCall[CursorPage]:
    return ApiCall("GET", spec.Paths.BUSINESS_COMMENT_LIST, params=request.params(cursor), parse=_comments_page)


Send = Callable[[ApiCall[CursorPage]], CursorPage]


def iter_video_pages(send: Send, request: VideoListRequest) -> Iterator[CursorPage]:
    """Pages of ``/business/video/list/`` through ``send`` (a client's ``call``) until ``has_more`` is false."""
    return iter_cursor_pages(lambda cursor: send(list_videos(request, cursor)),
                             label=f"{spec.Paths.BUSINESS_VIDEO_LIST} of {request.business_id}",
                             path=spec.Paths.BUSINESS_VIDEO_LIST)


def iter_comment_pages(send: Send, request: CommentListRequest) -> Iterator[CursorPage]:
    """Pages of ``/business/comment/list/`` for one video until ``has_more`` is false."""
    return iter_cursor_pages(lambda cursor: send(list_comments(request, cursor)),
                             label=f"{spec.Paths.BUSINESS_COMMENT_LIST} of video {request.video_id}",
                             path=spec.Paths.BUSINESS_COMMENT_LIST)


# --- typed records ----------------------------------------------------------------------------

def _typed(kind: str, value: Any) -> Any:
    if value is None or value == "" or value == "-":
        return None
    try:
        if kind == "int" and not isinstance(value, bool):
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "float" and not isinstance(value, bool):
            return float(value)
    except (TypeError, ValueError):
        return value
    if kind == "str":
        return value if isinstance(value, str) else str(value)
    if kind == "bool" and isinstance(value, str):
        return value.strip().lower() == "true"
    return value


def video_record(item: Mapping[str, Any], business_id: str, fields: Iterable[str]) -> dict[str, Any]:
    """``business_id``, ``item_id``, then the requested fields typed (``None`` where TikTok sent none)."""
    kinds = _KINDS["video"]
    record: dict[str, Any] = {"business_id": business_id}
    for name in fields:
        record[name] = _typed(kinds[name], item.get(name))
    return record


def comment_records(items: Iterable[Mapping[str, Any]], business_id: str, video_id: str,
                    fields: Iterable[str]) -> list[dict[str, Any]]:
    """One row per comment and one per nested reply (after its comment, with ``parent_comment_id`` set)."""
    names = [f for f in fields if f != "video_id"]
    kinds = _KINDS["comment"]

    def row(item: Mapping[str, Any], parent: Any) -> dict[str, Any]:
        record: dict[str, Any] = {"business_id": business_id, "video_id": str(item.get("video_id") or video_id)}
        for name in names:
            value = item.get(name)
            if name == "parent_comment_id" and value in (None, "") and parent is not None:
                value = parent
            record[name] = _typed(kinds[name], value)
        return record

    records = []
    for item in items:
        records.append(row(item, None))
        records.extend(row(reply, item.get("comment_id")) for reply in item.get("reply_list") or [])
    return records


def record_columns(kind: str, fields: Iterable[str]) -> list[str]:
    """The column order of :func:`video_record` (``kind="video"``) or :func:`comment_records` rows."""
    if kind == "video":
        return ["business_id", *fields]
    return ["business_id", "video_id", *(f for f in fields if f != "video_id")]


__all__ = [
    "COMMENT_FIELDS",
    "DEFAULT_COMMENT_FIELDS",
    "DEFAULT_VIDEO_FIELDS",
    "VIDEO_FIELDS",
    "CommentListRequest",
    "VideoListRequest",
    "check_comment_fields",
    "check_comment_options",
    "check_max_count",
    "check_video_fields",
    "check_video_ids",
    "comment_records",
    "iter_comment_pages",
    "iter_video_pages",
    "list_comments",
    "list_videos",
    "record_columns",
    "video_record",
]
