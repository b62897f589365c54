"""Login Kit v2 (TikTok for Developers) OAuth on ``open.tiktokapis.com``.

Form-encoded requests, top-level JSON answers, errors as ``{error, error_description, log_id}``
(:class:`~airflow_provider_tiktok.api.core.errors.TikTokOAuthError`). Desktop apps (the CLI's loopback
redirect) use PKCE with a **hex** SHA-256 ``code_challenge``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.api.oauth.flow import require_values as _require

DEFAULT_SCOPE = "user.info.basic"
#: ``/v2/user/info/`` fields the ``user.info.basic`` scope grants.
USER_INFO_BASIC_FIELDS = ("open_id", "union_id", "avatar_url", "display_name")


def login_kit_authorize_url(urls: BaseUrls, client_key: str, redirect_uri: str, state: str,
                            scope: str | None = None, code_challenge: str | None = None) -> str:
    """``/v2/auth/authorize/`` with ``client_key``, ``scope`` (comma-separated), ``state`` and PKCE."""
    _require(client_key=client_key, redirect_uri=redirect_uri, state=state)
    params = {"client_key": client_key, "scope": scope or DEFAULT_SCOPE, "response_type": "code",
              "redirect_uri": redirect_uri, "state": state}
    if code_challenge:
        params.update(code_challenge=code_challenge, code_challenge_method="S256")
    return urls.tiktok_authorize + "?" + urlencode(params)


def _token_call(form: dict[str, Any]) -> ApiCall[TokenSet]:
    return ApiCall("POST", spec.Paths.LOGIN_KIT_TOKEN, family="login_kit", authenticated=False, form=form,
                   parse=TokenSet.from_response)


def login_kit_token(client_key: str | None, client_secret: str | None, code: str, redirect_uri: str,
                    code_verifier: str | None = None) -> ApiCall[TokenSet]:
    """``grant_type=authorization_code`` (with ``code_verifier`` when PKCE was used)."""
    _require(client_key=client_key, client_secret=client_secret, code=code, redirect_uri=redirect_uri)
    return _token_call({"client_key": client_key, "client_secret": client_secret, "code": code,
                        "grant_type": "authorization_code", "redirect_uri": redirect_uri,
                        "code_verifier": code_verifier})


def login_kit_refresh(client_key: str | None, client_secret: str | None, refresh_token: str) -> ApiCall[TokenSet]:
    """``grant_type=refresh_token``: the returned refresh token may differ; always store it."""
    _require(client_key=client_key, client_secret=client_secret, refresh_token=refresh_token)
    return _token_call({"client_key": client_key, "client_secret": client_secret,
                        "grant_type": "refresh_token", "refresh_token": refresh_token})


def login_kit_revoke(client_key: str | None, client_secret: str | None, access_token: str) -> ApiCall[dict[str, Any]]:
    """``POST /v2/oauth/revoke/``: success is an empty body."""
    _require(client_key=client_key, client_secret=client_secret, access_token=access_token)
    return ApiCall("POST", spec.Paths.LOGIN_KIT_REVOKE, family="login_kit", authenticated=False,
                   form={"client_key": client_key, "client_secret": client_secret, "token": access_token})


def login_kit_client_credentials(client_key: str | None, client_secret: str) -> ApiCall[dict[str, Any]]:
    """``POST /v2/oauth/token/`` with ``grant_type=client_credentials``: an app-level token (2 h)."""
    return ApiCall("POST", spec.Paths.LOGIN_KIT_TOKEN, family="login_kit", authenticated=False,
                   form={"client_key": client_key, "client_secret": client_secret,
                         "grant_type": "client_credentials"})


def _user_of(body: Any) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    user = data.get("user") if isinstance(data, dict) else None
    return dict(user) if isinstance(user, dict) else {}


def login_kit_user_info(access_token: str, fields: tuple[str, ...] = ("open_id", "display_name")
                        ) -> ApiCall[dict[str, Any]]:
    """``GET /v2/user/info/`` with ``Authorization: Bearer``: the user the access token belongs to.

    The token is sent as given (never refreshed on the way), so the answer says whether *this* token works.
    """
    _require(access_token=access_token)
    unknown = sorted(set(fields) - set(USER_INFO_BASIC_FIELDS))
    if unknown:
        raise TikTokValidationError(f"fields: {unknown} are not user.info.basic fields; use some of "
                                    f"{list(USER_INFO_BASIC_FIELDS)}")
    return ApiCall("GET", spec.Paths.LOGIN_KIT_USER_INFO, family="login_kit", authenticated=False,
                   params={"fields": ",".join(fields)}, bearer_token=access_token, parse=_user_of)
