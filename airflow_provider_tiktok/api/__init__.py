"""The TikTok protocol with no Airflow import: clients, errors, retries, request models, OAuth."""

from airflow_provider_tiktok.api.core.async_client import AsyncTikTokClient
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import (
    TikTokAPIError,
    TikTokAuthError,
    TikTokDownloadURLExpiredError,
    TikTokError,
    TikTokHTTPError,
    TikTokInvalidRequestError,
    TikTokOAuthError,
    TikTokPermissionError,
    TikTokQueryTooLargeError,
    TikTokRateLimitError,
    TikTokRefreshTokenError,
    TikTokServerError,
    TikTokTaskNotReadyError,
    TikTokTokenExpiredError,
    TikTokTransportError,
    TikTokValidationError,
)
from airflow_provider_tiktok.api.core.retry import Pacer, RetryPolicy, Timeouts
from airflow_provider_tiktok.api.marketing.status import ReportTaskState, ReportTaskStatus

__all__ = [
    "ApiCall",
    "AsyncTikTokClient",
    "BaseUrls",
    "Pacer",
    "ReportTaskState",
    "ReportTaskStatus",
    "RetryPolicy",
    "TikTokAPIError",
    "TikTokAuthError",
    "TikTokClient",
    "TikTokDownloadURLExpiredError",
    "TikTokError",
    "TikTokHTTPError",
    "TikTokInvalidRequestError",
    "TikTokOAuthError",
    "TikTokPermissionError",
    "TikTokQueryTooLargeError",
    "TikTokRateLimitError",
    "TikTokRefreshTokenError",
    "TikTokServerError",
    "TikTokTaskNotReadyError",
    "TikTokTokenExpiredError",
    "TikTokTransportError",
    "TikTokValidationError",
    "Timeouts",
]
