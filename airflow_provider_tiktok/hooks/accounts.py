"""Accounts API operations of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook` (business accounts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.accounts import business, content
from airflow_provider_tiktok.api.core.errors import TikTokValidationError

if TYPE_CHECKING:
    from airflow_provider_tiktok.hooks.base import TikTokBaseHook

    _Base = TikTokBaseHook
else:
    _Base = object

_ACCOUNTS = "accounts"


class TikTokAccountsHookMixin(_Base):
    """A TikTok business account's profile and daily metrics (``GET /business/get/``), its videos
    (``GET /business/video/list/``) and their comments (``GET /business/comment/list/``)."""

    def resolve_business_id(self, explicit: str | None = None) -> str:
        """``explicit``, or the connection's Business ID (``open_id``); an error if neither."""
        config = self.family_config(_ACCOUNTS, "/business/get/")
        business_id = explicit or config.business_id
        if not business_id:
            raise TikTokValidationError(
                f"no business_id given and connection {self.tiktok_conn_id!r} has no 'Business ID' (open_id)")
        return str(business_id)

    def get_business_account(self, business_id: str | None, start: dt.date, end: dt.date,
                             fields: Sequence[str]) -> list[dict[str, Any]]:
        """One typed record per day (``business_id``, ``date``, daily metrics, then the profile fields)."""
        account = self.resolve_business_id(business_id)
        data = self.call(business.business_get(account, start, end, fields))
        return business.business_records(data, account, fields)

    def iter_business_videos(self, request: content.VideoListRequest) -> Iterator[dict[str, Any]]:
        """Typed video records (``business_id``, ``item_id``, the requested fields), streamed page by page.

        Each page of ``GET /business/video/list/`` is one request (retried on its own); an expired
        Accounts API access token is refreshed on the way, like for ``/business/get/``.
        """
        self.family_config(_ACCOUNTS, spec.Paths.BUSINESS_VIDEO_LIST)
        for page in content.iter_video_pages(self.call, request):
            for item in page.items:
                yield content.video_record(item, request.business_id, request.fields)

    def iter_business_comments(self, request: content.CommentListRequest,
                               fields: Sequence[str] = content.DEFAULT_COMMENT_FIELDS) -> Iterator[dict[str, Any]]:
        """Typed comment rows of one video (nested replies as rows of their own), streamed page by page."""
        self.family_config(_ACCOUNTS, spec.Paths.BUSINESS_COMMENT_LIST)
        columns = content.check_comment_fields(fields)
        for page in content.iter_comment_pages(self.call, request):
            yield from content.comment_records(page.items, request.business_id, request.video_id, columns)


__all__ = ["TikTokAccountsHookMixin"]
