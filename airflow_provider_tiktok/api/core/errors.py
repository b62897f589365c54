"""TikTok error taxonomy.

TikTok answers most errors with HTTP 200 and a non-zero ``code`` in the JSON envelope; HTTP 4xx/5xx
mean the request never reached API logic. Every error raised by this package is a
:class:`TikTokError`; the subclass tells the caller what to do about it:

====================================  ==============================================  =========
class                                 codes                                           retried
====================================  ==============================================  =========
:class:`TikTokRateLimitError`          40100, 40133, 40016, 40132, 61000               yes, slower
:class:`TikTokTaskNotReadyError`       40201                                           by pollers
:class:`TikTokServerError`             50000, 50002, 51xxx, 52xxx, 53xxx, 60001, ...   yes
:class:`TikTokTransportError`          HTTP 5xx, reset, timeout, truncated body        yes
:class:`TikTokAuthError`               40102, 40104, 40105, 40106, 40107, 40110, ...   no
:class:`TikTokPermissionError`         40001, 40118, ...                               no
:class:`TikTokInvalidRequestError`     40000, 40002, 40006, 40011, 40067, ...          no
====================================  ==============================================  =========

No exception carries a secret: messages are redacted before they are stored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({40100, 40133, 40016, 40132, 61000})
TASK_NOT_READY_CODES = frozenset({40201})
AUTH_CODES = frozenset({40101, 40102, 40103, 40104, 40105, 40106, 40107, 40108, 40110, 40113, 40115})
PERMISSION_CODES = frozenset(
    {40001, 40003, 40118, 40119, 40121, 40122, 40124, 40125, 40130, 40131, 40300, 40301, 41000}
)
INVALID_REQUEST_CODES = frozenset(
    {40000, 40002, 40006, 40007, 40008, 40009, 40010, 40011, 40013, 40014, 40050, 40051, 40067, 40700,
     41001, 41002, 70001}
)
#: Explicitly retryable codes outside the 5xxxx range ("task error", "write conflict").
SERVER_CODES = frozenset({40200, 40202, 60001})

#: What the user should do, per code, appended to the message so a failed task says how to fix it.
HINTS: dict[int, str] = {
    40001: "The token has no permission for this advertiser or operation: check the advertiser id and "
    "that the advertiser authorized the app with the needed scope (e.g. Reporting).",
    40002: "TikTok rejected a parameter; fix the request as the message says.",
    40067: "The query is too large: shorten the date range or split the advertisers.",
    40100: "The app's request quota is exhausted; size an Airflow pool to the app's QPS tier.",
    40101: "The app id / secret pair or the auth code is wrong: check the connection's App ID and App secret.",
    40102: "The access token has expired: refresh it (Accounts API / Login Kit) or re-authorize "
    "(run `airflow-tiktok auth login`).",
    40103: "The refresh token has expired: re-authorize with `airflow-tiktok auth login`.",
    40104: "No access token was sent: set the connection's Access token field.",
    40105: "The access token is invalid or revoked: re-authorize with `airflow-tiktok auth login` and "
    "update the connection.",
    40106: "The token does not belong to the user who owns this advertiser: re-authorize with that user.",
    40107: "The refresh token is invalid or was already used: re-authorize with `airflow-tiktok auth login`.",
    40110: "The auth code was already used or has expired: authorize again.",
    40118: "The app or advertiser is not on TikTok's allowlist for this feature (async reports are "
    "allowlist-only): apply for access, or use the synchronous report operator.",
}


class TikTokError(Exception):
    """Base class of every error this package raises about TikTok.

    :param message: human-readable text (already redacted).
    :param code: TikTok's envelope ``code`` (``None`` for transport errors).
    :param request_id: TikTok's ``request_id`` / log id, for support tickets.
    :param http_status: HTTP status of the response, when there was one.
    """

    retryable: bool = False
    #: What to do about this kind of error when TikTok's code has no hint of its own (``HINTS``).
    default_hint: str | None = None

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.code is not None:
            parts.append(f"TikTok error {self.code}")
        elif self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.path:
            parts.append(f"on {self.path}")
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        hint = self.hint
        if hint:
            text = f"{text} -- {hint}"
        if self.request_id:
            text = f"{text} (request_id={self.request_id})"
        return text

    @property
    def hint(self) -> str | None:
        """The one piece of advice the message carries (TikTok code's hint, else the class's)."""
        return (HINTS.get(self.code) if self.code is not None else None) or self.default_hint

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep keyword-only attributes across pickling (Airflow may pickle exceptions).
        return (_rebuild, (type(self), self.message, self.code, self.request_id, self.http_status, self.path))


def _rebuild(cls: type[TikTokError], message: str, code: int | None, request_id: str | None,
             http_status: int | None, path: str | None) -> TikTokError:
    return cls(message, code=code, request_id=request_id, http_status=http_status, path=path)


class TikTokAPIError(TikTokError):
    """TikTok answered with a non-zero ``code`` that fits no narrower class."""


class TikTokRateLimitError(TikTokAPIError):
    """The app, endpoint or advertiser QPS/QPM/QPD budget is exhausted; retried with a slower pace."""

    retryable = True


class TikTokTaskNotReadyError(TikTokAPIError):
    """An async report task is not finished yet (40201); poll again later."""


class TikTokServerError(TikTokAPIError):
    """TikTok reported an internal error (5xxxx, maintenance); retried."""

    retryable = True


class TikTokAuthError(TikTokAPIError):
    """The token or app credentials are missing, invalid, expired or revoked; never retried."""

    default_hint = "Update the connection's access token / app credentials (`airflow-tiktok auth login`)."


class TikTokTokenExpiredError(TikTokAuthError):
    """The access token has expired (40102); families with refresh tokens refresh once and retry."""


class TikTokRefreshTokenError(TikTokAuthError):
    """The refresh token has expired (40103) or is invalid / already rotated (40107)."""


class TikTokPermissionError(TikTokAPIError):
    """The token may not access this advertiser or feature (40001, 40118 allowlist, ...)."""

    default_hint = ("Check that this advertiser authorized the app with the needed scope (e.g. Reporting), or "
                    "drop it (TikTokListAdvertisersOperator lists the ones the token can read).")


class TikTokInvalidRequestError(TikTokAPIError):
    """TikTok rejected the request's parameters (40002, 40067, ...)."""

    default_hint = "Fix the request parameters TikTok rejected, as its message says."


class TikTokQueryTooLargeError(TikTokInvalidRequestError):
    """40067: the query covers too much data; callers split the date range and try again."""


class TikTokRowCountError(TikTokError):
    """The rows received differ from ``page_info.total_number``: the report is incomplete or shifted."""

    retryable = True


class TikTokTransportError(TikTokError):
    """The request did not produce a TikTok answer: HTTP 5xx, reset, timeout or a broken body."""

    retryable = True
    default_hint = "Check the network and the connection's 'Base URL override' (extra base_url)."


_ERRNO_REASON = re.compile(r"\[Errno -?\d+\] ([^'\"()\]]+)")
_TIMEOUT_REASON = re.compile(r"(read timed out|connect timeout|timed out)", re.IGNORECASE)


def transport_summary(exc: BaseException, redact: Callable[[str], str]) -> str:
    """One short line for a network library's exception, e.g. ``ConnectionError (Connection refused)``.

    Library texts run to hundreds of characters and repeat the URL (with its query): the full text is
    logged at DEBUG only, redacted.
    """
    text = redact(str(exc))
    log.debug("Transport failure detail: %s: %s", type(exc).__name__, text)
    match = _ERRNO_REASON.findall(text) or _TIMEOUT_REASON.findall(text)
    reason = match[-1].strip().rstrip(".") if match else (text if len(text) <= 120 else text[:117] + "...")
    return f"{type(exc).__name__} ({reason})" if reason else type(exc).__name__


class TikTokHTTPError(TikTokError):
    """A non-retryable HTTP status (e.g. 404 for a wrong path, 403 for an expired download URL)."""


class TikTokDownloadURLExpiredError(TikTokHTTPError):
    """The report's ``download_url`` has expired; ask ``/report/task/download/`` for a fresh one."""


class TikTokOAuthError(TikTokError):
    """Login Kit OAuth error body ``{error, error_description, log_id}``."""

    def __init__(self, error: str, description: str, *, log_id: str | None = None,
                 http_status: int | None = None, path: str | None = None) -> None:
        self.error = error
        super().__init__(f"{error}: {description}", request_id=log_id, http_status=http_status, path=path)

    def __reduce__(self) -> tuple[Any, ...]:
        description = self.message.split(": ", 1)[-1]
        return (_rebuild_oauth, (self.error, description, self.request_id, self.http_status, self.path))

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        return self.error in {"server_error", "temporarily_unavailable"}


def _rebuild_oauth(error: str, description: str, log_id: str | None, http_status: int | None,
                   path: str | None) -> TikTokOAuthError:
    return TikTokOAuthError(error, description, log_id=log_id, http_status=http_status, path=path)


class TikTokValidationError(TikTokError, ValueError):
    """Bad input caught before any HTTP call; the message says what to fix."""


def error_class_for_code(code: int) -> type[TikTokAPIError]:
    """Map a TikTok envelope ``code`` to the exception class that describes it."""
    if code in RATE_LIMIT_CODES:
        return TikTokRateLimitError
    if code in TASK_NOT_READY_CODES:
        return TikTokTaskNotReadyError
    if code == 40102:
        return TikTokTokenExpiredError
    if code in (40103, 40107):
        return TikTokRefreshTokenError
    if code in AUTH_CODES:
        return TikTokAuthError
    if code in PERMISSION_CODES:
        return TikTokPermissionError
    if code == 40067:
        return TikTokQueryTooLargeError
    if code in INVALID_REQUEST_CODES:
        return TikTokInvalidRequestError
    if code in SERVER_CODES or 50000 <= code < 60000:
        return TikTokServerError
    return TikTokAPIError


#: Errors no retry can fix (bad arguments, credentials, permissions, parameters TikTok rejected): the
#: Airflow task fails on its first try.
PERMANENT_ERRORS: tuple[type[TikTokError], ...] = (
    TikTokValidationError, TikTokPermissionError, TikTokAuthError, TikTokInvalidRequestError)


def is_retryable(exc: BaseException) -> bool:
    """True for errors worth retrying with backoff (rate limits, server and transport errors)."""
    return isinstance(exc, TikTokError) and bool(exc.retryable)
