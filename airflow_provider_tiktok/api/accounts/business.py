"""Accounts API ``GET /business/get/``: a TikTok business account's profile and daily metrics.

Dates are UTC (``YYYY-MM-DD``); one request covers at most 60 days, no older than 60 days back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing.typing_rows import type_metric

#: Lifetime (profile) fields, returned at the top level of ``data``.
PROFILE_FIELDS = ("is_business_account", "profile_image", "username", "profile_deep_link", "display_name",
                  "bio_description", "is_verified", "following_count", "followers_count", "total_likes",
                  "videos_count", "audience_ages", "audience_genders", "audience_countries", "audience_cities")
#: Daily fields, returned per day in ``data.metrics[]``.
DAILY_FIELDS = ("video_views", "unique_video_views", "profile_views", "likes", "comments", "shares",
                "phone_number_clicks", "lead_submissions", "app_download_clicks", "bio_link_clicks",
                "email_clicks", "address_clicks", "daily_total_followers", "daily_new_followers",
                "daily_lost_followers", "audience_activity", "engaged_audience")
DEFAULT_FIELDS = ("username", "display_name", "followers_count", "videos_count", "total_likes", "video_views",
                  "profile_views", "likes", "comments", "shares", "daily_new_followers", "daily_lost_followers")


def check_fields(fields: Iterable[str]) -> list[str]:
    names = [str(f).strip() for f in fields if str(f).strip()]
    unknown = [f for f in names if f not in PROFILE_FIELDS and f not in DAILY_FIELDS]
    if unknown:
        raise TikTokValidationError(f"unknown /business/get/ field(s) {unknown}; choose from profile fields "
                                    f"{list(PROFILE_FIELDS)} and daily fields {list(DAILY_FIELDS)}")
    if not names:
        raise TikTokValidationError("fields must name at least one /business/get/ field")
    return list(dict.fromkeys(names))


def check_window(start: dt.date, end: dt.date, today: dt.date) -> None:
    """TikTok's limits, checked before the request: start <= end <= today, <= 60 days, <= 60 days back."""
    limit = spec.BUSINESS_GET_MAX_DAYS
    if end < start:
        raise TikTokValidationError(f"end_date {end} is before start_date {start}")
    if end > today:
        raise TikTokValidationError(f"end_date {end} is after today ({today}, UTC)")
    if (end - start).days + 1 > limit:
        raise TikTokValidationError(f"the window {start}..{end} has {(end - start).days + 1} days; /business/get/ "
                                    f"allows at most {limit}: split it")
    if start < today - dt.timedelta(days=limit):
        raise TikTokValidationError(f"start_date {start} is more than {limit} days before today ({today}, UTC); "
                                    "TikTok keeps no older data")


def business_get(business_id: str, start: dt.date, end: dt.date,
                 fields: Sequence[str]) -> ApiCall[dict[str, Any]]:
    if not business_id:
        raise TikTokValidationError("business_id (the account's open_id) is required")
    return ApiCall("GET", spec.Paths.BUSINESS_GET,
                   params={"business_id": business_id, "start_date": start.isoformat(),
                           "end_date": end.isoformat(), "fields": list(check_fields(fields))})


def _typed(name: str, value: Any) -> Any:
    return value if isinstance(value, (bool, list, dict)) else type_metric(name, value)


#: Fields TikTok returns twice: lifetime at the top level, and per day in ``metrics[]`` (the count on that date).
BOTH_LEVELS = frozenset({"followers_count"})


def business_records(data: Mapping[str, Any], business_id: str, fields: Sequence[str]) -> list[dict[str, Any]]:
    """One typed record per day: ``business_id``, ``date``, the daily metrics, then the profile fields.

    ``followers_count`` is both: the day's value in the daily part, the lifetime value as
    ``lifetime_followers_count`` in the profile part. Without daily fields, a single record with
    ``date`` = ``None`` holds the profile (``followers_count`` is then the lifetime value).
    """
    daily = [f for f in fields if f in DAILY_FIELDS or f in BOTH_LEVELS]
    if not [f for f in daily if f not in BOTH_LEVELS]:
        profile = {f: _typed(f, data.get(f)) for f in fields if f in PROFILE_FIELDS}
        return [{"business_id": business_id, "date": None, **profile}]
    profile = {(f"lifetime_{f}" if f in BOTH_LEVELS else f): _typed(f, data.get(f))
               for f in fields if f in PROFILE_FIELDS}
    records = []
    for day in sorted(data.get("metrics") or [], key=lambda m: str(m.get("date"))):
        metrics = {f: _typed(f, day.get(f)) for f in daily}
        records.append({"business_id": business_id, "date": str(day.get("date"))[:10], **metrics, **profile})
    return records
