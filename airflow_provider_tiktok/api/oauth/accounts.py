"""Accounts API (TikTok business accounts, creators) OAuth on the business host.

Access tokens last 24 h, refresh tokens one year; ``open_id`` is the ``business_id`` of every
Accounts API call. Errors arrive in the v1.3 envelope (40102 expired access token, 40103 expired
refresh token, 40107 invalid / already-rotated refresh token).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.api.oauth.flow import require_values as _require


def accounts_authorize_url(urls: BaseUrls, client_id: str, redirect_uri: str, state: str,
                           scope: str | None = None) -> str:
    """The "TikTok account holder authorization URL" (``client_key`` = the app id)."""
    _require(client_id=client_id, redirect_uri=redirect_uri, state=state)
    params = {"client_key": client_id, "response_type": "code", "redirect_uri": redirect_uri, "state": state}
    if scope:
        params["scope"] = scope
    return urls.tiktok_authorize + "?" + urlencode(params)


def accounts_token(client_id: str | None, client_secret: str | None, auth_code: str,
                   redirect_uri: str) -> ApiCall[TokenSet]:
    """``POST /tt_user/oauth2/token/``: code -> access (24 h) + refresh (1 year) token and ``open_id``."""
    _require(client_id=client_id, client_secret=client_secret, auth_code=auth_code, redirect_uri=redirect_uri)
    return ApiCall("POST", spec.Paths.TT_USER_TOKEN, authenticated=False, parse=TokenSet.from_response,
                   json_body={"client_id": client_id, "client_secret": client_secret,
                              "grant_type": "authorization_code", "auth_code": auth_code,
                              "redirect_uri": redirect_uri})


def accounts_refresh(client_id: str | None, client_secret: str | None, refresh_token: str) -> ApiCall[TokenSet]:
    """``POST /tt_user/oauth2/refresh_token/``: a new pair; store the returned refresh token (may rotate)."""
    _require(client_id=client_id, client_secret=client_secret, refresh_token=refresh_token)
    return ApiCall("POST", spec.Paths.TT_USER_REFRESH, authenticated=False, parse=TokenSet.from_response,
                   json_body={"client_id": client_id, "client_secret": client_secret,
                              "grant_type": "refresh_token", "refresh_token": refresh_token})


def accounts_revoke(client_id: str | None, client_secret: str | None, access_token: str) -> ApiCall[dict[str, Any]]:
    """``POST /tt_user/oauth2/revoke/``: revoke the access token (and its refresh token)."""
    _require(client_id=client_id, client_secret=client_secret, access_token=access_token)
    return ApiCall("POST", spec.Paths.TT_USER_REVOKE, authenticated=False,
                   json_body={"client_id": client_id, "client_secret": client_secret,
                              "access_token": access_token})


def accounts_token_info(app_id: str | None, access_token: str) -> ApiCall[dict[str, Any]]:
    """``POST /tt_user/token_info/get/``: which TikTok account (``creator_id``) and scopes a token has."""
    return ApiCall("POST", spec.Paths.TT_USER_TOKEN_INFO, json_body={"app_id": app_id, "access_token": access_token},
                   authenticated=False)
