"""Marketing API (advertisers, Business Center, TTCM) OAuth: the long-term, non-expiring token.

The token never expires, and there is no refresh token: when TikTok answers 40105 (invalid or revoked)
the advertiser must authorize the app again (``airflow-tiktok auth login --family marketing``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.api.oauth.flow import require_values as _require


def marketing_authorize_url(urls: BaseUrls, app_id: str, redirect_uri: str, state: str) -> str:
    """The "advertiser authorization URL": ``/portal/auth?app_id=&state=&redirect_uri=``."""
    _require(app_id=app_id, redirect_uri=redirect_uri, state=state)
    return urls.marketing_authorize + "?" + urlencode({"app_id": app_id, "state": state,
                                                       "redirect_uri": redirect_uri})


def marketing_access_token(app_id: str | None, app_secret: str | None, auth_code: str) -> ApiCall[TokenSet]:
    """``POST /oauth2/access_token/``: ``auth_code`` (1 h, single use) -> long-term token + advertiser ids."""
    _require(app_id=app_id, app_secret=app_secret, auth_code=auth_code)
    return ApiCall("POST", spec.Paths.OAUTH_ACCESS_TOKEN, authenticated=False,
                   json_body={"app_id": app_id, "secret": app_secret, "auth_code": auth_code},
                   parse=TokenSet.from_response)


def marketing_revoke_token(app_id: str | None, app_secret: str | None,
                           access_token: str) -> ApiCall[dict[str, Any]]:
    """``POST /oauth2/revoke_token/``: data = ``{app_id, advertiser_ids}`` (accounts no longer reachable)."""
    _require(app_id=app_id, app_secret=app_secret, access_token=access_token)
    return ApiCall("POST", spec.Paths.OAUTH_REVOKE_TOKEN, authenticated=False,
                   json_body={"app_id": app_id, "secret": app_secret, "access_token": access_token})
