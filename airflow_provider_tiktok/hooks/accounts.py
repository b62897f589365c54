"""Accounts API operations of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook` (business accounts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_tiktok.api.accounts import business
from airflow_provider_tiktok.api.core.errors import TikTokValidationError

if TYPE_CHECKING:
    from airflow_provider_tiktok.hooks.base import TikTokBaseHook

    _Base = TikTokBaseHook
else:
    _Base = object

_ACCOUNTS = "accounts"


class TikTokAccountsHookMixin(_Base):
    """A TikTok business account's profile and daily metrics (``GET /business/get/``)."""

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


__all__ = ["TikTokAccountsHookMixin"]
