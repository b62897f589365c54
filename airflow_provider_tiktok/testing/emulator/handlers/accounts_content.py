"""TikTok Accounts API content on the business host: /business/video/list/ and /business/comment/list/.

Both check the token like ``/business/get/`` (an Accounts API user token of the account named by
``business_id``, else 40001) plus its scope, validate every parameter with TikTok's 40002 messages and
page by cursor with ``has_more``: posts by publication time in milliseconds (posts strictly before the
cursor, newest first), comments by offset.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.testing.emulator import content_data as D
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.params import (
    bool_param,
    int_param,
    json_param,
    str_list_param,
    str_param,
)
from airflow_provider_tiktok.testing.emulator.state import UserToken
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request, Response, ok

VIDEO_SCOPE = "video.list"
#: TikTok asks ``comment.list`` for comments (the emulator's pre-issued token carries it).
COMMENT_SCOPE = "comment.list"


def _account(req: Request, scope: str) -> UserToken:
    token = req.token
    business_id = str_param(req.query, "business_id", required=True)
    if not isinstance(token, UserToken) or token.open_id != business_id:
        raise ApiError(40001, f"No permission to operate business_id {business_id}")
    if scope not in [s.strip() for s in token.scope.split(",")]:
        raise ApiError(40001, f"The access token has no permission for the scope {scope}; the TikTok account "
                              "owner must authorize it.")
    return token


def _choice(req: Request, name: str, allowed: frozenset[str], default: str | None = None) -> str | None:
    value = str_param(req.query, name)
    if value is None:
        return default
    if value not in allowed:
        raise ApiError(40002, f"{name}: Must be one of: {', '.join(sorted(allowed))}.")
    return value


def business_video_list(emu: Emulator, req: Request) -> Response:
    """The account's posts, newest first, each with the requested fields only."""
    token = _account(req, VIDEO_SCOPE)
    fields = str_list_param(req.query, "fields") or list(D.DEFAULT_VIDEO_FIELDS)
    unknown = [f for f in fields if f not in D.VIDEO_FIELDS]
    if unknown:
        raise ApiError(40002, f"fields: Invalid field(s) {', '.join(unknown)}.")
    if len(fields) > 1 and "item_id" not in fields:
        raise ApiError(40002, "fields: item_id must be included when requesting multiple fields.")
    filters = json_param(req.query, "filters", dict) or {}
    extra = sorted(set(filters) - {"video_ids", "ad_post_only"})
    if extra:
        raise ApiError(40002, f"filters: Unknown field(s) {', '.join(extra)}.")
    video_ids = filters.get("video_ids")
    if video_ids is not None and (not isinstance(video_ids, list) or
                                  not all(isinstance(v, str) and v.isdigit() for v in video_ids)):
        raise ApiError(40002, "filters.video_ids: Not a valid list of video ids.")
    ad_post_only = filters.get("ad_post_only", False)
    if not isinstance(ad_post_only, bool):
        raise ApiError(40002, "filters.ad_post_only: Not a valid boolean.")
    max_count = int_param(req.query, "max_count", spec.VIDEO_LIST_DEFAULT_COUNT, lo=1, hi=spec.VIDEO_LIST_MAX_COUNT)
    now_ms = int(emu.state.clock.now() * 1000)
    cursor = int_param(req.query, "cursor", now_ms, lo=0)
    seed, open_id = emu.config.seed, token.open_id

    if video_ids:
        indexes = [i for i in (D.video_index(v) for v in dict.fromkeys(video_ids)) if i is not None]
        posts = [D.video(seed, open_id, i) for i in indexes]
        if ad_post_only:
            posts = [p for p in posts if p["is_ad"]]
        page, has_more, next_cursor = posts, False, cursor
    else:
        older = [i for i in range(D.VIDEOS_PER_ACCOUNT)
                 if (D.NEWEST_POST - 86400 * i) * 1000 < cursor]
        chosen = older[:max_count]
        page = [D.video(seed, open_id, i) for i in chosen]
        has_more = len(older) > len(chosen)
        next_cursor = page[-1]["create_time"] * 1000 if page else cursor
    videos = [{f: post[f] for f in fields} for post in page]
    return ok({"videos": videos, "cursor": next_cursor, "has_more": has_more})


def business_comment_list(emu: Emulator, req: Request) -> Response:
    """Comments (and, with ``include_replies``, up to 3 replies each) on one of the account's posts."""
    token = _account(req, COMMENT_SCOPE)
    item = str_param(req.query, "video_id", required=True) or ""
    if D.video_index(item) is None:
        raise ApiError(40002, f"video_id: Video {item} does not exist or is not owned by this account.")
    comment_ids = str_list_param(req.query, "comment_ids")
    if comment_ids is not None and not 1 <= len(comment_ids) <= spec.COMMENT_IDS_MAX:
        raise ApiError(40002, f"comment_ids: Length must be between 1 and {spec.COMMENT_IDS_MAX}.")
    include_replies = bool_param(req.query, "include_replies", False)
    status = _choice(req, "status", spec.COMMENT_STATUSES, "ALL")
    sort_field = _choice(req, "sort_field", spec.COMMENT_SORT_FIELDS)
    sort_order = _choice(req, "sort_order", spec.COMMENT_SORT_ORDERS, "smart")
    max_count = int_param(req.query, "max_count", spec.COMMENT_LIST_DEFAULT_COUNT, lo=1,
                          hi=spec.COMMENT_LIST_MAX_COUNT)
    cursor = int_param(req.query, "cursor", 0, lo=0)
    seed, open_id = emu.config.seed, token.open_id

    def visible(c: dict[str, Any]) -> bool:
        return status == "ALL" or c["status"] == "PUBLIC"

    top = [c for c in D.comments_of(seed, open_id, item) if visible(c)]
    replies = {cid: [r for r in rs if visible(r)] for cid, rs in D.replies_of(seed, open_id, item).items()}
    items: list[dict[str, Any]] = top
    if comment_ids is not None:
        wanted = set(comment_ids)
        items = [c for c in top if c["comment_id"] in wanted]
        items += [r for rs in replies.values() for r in rs if r["comment_id"] in wanted]
    if sort_field is not None and sort_order in ("asc", "desc"):
        items = sorted(items, key=lambda c: (c.get(sort_field) or 0, c["comment_id"]), reverse=sort_order == "desc")
    page = [dict(c) for c in items[cursor:cursor + max_count]]
    if include_replies:
        for comment in page:
            if "parent_comment_id" not in comment:
                comment["reply_list"] = replies.get(comment["comment_id"], [])[:spec.COMMENT_REPLIES_INLINE_MAX]
    return ok({"comments": page, "cursor": cursor + len(page), "has_more": cursor + len(page) < len(items)})


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", spec.Paths.BUSINESS_VIDEO_LIST): Route(business_video_list),
    ("GET", spec.Paths.BUSINESS_COMMENT_LIST): Route(business_comment_list),
}
