"""Marketing API account calls: authorized advertisers and advertiser details."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError


@dataclass(frozen=True)
class Advertiser:
    advertiser_id: str
    advertiser_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"advertiser_id": self.advertiser_id, "advertiser_name": self.advertiser_name}


def _parse_advertisers(data: dict[str, Any]) -> list[Advertiser]:
    return [Advertiser(str(item["advertiser_id"]), item.get("advertiser_name")) for item in data.get("list") or []]


def authorized_advertisers(app_id: str | None, app_secret: str | None) -> ApiCall[list[Advertiser]]:
    """``GET /oauth2/advertiser/get/``: the advertisers the access token may use."""
    if not app_id or not app_secret:
        raise TikTokValidationError("listing authorized advertisers needs the app id and app secret")
    return ApiCall("GET", spec.Paths.OAUTH_ADVERTISER_GET, params={"app_id": app_id, "secret": app_secret},
                   parse=_parse_advertisers)


def advertiser_info(
    advertiser_ids: Sequence[str], fields: Sequence[str] | None = None
) -> ApiCall[list[dict[str, Any]]]:
    """``GET /advertiser/info/``: details such as ``timezone`` and ``currency`` (up to 100 ids)."""
    ids = [str(i) for i in advertiser_ids]
    if not ids:
        raise TikTokValidationError("advertiser_info needs at least one advertiser id")
    if len(ids) > 100:
        raise TikTokValidationError(f"advertiser_info takes at most 100 advertiser ids, got {len(ids)}")
    params: dict[str, Any] = {"advertiser_ids": ids}
    if fields:
        params["fields"] = list(fields)
    return ApiCall("GET", spec.Paths.ADVERTISER_INFO,
                   params=params, parse=lambda data: list(data.get("list") or []))
