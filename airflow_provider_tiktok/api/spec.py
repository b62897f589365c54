"""TikTok protocol constants: hosts, paths, enumerations and documented limits.

Values are transcribed from TikTok's v1.3 documentation and its per-endpoint OpenAPI specs
(``x-open-enum`` lists). Both the client-side validation and the emulator use them, so a change
of TikTok's contract is made in one place.
"""

from __future__ import annotations

from typing import Final

# --- hosts -----------------------------------------------------------------------------------

API_VERSION: Final = "v1.3"
#: Business API (Marketing API and Accounts API) hosts; requests go to ``<host>/open_api/v1.3/<path>/``.
BUSINESS_HOSTS: Final = {
    "production": "https://business-api.tiktok.com",
    "sandbox": "https://sandbox-ads.tiktok.com",
}
BUSINESS_PREFIX: Final = f"/open_api/{API_VERSION}"
#: Login Kit (TikTok for Developers) host; OAuth v2 lives under ``/v2/oauth/``.
LOGIN_KIT_HOST: Final = "https://open.tiktokapis.com"
#: Where users are sent to authorize (Marketing advertisers / TikTok accounts and Login Kit).
MARKETING_AUTHORIZE_HOST: Final = "https://business-api.tiktok.com"
MARKETING_AUTHORIZE_PATH: Final = "/portal/auth"
TIKTOK_AUTHORIZE_HOST: Final = "https://www.tiktok.com"
TIKTOK_AUTHORIZE_PATH: Final = "/v2/auth/authorize/"

ENVIRONMENTS: Final = frozenset(BUSINESS_HOSTS)
API_FAMILIES: Final = ("marketing", "accounts", "login_kit")

# --- paths (relative to the business prefix unless noted) --------------------------------------

class Paths:
    OAUTH_ACCESS_TOKEN = "/oauth2/access_token/"
    OAUTH_ADVERTISER_GET = "/oauth2/advertiser/get/"
    OAUTH_REVOKE_TOKEN = "/oauth2/revoke_token/"
    ADVERTISER_INFO = "/advertiser/info/"
    REPORT_INTEGRATED_GET = "/report/integrated/get/"
    REPORT_TASK_CREATE = "/report/task/create/"
    REPORT_TASK_CHECK = "/report/task/check/"
    REPORT_TASK_DOWNLOAD = "/report/task/download/"
    REPORT_TASK_CANCEL = "/report/task/cancel/"
    TT_USER_TOKEN = "/tt_user/oauth2/token/"
    TT_USER_REFRESH = "/tt_user/oauth2/refresh_token/"
    TT_USER_REVOKE = "/tt_user/oauth2/revoke/"
    TT_USER_TOKEN_INFO = "/tt_user/token_info/get/"
    BUSINESS_GET = "/business/get/"
    # Marketing API entities (see api/marketing/entities_catalog.py).
    CAMPAIGN_GET = "/campaign/get/"
    ADGROUP_GET = "/adgroup/get/"
    AD_GET = "/ad/get/"
    FILE_IMAGE_AD_SEARCH = "/file/image/ad/search/"
    FILE_VIDEO_AD_SEARCH = "/file/video/ad/search/"
    DMP_CUSTOM_AUDIENCE_LIST = "/dmp/custom_audience/list/"
    PIXEL_LIST = "/pixel/list/"
    BUSINESS_VIDEO_LIST = "/business/video/list/"
    BUSINESS_COMMENT_LIST = "/business/comment/list/"
    # Login Kit paths are relative to the Login Kit host (no business prefix).
    LOGIN_KIT_TOKEN = "/v2/oauth/token/"
    LOGIN_KIT_REVOKE = "/v2/oauth/revoke/"
    LOGIN_KIT_USER_INFO = "/v2/user/info/"


# --- reporting enumerations ------------------------------------------------------------------

REPORT_TYPES: Final = frozenset({"BASIC", "AUDIENCE", "PLAYABLE_MATERIAL", "CATALOG", "BC", "TT_SHOP"})
#: Report types the async ``/report/task/create/`` accepts (PLAYABLE_MATERIAL is marked invalid there).
ASYNC_REPORT_TYPES: Final = frozenset({"BASIC", "AUDIENCE", "CATALOG"})
#: Report types that accept ``advertiser_ids`` (a list of up to 5 accounts).
MULTI_ADVERTISER_REPORT_TYPES: Final = frozenset({"BASIC", "AUDIENCE"})
#: Report types for which ``data_level`` is required.
DATA_LEVEL_REQUIRED: Final = frozenset({"BASIC", "AUDIENCE", "CATALOG"})
DATA_LEVELS: Final = frozenset(
    {
        "AUCTION_AD",
        "AUCTION_ADGROUP",
        "AUCTION_CAMPAIGN",
        "AUCTION_ADVERTISER",
        "RESERVATION_AD",
        "RESERVATION_ADGROUP",
        "RESERVATION_CAMPAIGN",
        "RESERVATION_ADVERTISER",
    }
)
TT_SHOP_DATA_LEVELS: Final = frozenset({"AUCTION_ADVERTISER", "AUCTION_CAMPAIGN"})
SERVICE_TYPES: Final = frozenset({"AUCTION", "RESERVATION"})
ORDER_TYPES: Final = frozenset({"ASC", "DESC"})
QUERY_MODES: Final = frozenset({"REGULAR", "CHUNK"})
FILTER_TYPES: Final = frozenset(
    {
        "IN",
        "CONTAIN_ANY_OF",
        "MATCH",
        "NOT_IN",
        "GREATER_EQUAL",
        "GREATER_THAN",
        "LOWER_EQUAL",
        "LOWER_THAN",
        "BETWEEN",
        "RANGE",
    }
)
#: Filter types whose ``filter_value`` is a JSON-array string.
LIST_FILTER_TYPES: Final = frozenset({"IN", "NOT_IN", "CONTAIN_ANY_OF", "BETWEEN"})
OUTPUT_FORMATS: Final = frozenset({"CSV_STRING", "CSV_DOWNLOAD", "XLSX_DOWNLOAD"})
#: Characters TikTok forbids in an async report's ``file_name``.
FILE_NAME_FORBIDDEN: Final = frozenset("/\\\t\b@#$%^&*()[]")
FILE_NAME_MAX_LEN: Final = 255

TIME_DIMENSION_DAY: Final = "stat_time_day"
TIME_DIMENSION_HOUR: Final = "stat_time_hour"
DEFAULT_METRICS: Final = ("spend", "impressions")

# --- limits ----------------------------------------------------------------------------------

MAX_ADVERTISER_IDS: Final = 5
PAGE_SIZE_MAX: Final = 1000
PAGE_SIZE_DEFAULT: Final = 10
#: A synchronous ad-level answer carrying this header kept only the newest ``SYNC_REPORT_AD_LIMIT`` ads.
ADS_THROTTLE_HEADER: Final = "X-Tt-Ads-Throttle"
SYNC_REPORT_AD_LIMIT: Final = 20_000
#: Longest date range (inclusive, in days) of one synchronous report request.
MAX_RANGE_DAYS_DAILY: Final = 30
MAX_RANGE_DAYS_HOURLY: Final = 1
MAX_RANGE_DAYS_NO_TIME: Final = 365
BUSINESS_GET_MAX_DAYS: Final = 60

# --- report task status (exact strings, single-L CANCELED) -----------------------------------

TASK_QUEUING: Final = "QUEUING"
TASK_PROCESSING: Final = "PROCESSING"
TASK_SUCCESS: Final = "SUCCESS"
TASK_FAILED: Final = "FAILED"
TASK_CANCELED: Final = "CANCELED"

# --- Accounts API content: /business/video/list/ and /business/comment/list/ ----------------

#: Videos per page of ``/business/video/list/`` (TikTok's default 10, maximum 20).
VIDEO_LIST_DEFAULT_COUNT: Final = 10
VIDEO_LIST_MAX_COUNT: Final = 20
#: Comments per page of ``/business/comment/list/`` (default 20, 1..30); ``comment_ids`` holds at most 30.
COMMENT_LIST_DEFAULT_COUNT: Final = 20
COMMENT_LIST_MAX_COUNT: Final = 30
COMMENT_IDS_MAX: Final = 30
#: Replies TikTok nests under each top-level comment with ``include_replies=true``.
COMMENT_REPLIES_INLINE_MAX: Final = 3
COMMENT_STATUSES: Final = frozenset({"PUBLIC", "ALL"})
COMMENT_SORT_FIELDS: Final = frozenset({"create_time", "likes", "replies"})
COMMENT_SORT_ORDERS: Final = frozenset({"asc", "desc", "smart"})

# --- Marketing API entities: /campaign/get/, /adgroup/get/, /ad/get/, assets, audiences, pixels --

#: ``page_size`` maxima: 1000 for campaigns / ad groups / ads, 100 for image and video search and
#: custom audiences, 20 for pixels; TikTok answers 40002 above them.
ENTITY_PAGE_SIZE_MAX: Final = 1000
ASSET_PAGE_SIZE_MAX: Final = 100
AUDIENCE_PAGE_SIZE_MAX: Final = 100
PIXEL_PAGE_SIZE_MAX: Final = 20
#: ``/advertiser/info/`` takes at most this many ``advertiser_ids`` per call.
ADVERTISER_INFO_MAX_IDS: Final = 100
#: Id lists inside ``filtering`` (``campaign_ids``, ``ad_ids``, ``video_ids``, ...) hold at most 100 ids.
FILTER_IDS_MAX: Final = 100
#: ``filtering.primary_status`` of campaigns, ad groups and ads; TikTok's default ``STATUS_NOT_DELETE`` hides
#: deleted entities, ``STATUS_ALL`` (or ``STATUS_DELETE``) shows them.
STATUS_NOT_DELETE: Final = "STATUS_NOT_DELETE"
STATUS_ALL: Final = "STATUS_ALL"
STATUS_DELETE: Final = "STATUS_DELETE"
PRIMARY_STATUSES: Final = frozenset(
    {STATUS_ALL, STATUS_NOT_DELETE, STATUS_DELETE, "STATUS_DELIVERY_OK", "STATUS_DISABLE", "STATUS_NOT_DELIVERY"}
)
#: ``modify_time`` / ``modified_after`` format (UTC).
ENTITY_TIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
