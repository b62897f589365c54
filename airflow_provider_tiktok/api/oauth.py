"""OAuth flows of TikTok's three API families (Marketing API, Accounts API, Login Kit).

Each function returns an :class:`~airflow_provider_tiktok.api.call.ApiCall`; run it with the sync or
async client. None of them needs an access-token header (app credentials travel in the body).
"""

from __future__ import annotations

from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.call import ApiCall


def accounts_token_info(app_id: str | None, access_token: str) -> ApiCall[dict[str, Any]]:
    """``POST /tt_user/token_info/get/``: which TikTok account (``creator_id``) and scopes a token has."""
    return ApiCall("POST", spec.Paths.TT_USER_TOKEN_INFO, json_body={"app_id": app_id, "access_token": access_token},
                   authenticated=False)


def login_kit_client_credentials(client_key: str | None, client_secret: str) -> ApiCall[dict[str, Any]]:
    """``POST /v2/oauth/token/`` with ``grant_type=client_credentials``: an app-level token (2 h)."""
    return ApiCall("POST", spec.Paths.LOGIN_KIT_TOKEN, family="login_kit", authenticated=False,
                   form={"client_key": client_key, "client_secret": client_secret,
                         "grant_type": "client_credentials"})
