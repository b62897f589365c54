"""Turning a TikTok error into the right Airflow exception: fail without retries when a retry cannot help."""

from __future__ import annotations

from airflow_provider_tiktok.api.core.errors import (
    TikTokAuthError,
    TikTokError,
    TikTokInvalidRequestError,
    TikTokPermissionError,
    TikTokValidationError,
)
from airflow_provider_tiktok.compat import AirflowFailException

#: What the user should change, per error class, when retrying cannot help.
_FIXES: tuple[tuple[type[TikTokError], str], ...] = (
    (TikTokValidationError, "fix the operator's arguments"),
    (TikTokPermissionError, "check that this advertiser authorized the app with the Reporting scope, or drop it "
                            "from the list (TikTokListAdvertisersOperator lists the ones the token can read)"),
    (TikTokAuthError, "update the connection's access token / app credentials"),
    (TikTokInvalidRequestError, "fix the report parameters TikTok rejected"),
)


def fail_or_raise(exc: TikTokError, subject: str) -> BaseException:
    """``AirflowFailException`` (no Airflow retry) for errors a retry cannot fix, else ``exc`` itself.

    :param subject: what failed, e.g. ``"Advertiser 123"``; it starts the message.
    """
    for kind, fix in _FIXES:
        if isinstance(exc, kind):
            return AirflowFailException(f"{subject}: {exc} -- to fix: {fix}.")
    return exc


__all__ = ["fail_or_raise"]
