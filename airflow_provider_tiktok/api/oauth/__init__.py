"""OAuth flows of TikTok's three API families (Marketing API, Accounts API, Login Kit).

Each request function returns an :class:`~airflow_provider_tiktok.api.core.call.ApiCall`; run it with the
sync or async client. None of them needs an access-token header (app credentials travel in the body).
The family-specific builders live in :mod:`.oauth_marketing`, :mod:`.oauth_accounts` and
:mod:`.oauth_login_kit`; this module re-exports them and adds family-agnostic helpers used by the
token store and the ``airflow-tiktok`` CLI.

=============  ==================================  ===========================  ==========
family         authorize                           token / refresh              expires
=============  ==================================  ===========================  ==========
marketing      ``/portal/auth`` (app_id)           ``/oauth2/access_token/``    never
accounts       ``/v2/auth/authorize/`` (client_key) ``/tt_user/oauth2/*``        24 h / 1 y
login_kit      ``/v2/auth/authorize/`` + PKCE       ``/v2/oauth/token/``         24 h / 1 y
=============  ==================================  ===========================  ==========
"""

from __future__ import annotations

import shlex
from typing import Any

from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls
from airflow_provider_tiktok.api.core.errors import (
    TikTokError,
    TikTokOAuthError,
    TikTokRefreshTokenError,
    TikTokValidationError,
)
from airflow_provider_tiktok.api.oauth.accounts import (
    accounts_authorize_url,
    accounts_refresh,
    accounts_revoke,
    accounts_token,
    accounts_token_info,
)
from airflow_provider_tiktok.api.oauth.flow import (
    AuthorizationRequest,
    Callback,
    OAuthStateMismatchError,
    Pkce,
    TokenSet,
    callback_params,
    new_state,
    parse_callback,
)
from airflow_provider_tiktok.api.oauth.login_kit import (
    login_kit_authorize_url,
    login_kit_client_credentials,
    login_kit_refresh,
    login_kit_revoke,
    login_kit_token,
    login_kit_user_info,
)
from airflow_provider_tiktok.api.oauth.marketing import (
    marketing_access_token,
    marketing_authorize_url,
    marketing_revoke_token,
)

FAMILIES = ("marketing", "accounts", "login_kit")
#: Families whose access tokens expire and come with a refresh token.
REFRESHABLE_FAMILIES = ("accounts", "login_kit")


def _check_family(family: str) -> None:
    if family not in FAMILIES:
        raise TikTokValidationError(f"API family must be one of {list(FAMILIES)}, got {family!r}")


def start_authorization(family: str, urls: BaseUrls, app_id: str, redirect_uri: str,
                        scope: str | None = None, *, pkce: bool = True) -> AuthorizationRequest:
    """A fresh ``state`` (and, for Login Kit, a PKCE pair) plus the URL to send the user to."""
    _check_family(family)
    state = new_state()
    if family == "marketing":
        return AuthorizationRequest(family, marketing_authorize_url(urls, app_id, redirect_uri, state),
                                    redirect_uri, state)
    if family == "accounts":
        return AuthorizationRequest(family, accounts_authorize_url(urls, app_id, redirect_uri, state, scope),
                                    redirect_uri, state)
    pair = Pkce.generate() if pkce else None
    url = login_kit_authorize_url(urls, app_id, redirect_uri, state, scope, pair.challenge if pair else None)
    return AuthorizationRequest(family, url, redirect_uri, state, pair)


def exchange_code(request: AuthorizationRequest, app_id: str | None, app_secret: str | None,
                  code: str) -> ApiCall[TokenSet]:
    """The token request for a checked callback ``code`` of ``request``."""
    if request.family == "marketing":
        return marketing_access_token(app_id, app_secret, code)
    if request.family == "accounts":
        return accounts_token(app_id, app_secret, code, request.redirect_uri)
    return login_kit_token(app_id, app_secret, code, request.redirect_uri,
                           request.pkce.verifier if request.pkce else None)


def refresh_tokens(family: str, app_id: str | None, app_secret: str | None,
                   refresh_token: str) -> ApiCall[TokenSet]:
    _check_family(family)
    if family == "marketing":
        raise TikTokValidationError(
            "Marketing API tokens do not expire and have no refresh token; an invalid or revoked one needs "
            "re-authorization (`airflow-tiktok auth login --family marketing`)")
    if family == "accounts":
        return accounts_refresh(app_id, app_secret, refresh_token)
    return login_kit_refresh(app_id, app_secret, refresh_token)


def revoke(family: str, app_id: str | None, app_secret: str | None, access_token: str) -> ApiCall[Any]:
    _check_family(family)
    if family == "marketing":
        return marketing_revoke_token(app_id, app_secret, access_token)
    if family == "accounts":
        return accounts_revoke(app_id, app_secret, access_token)
    return login_kit_revoke(app_id, app_secret, access_token)


# -- friendly errors ----------------------------------------------------------------------------

def reauthorize_command(conn_id: str | None, family: str | None, app_id: str | None = None) -> str:
    """The CLI command that re-authorizes ``conn_id`` and rewrites it."""
    parts = ["airflow-tiktok", "auth", "login", "--conn-id", conn_id or "<conn_id>", "--family",
             family or "<family>", "--app-id", app_id or "<app id>", "--redirect-uri", "<registered redirect URI>",
             "--airflow-add"]
    return " ".join(shlex.quote(p) if not p.startswith("<") else p for p in parts)


#: What to do about each auth error (envelope codes and Login Kit ``error`` values).
AUTH_ADVICE: dict[int | str, str] = {
    40101: "The app id / secret is wrong, or the auth code belongs to another app: check --app-id and the secret.",
    40102: "The access token has expired: run `airflow-tiktok auth refresh --conn-id {conn_id}` "
    "(Accounts API / Login Kit) or re-authorize: {command}",
    40103: "The refresh token has expired (refresh tokens last one year): re-authorize: {command}",
    40104: "No access token was sent: the connection has no access token; authorize: {command}",
    40105: "The access token is invalid or was revoked{family_note}: authorize the app again: {command}",
    40106: "The token belongs to another user than the advertiser's owner: re-authorize with that user: {command}",
    40107: "The refresh token is invalid, revoked or already used (rotated): re-authorize: {command}",
    40108: "Invalid grant_type: this is a bug in the client, please report it.",
    40110: "The auth code was already used or has expired (codes are single-use, 10-60 min): start the login "
    "again and complete it promptly.",
    40113: "The app is blocked or its id / secret is wrong: check the app in the TikTok developer portal.",
    40115: "The authorization timestamp expired: start the login again.",
    "access_denied": "The user declined the authorization: start the login again and approve it.",
    "invalid_client": "The client key / secret is wrong: check --app-id (client key) and the secret.",
    "invalid_grant": "The code or refresh token is invalid, expired, revoked or already used: re-authorize: "
    "{command}",
    "invalid_request": "TikTok rejected the request (often a redirect_uri that differs from the registered one): "
    "check --redirect-uri.",
    "invalid_scope": "A requested scope is not enabled for the app: fix --scope or add the scope in the portal.",
    "unauthorized_client": "The app may not use this grant type: check the app's products in the portal.",
    "unsupported_grant_type": "Unsupported grant_type: this is a bug in the client, please report it.",
    "unsupported_response_type": "Unsupported response_type: this is a bug in the client, please report it.",
    "server_error": "TikTok had an internal error: try again in a minute.",
    "temporarily_unavailable": "TikTok is temporarily unavailable: try again in a minute.",
}


def auth_advice(exc: BaseException, conn_id: str | None = None, family: str | None = None,
                app_id: str | None = None) -> str | None:
    """What the user should do about ``exc`` (``None`` when it is not an auth problem).

    ``family`` and ``app_id`` (when known, e.g. from the connection) fill the re-authorize command.
    """
    key: int | str | None = exc.error if isinstance(exc, TikTokOAuthError) else getattr(exc, "code", None)
    if key is None or key not in AUTH_ADVICE:
        return None
    note = " (Marketing API tokens never expire: a revoked one needs a new authorization)" \
        if family == "marketing" else " (a revoked token cannot be refreshed)" if family else ""
    return AUTH_ADVICE[key].format(conn_id=conn_id or "<conn_id>", family_note=note,
                                   command=reauthorize_command(conn_id, family, app_id))


def is_refresh_token_rejection(exc: BaseException) -> bool:
    """40103/40107 (Accounts API) or ``invalid_grant`` (Login Kit): the refresh token cannot be used."""
    return isinstance(exc, TikTokRefreshTokenError) or (
        isinstance(exc, TikTokOAuthError) and exc.error == "invalid_grant")


class ReauthorizationRequiredError(TikTokRefreshTokenError):
    """The stored refresh token is expired or revoked: only a new authorization helps.

    The message names the ``airflow-tiktok auth login`` command for the connection.
    """

    def _render(self) -> str:  # the message already carries the advice; skip the generic hint
        text = f"TikTok error {self.code}: {self.message}" if self.code else self.message
        return f"{text} (request_id={self.request_id})" if self.request_id else text


def reauthorization_error(conn_id: str | None, family: str | None, reason: str,
                          cause: BaseException | None = None,
                          app_id: str | None = None) -> ReauthorizationRequiredError:
    code = getattr(cause, "code", None) if isinstance(cause, TikTokError) else None
    request_id = cause.request_id if isinstance(cause, TikTokError) else None
    return ReauthorizationRequiredError(
        f"{reason}. Re-authorize and rewrite connection {conn_id!r}: {reauthorize_command(conn_id, family, app_id)}",
        code=code, request_id=request_id)


__all__ = [
    "AUTH_ADVICE",
    "FAMILIES",
    "REFRESHABLE_FAMILIES",
    "AuthorizationRequest",
    "Callback",
    "OAuthStateMismatchError",
    "Pkce",
    "ReauthorizationRequiredError",
    "TokenSet",
    "accounts_authorize_url",
    "accounts_refresh",
    "accounts_revoke",
    "accounts_token",
    "accounts_token_info",
    "auth_advice",
    "callback_params",
    "exchange_code",
    "is_refresh_token_rejection",
    "login_kit_authorize_url",
    "login_kit_client_credentials",
    "login_kit_refresh",
    "login_kit_revoke",
    "login_kit_token",
    "login_kit_user_info",
    "marketing_access_token",
    "marketing_authorize_url",
    "marketing_revoke_token",
    "new_state",
    "parse_callback",
    "reauthorization_error",
    "reauthorize_command",
    "refresh_tokens",
    "revoke",
    "start_authorization",
]
