"""Pieces every OAuth flow shares: CSRF ``state``, PKCE, callback parsing and the token set.

No Airflow import. ``state`` and the PKCE verifier come from :mod:`secrets` (a CSPRNG); the verifier
lives only in memory (in :class:`AuthorizationRequest`) and is never logged or written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokOAuthError, TikTokValidationError

#: Characters TikTok allows in a PKCE ``code_verifier`` (RFC 7636 unreserved set).
_VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


class OAuthStateMismatchError(TikTokValidationError):
    """The callback's ``state`` is missing or differs from the one we sent (possible CSRF)."""


def new_state() -> str:
    """An unguessable ``state`` value (256 bits from the OS CSPRNG)."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Pkce:
    """A PKCE pair. TikTok's ``code_challenge`` is the **hex** SHA-256 of the verifier (method S256)."""

    verifier: str = field(repr=False)
    challenge: str

    @classmethod
    def generate(cls, length: int = 64) -> Pkce:
        if not 43 <= length <= 128:
            raise TikTokValidationError(f"a PKCE code_verifier has 43-128 characters, not {length}")
        verifier = "".join(secrets.choice(_VERIFIER_ALPHABET) for _ in range(length))
        return cls(verifier, challenge_for(verifier))


def challenge_for(verifier: str) -> str:
    return hashlib.sha256(verifier.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the user, plus what the callback must be checked against (kept in memory)."""

    family: str
    url: str
    redirect_uri: str
    state: str = field(repr=False)
    pkce: Pkce | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Callback:
    """The values TikTok appended to ``redirect_uri`` after the user approved."""

    code: str = field(repr=False)
    scopes: str | None = None


def callback_params(redirect: str | Mapping[str, Any]) -> dict[str, str]:
    """The query of a pasted redirect URL (or a query string / mapping) as a flat dict."""
    if isinstance(redirect, Mapping):
        return {str(k): str(v[0] if isinstance(v, (list, tuple)) else v) for k, v in redirect.items()}
    text = redirect.strip()
    query = urlsplit(text).query if "://" in text or text.startswith("/") else text.lstrip("?")
    return {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}


def parse_callback(redirect: str | Mapping[str, Any], expected_state: str) -> Callback:
    """Check ``state`` (constant-time) and return the authorization code.

    Raises :class:`OAuthStateMismatchError` when ``state`` does not match, and
    :class:`TikTokOAuthError` when TikTok redirected with ``error`` (e.g. the user denied access).
    The Marketing API sends ``auth_code`` (and ``code``); the others send ``code``.
    """
    params = callback_params(redirect)
    received = params.get("state", "")
    if not expected_state or not hmac.compare_digest(received.encode(), expected_state.encode()):
        raise OAuthStateMismatchError(
            "the callback's state does not match the authorization request (possible CSRF or a stale "
            "browser tab): start the login again and use the newest authorization URL")
    if params.get("error"):
        raise TikTokOAuthError(params["error"], params.get("error_description") or "authorization was not granted")
    code = params.get("auth_code") or params.get("code")
    if not code:
        raise TikTokValidationError("the callback has no code/auth_code parameter: paste the full redirect URL")
    return Callback(code=code, scopes=params.get("scopes") or params.get("scope"))


def require_values(**values: str | None) -> None:
    """Raise :class:`TikTokValidationError` naming every empty value (before any HTTP call)."""
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise TikTokValidationError(f"missing {', '.join(missing)}")


def _as_float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class TokenSet:
    """Tokens returned by a token or refresh endpoint. Times are Unix seconds (UTC)."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    refresh_expires_at: float | None = None
    scope: str | None = None
    open_id: str | None = None
    advertiser_ids: tuple[str, ...] = ()
    token_type: str | None = None

    @classmethod
    def from_response(cls, data: Mapping[str, Any], now: float | None = None) -> TokenSet:
        """Read the Accounts API ``data`` / Login Kit body / Marketing ``data`` shapes."""
        if not data.get("access_token"):
            raise TikTokError("the token endpoint answered without an access_token")
        now = time.time() if now is None else now
        expires_in = _as_float(data.get("expires_in"))
        refresh_in = _as_float(data.get("refresh_token_expires_in", data.get("refresh_expires_in")))
        scope = data.get("scope")
        if isinstance(scope, (list, tuple)):
            scope = ",".join(str(s) for s in scope)
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=str(data["refresh_token"]) if data.get("refresh_token") else None,
            expires_at=now + expires_in if expires_in is not None else None,
            refresh_expires_at=now + refresh_in if refresh_in is not None else None,
            scope=str(scope) if scope is not None else None,
            open_id=str(data["open_id"]) if data.get("open_id") else None,
            advertiser_ids=tuple(str(a) for a in data.get("advertiser_ids") or ()),
            token_type=data.get("token_type"),
        )

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.access_token, self.refresh_token) if s)


__all__ = [
    "AuthorizationRequest",
    "Callback",
    "OAuthStateMismatchError",
    "Pkce",
    "TokenSet",
    "callback_params",
    "challenge_for",
    "new_state",
    "parse_callback",
    "require_values",
]
