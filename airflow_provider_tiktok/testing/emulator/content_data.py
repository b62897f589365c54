"""Deterministic posts and comments of the emulated TikTok business account (``/business/video/list/`` and
``/business/comment/list/``).

Everything derives from the seed and the account's ``open_id``, never from the clock, so two runs answer
byte-identical data. Posts are one day apart, newest first, ending :data:`NEWEST_POST` (UTC); each has
0..:data:`MAX_COMMENTS` top-level comments (some hidden), each with 0..5 replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from airflow_provider_tiktok.testing.emulator.data import stable_int

#: Posts of the account (a test may patch it; read per request).
VIDEOS_PER_ACCOUNT = 45
#: ``create_time`` of the newest post (2025-01-01 00:00:00 UTC); older posts follow one day apart.
NEWEST_POST = 1_735_689_600
MAX_COMMENTS = 70
MAX_REPLIES = 5

VIDEO_FIELDS = (
    "item_id", "media_type", "is_ad", "thumbnail_url", "share_url", "embed_url", "caption", "video_duration",
    "likes", "comments", "shares", "favorites", "create_time", "reach", "video_views", "total_time_watched",
    "average_time_watched", "full_video_watched_rate", "new_followers", "profile_views", "website_clicks",
    "phone_number_clicks", "lead_submissions", "app_download_clicks", "email_clicks", "address_clicks",
    "video_view_retention", "impression_sources", "audience_genders", "audience_countries", "audience_cities",
    "audience_types", "engagement_likes",
)
DEFAULT_VIDEO_FIELDS = ("item_id",)
_SOURCES = ("For You", "Follow", "Personal Profile", "Search", "Sound", "Hashtag")


def video_id(index: int) -> str:
    return f"74{index + 1:017d}"


def video_index(item_id: str) -> int | None:
    """Index of the account's post ``item_id``, or ``None`` when it is not one of them."""
    if len(item_id) != 19 or not item_id.startswith("74") or not item_id.isdigit():
        return None
    index = int(item_id[2:]) - 1
    return index if 0 <= index < VIDEOS_PER_ACCOUNT else None


def _shares(key: str, labels: tuple[str, ...], n: int) -> list[dict[str, Any]]:
    """A breakdown ``[{key: label, percentage}]`` whose percentages add up to about 1."""
    weights = [1 + (n >> (4 * i)) % 9 for i in range(len(labels))]
    total = sum(weights)
    return [{key: label, "percentage": round(weights[i] / total, 4)} for i, label in enumerate(labels)]


def video(seed: int, open_id: str, index: int) -> dict[str, Any]:
    """Every field of post ``index`` (0 = newest)."""
    n = stable_int(seed, open_id, "video", index)
    item = video_id(index)
    duration = round(5 + (n % 5500) / 100, 3)
    views = 200 + n % 50_000
    reach = views * (60 + n % 35) // 100
    average = round(duration * (25 + (n >> 8) % 60) / 100, 3)
    comments = sum(1 + c["replies"] for c in comments_of(seed, open_id, item))
    seconds = [str(s) for s in range(0, int(duration) + 1, max(1, int(duration) // 5))]
    return {
        "item_id": item,
        "media_type": "PHOTO" if index % 9 == 4 else "VIDEO",
        "is_ad": index % 7 == 3,
        "thumbnail_url": f"https://p16-sign.tiktokcdn.com/emulator/{item}.jpeg?x-expires=1735776000",
        "share_url": f"https://www.tiktok.com/@emulator_business/video/{item}",
        "embed_url": f"https://www.tiktok.com/player/v1/{item}",
        "caption": f"Emulator post #{index + 1} \u2728 #emulator",
        "video_duration": duration,
        "likes": views * (3 + n % 9) // 100,
        "comments": comments,
        "shares": (n >> 12) % 300,
        "favorites": (n >> 16) % 400,
        "create_time": NEWEST_POST - 86400 * index,
        "reach": reach,
        "video_views": views,
        "total_time_watched": round(average * views, 3),
        "average_time_watched": average,
        "full_video_watched_rate": round(((n >> 20) % 4000) / 10000, 4),
        "new_followers": (n >> 24) % 90,
        "profile_views": (n >> 28) % 700,
        "website_clicks": (n >> 32) % 40,
        "phone_number_clicks": (n >> 34) % 10,
        "lead_submissions": (n >> 36) % 5,
        "app_download_clicks": (n >> 38) % 20,
        "email_clicks": (n >> 40) % 8,
        "address_clicks": (n >> 42) % 6,
        "video_view_retention": [{"second": s, "percentage": round(1 / (1 + i), 4)} for i, s in enumerate(seconds)],
        "impression_sources": _shares("impression_source", _SOURCES, n),
        "audience_genders": _shares("gender", ("Female", "Male", "Other"), n >> 3),
        "audience_countries": _shares("country", ("US", "JP", "GB"), n >> 5),
        "audience_cities": _shares("city_name", ("Tokyo", "New York"), n >> 7),
        "audience_types": _shares("type", ("NEW_VIEWER", "RETURN_VIEWER"), n >> 9),
        "engagement_likes": [{"second": s, "percentage": round(0.1 / (1 + i), 4)} for i, s in enumerate(seconds)],
    }


@dataclass(frozen=True)
class _Comment:
    fields: dict[str, Any]
    replies: tuple[dict[str, Any], ...]


def _comment(seed: int, open_id: str, item: str, number: int, parent: str | None) -> dict[str, Any]:
    n = stable_int(seed, open_id, item, number, parent)
    comment_id = f"76{int(item[2:]):08d}{number:09d}"
    owner = n % 11 == 0
    user = "emulator_business" if owner else f"fan_{n % 100_000:05d}"
    fields = {
        "comment_id": comment_id,
        "video_id": item,
        "user_id": f"{n:016x}",
        "unique_identifier": f"+emu/{n % 10**12:012d}",
        "create_time": NEWEST_POST - 86400 * (int(item[2:]) - 1) + 60 * number + (n >> 8) % 60,
        "text": f"Comment {number} on {item}" + (" (reply)" if parent else ""),
        "likes": (n >> 12) % 120,
        "owner": owner,
        "liked": (n >> 20) % 4 == 0,
        "pinned": parent is None and number == 1,
        "status": "HIDDEN" if (n >> 24) % 7 == 0 else "PUBLIC",
        "username": user,
        "display_name": user.replace("_", " ").title(),
        "profile_image": f"https://p16-sign.tiktokcdn.com/emulator/avatar/{user}.jpeg",
    }
    if parent is not None:
        fields["parent_comment_id"] = parent
    return fields


@lru_cache(maxsize=512)
def _thread(seed: int, open_id: str, item: str) -> tuple[_Comment, ...]:
    count = stable_int(seed, open_id, item, "comments") % (MAX_COMMENTS + 1)
    out = []
    for number in range(1, count + 1):
        top = _comment(seed, open_id, item, number, None)
        replies = tuple(_comment(seed, open_id, item, count + number * MAX_REPLIES + r, top["comment_id"])
                        for r in range(stable_int(seed, open_id, item, number, "replies") % (MAX_REPLIES + 1)))
        top["replies"] = len(replies)
        out.append(_Comment(top, replies))
    return tuple(out)


def comments_of(seed: int, open_id: str, item: str) -> list[dict[str, Any]]:
    """Top-level comments of a post (TikTok's "smart" order), each with ``replies`` (the count)."""
    return [dict(c.fields) for c in _thread(seed, open_id, item)]


def replies_of(seed: int, open_id: str, item: str) -> dict[str, list[dict[str, Any]]]:
    """Replies of a post's comments, by comment id."""
    return {c.fields["comment_id"]: [dict(r) for r in c.replies] for c in _thread(seed, open_id, item)}
