"""Login Kit v2 OAuth (/v2/oauth/token/, /v2/oauth/revoke/) and the browser authorize pages."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.state import RefreshToken, UserToken
from airflow_provider_tiktok.testing.emulator.wire import OAuthError, Request, Response, new_request_id


def _form(req: Request, name: str, required: bool = True) -> str:
    value = req.form.get(name, "")
    if required and not value:
        raise OAuthError("invalid_request", f"Missing required parameter: {name}.")
    return value


def _json(payload: dict[str, Any]) -> Response:
    return Response(body=json.dumps(payload).encode())


def _user_token_body(emu: Emulator, access: UserToken, refresh: RefreshToken) -> dict[str, Any]:
    now = emu.state.clock.now()
    return {
        "access_token": access.token,
        "expires_in": round(access.expires_at - now),
        "open_id": access.open_id,
        "refresh_expires_in": round(refresh.expires_at - now),
        "refresh_token": refresh.token,
        "scope": access.scope,
        "token_type": "Bearer",
    }


def _check_client(emu: Emulator, req: Request) -> str:
    key = _form(req, "client_key")
    secret = _form(req, "client_secret")
    if key != emu.config.login_kit_client_key or secret != emu.config.login_kit_client_secret:
        raise OAuthError("invalid_client", "Client key or secret is invalid.")
    return key


def oauth_token(emu: Emulator, req: Request) -> Response:
    """Form-encoded token endpoint; success bodies are top-level (no envelope)."""
    grant_type = _form(req, "grant_type")
    client_key = _check_client(emu, req)
    state = emu.state
    if grant_type == "authorization_code":
        code = _form(req, "code")
        redirect_uri = _form(req, "redirect_uri")
        rec = state.consume_auth_code(code, "login_kit", client_key)
        if rec is None:
            raise OAuthError("invalid_grant", "Authorization code is invalid, expired or already used.")
        if rec.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", "redirect_uri does not match the authorization request.")
        if rec.code_challenge:
            # PKCE (desktop/mobile): TikTok's code_challenge is the HEX-encoded SHA-256 of the verifier.
            verifier = req.form.get("code_verifier", "")
            if not verifier or hashlib.sha256(verifier.encode()).hexdigest() != rec.code_challenge.lower():
                raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge.")
        access, refresh = state.issue_user_tokens(
            "login_kit", client_key, emu.config.login_kit_open_id, rec.scope or C.DEFAULT_LOGIN_KIT_SCOPE
        )
        return _json(_user_token_body(emu, access, refresh))
    if grant_type == "refresh_token":
        value = _form(req, "refresh_token")
        with state.lock:
            old = state.refresh_tokens.get(value)
            if old is None or old.revoked or old.family != "login_kit" or old.client_id != client_key:
                raise OAuthError("invalid_grant", "Refresh token is invalid or has been revoked.")
            if state.clock.now() >= old.expires_at:
                raise OAuthError("invalid_grant", "Refresh token has expired.")
            # TikTok: "The returned refresh_token may differ - always store the new one."
            access, refresh = state.refresh_user_tokens(old, rotate=emu.config.rotate_refresh_tokens)
        return _json(_user_token_body(emu, access, refresh))
    if grant_type == "client_credentials":
        tok = state.issue_client_token(client_key)
        return _json(
            {
                "access_token": tok.token,
                "expires_in": round(tok.expires_at - state.clock.now()),
                "token_type": "Bearer",
            }
        )
    raise OAuthError("unsupported_grant_type", f"Grant type {grant_type} is not supported.")


def oauth_revoke(emu: Emulator, req: Request) -> Response:
    """Revoke a user/client access token; success is HTTP 200 with an empty body."""
    _check_client(emu, req)
    value = _form(req, "token")
    with emu.state.lock:
        token = emu.state.user_tokens.get(value)
        if token is not None and token.family.startswith("login_kit"):
            emu.state.revoke_user_token(token)
    return Response(body=b"", content_type="application/json")


USER_INFO_FIELDS = ("open_id", "union_id", "avatar_url", "display_name")


def _data_error(status: int, code: str, message: str) -> Response:
    """Login Kit v2 data endpoints: ``{data, error: {code, message, log_id}}``."""
    body = {"data": {}, "error": {"code": code, "message": message, "log_id": new_request_id()}}
    return Response(status=status, body=json.dumps(body).encode())


def user_info(emu: Emulator, req: Request) -> Response:
    """``GET /v2/user/info/?fields=...`` with ``Authorization: Bearer <access token>``."""
    header = (req.headers.get("Authorization") or "").strip()
    value = header[len("Bearer "):].strip() if header.startswith("Bearer ") else ""
    with emu.state.lock:
        token = emu.state.user_tokens.get(value) if value else None
        usable = (token is not None and token.family == "login_kit" and not token.revoked
                  and emu.state.clock.now() < token.expires_at)
    if token is None or not usable:
        return _data_error(401, "access_token_invalid",
                           "The access token is invalid or not found in the request.")
    if "user.info.basic" not in token.scope.split(","):
        return _data_error(401, "scope_not_authorized", "The user did not authorize the scope required for "
                                                        "completing this request.")
    fields = [f for f in req.query.get("fields", "").split(",") if f]
    if not fields or any(f not in USER_INFO_FIELDS for f in fields):
        return _data_error(400, "invalid_params", "The fields parameter is missing or names an unknown field.")
    user = {"open_id": token.open_id, "union_id": f"union-{token.open_id}",
            "avatar_url": f"https://p16.tiktokcdn.example/{token.open_id}.jpeg",
            "display_name": emu.config.login_kit_display_name}
    body = {"data": {"user": {f: user[f] for f in fields}}, "error": {"code": "ok", "message": "",
                                                                      "log_id": new_request_id()}}
    return Response(body=json.dumps(body).encode())


# --- authorize pages (no UI: immediately redirect as if the user approved) ----------------------
def _redirect(target: str, params: dict[str, str]) -> Response:
    sep = "&" if "?" in target else "?"
    return Response(
        status=302, body=b"", content_type="text/html", headers={"Location": target + sep + urlencode(params)}
    )


def _bad_page(message: str) -> Response:
    return Response(status=400, body=message.encode(), content_type="text/plain; charset=utf-8")


def portal_auth(emu: Emulator, req: Request) -> Response:
    """Advertiser authorization page -> ``redirect_uri?auth_code=..&code=..&state=..``."""
    q = req.query
    redirect_uri = q.get("redirect_uri", "")
    if not redirect_uri:
        return _bad_page("redirect_uri is required")
    if q.get("app_id") != emu.config.app_id:
        return _bad_page("Invalid app_id: the app does not exist")
    code = emu.state.issue_auth_code("marketing", emu.config.app_id, redirect_uri)
    return _redirect(redirect_uri, {"auth_code": code, "code": code, "state": q.get("state", "")})


def v2_authorize(emu: Emulator, req: Request) -> Response:
    """TikTok account authorization (Accounts API app id or Login Kit client_key as ``client_key``)."""
    q = req.query
    redirect_uri = q.get("redirect_uri", "")
    if not redirect_uri:
        return _bad_page("redirect_uri is required")
    client_key, state_value = q.get("client_key", ""), q.get("state", "")
    family = {emu.config.accounts_app_id: "accounts", emu.config.login_kit_client_key: "login_kit"}.get(client_key)
    error: tuple[str, str] | None = None
    if family is None:
        error = ("invalid_client", "The client_key is invalid.")
    elif q.get("response_type", "code") != "code":
        error = ("unsupported_response_type", "response_type must be code.")
    elif q.get("code_challenge") and q.get("code_challenge_method", "S256") != "S256":
        error = ("invalid_request", "code_challenge_method must be S256.")
    if error is not None or family is None:
        err, desc = error or ("invalid_client", "The client_key is invalid.")
        return _redirect(redirect_uri, {"error": err, "error_description": desc, "state": state_value})
    default_scope = C.DEFAULT_ACCOUNTS_SCOPE if family == "accounts" else C.DEFAULT_LOGIN_KIT_SCOPE
    scope = q.get("scope") or default_scope
    code = emu.state.issue_auth_code(family, client_key, redirect_uri, scope, q.get("code_challenge") or None)
    return _redirect(redirect_uri, {"code": code, "scopes": scope, "state": state_value})


OAUTH_ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/v2/oauth/token/"): Route(oauth_token, auth=False),
    ("POST", "/v2/oauth/revoke/"): Route(oauth_revoke, auth=False),
    ("GET", "/v2/user/info/"): Route(user_info, auth=False),
}
PAGE_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/portal/auth"): Route(portal_auth, auth=False),
    ("GET", "/v2/auth/authorize/"): Route(v2_authorize, auth=False),
}
