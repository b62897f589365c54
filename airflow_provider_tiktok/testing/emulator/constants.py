"""Protocol constants used only by the TikTok emulator.

TikTok's enumerations and limits come from :mod:`airflow_provider_tiktok.api.spec` (one
transcription of TikTok's specs for the client and the emulator; use ``spec.X`` directly).
What only the emulator needs is defined here. Where a value mirrors a documented TikTok fact
the comment says so.
"""

from __future__ import annotations

from typing import Final

from airflow_provider_tiktok.api import spec

#: Body of TikTok's gateway answer for an unknown path or a path without the trailing slash.
NOT_FOUND_BODY: Final = b"404 page not found"
#: Message of the ``X-Tt-Ads-Throttle`` header: sync reports return data for at most 20,000 ads.
ADS_THROTTLE_MESSAGE: Final = (
    "Number of ad ids is equal or more than 20k, only return the top 20k id's results, "
    "sorting by create time desc order."
)

# --- Dimensions --------------------------------------------------------------------
#: ID dimensions ordered from coarse to fine; the index is the hierarchy level.
ID_DIMENSIONS: Final = ("advertiser_id", "campaign_id", "adgroup_id", "ad_id")
TIME_DIMENSIONS: Final = frozenset({spec.TIME_DIMENSION_DAY, spec.TIME_DIMENSION_HOUR})
#: Breakdown (audience) dimensions with the values the emulator generates for them.
AUDIENCE_DIMENSION_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "gender": ("MALE", "FEMALE", "NONE"),
    "age": ("AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100", "NONE"),
    "country_code": ("US", "JP", "GB", "DE", "FR"),
    "platform": ("ANDROID", "IPHONE", "IPAD", "PC"),
    "language": ("en", "ja", "de", "fr"),
    "placement": ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"),
    "ac": ("WIFI", "4G", "5G", "UNKNOWN"),
}
#: data_level suffix -> hierarchy level (index into ID_DIMENSIONS).
DATA_LEVEL_DEPTH: Final = {"ADVERTISER": 0, "CAMPAIGN": 1, "ADGROUP": 2, "AD": 3}
#: Filter fields that restrict the entity set (``filter_type`` IN), with their hierarchy level.
ID_FILTER_FIELDS: Final = {"campaign_ids": 1, "adgroup_ids": 2, "ad_ids": 3}

# --- Metrics -----------------------------------------------------------------------
#: Metrics that are not summed in ``total_metrics`` (rates/ratios) — returned as "-".
RATE_METRIC_MARKERS: Final = ("ctr", "cpc", "cpm", "cpa", "rate", "cost_per", "frequency", "average", "roas")
MONEY_METRIC_MARKERS: Final = ("spend", "cost", "cpc", "cpm", "cpa", "value", "budget", "billed")
#: Attribute (non-numeric) metrics generated from the row's entity.
ATTRIBUTE_METRICS: Final = frozenset(
    {
        "advertiser_name",
        "advertiser_id",
        "campaign_name",
        "campaign_id",
        "adgroup_name",
        "adgroup_id",
        "ad_name",
        "ad_text",
        "currency",
        "timezone",
        "objective_type",
        "promotion_type",
        "budget_mode",
    }
)

#: Header titles used when ``enable_report_title_translation`` is true (TikTok's example: "Campaign ID").
TITLE_OVERRIDES: Final = {
    "stat_time_day": "By Day",
    "stat_time_hour": "By Hour",
    "ctr": "CTR",
    "cpc": "CPC",
    "cpm": "CPM",
    "cpa": "CPA",
    "roas": "ROAS",
}


def translate_title(field: str) -> str:
    """Human title for a field name, e.g. ``campaign_id`` -> ``Campaign ID``."""
    if field in TITLE_OVERRIDES:
        return TITLE_OVERRIDES[field]
    words = []
    for word in field.split("_"):
        if word in ("id", "ctr", "cpc", "cpm", "cpa", "roas"):
            words.append(word.upper())
        elif word == "adgroup":
            words.append("Ad Group")
        else:
            words.append(word.capitalize())
    return " ".join(words)


# --- Return codes and realistic messages --------------------------------------------
#: TikTok's exact 40104 message (an error text, not a secret).
MSG_EMPTY_TOKEN: Final = "Access token is null, you should set it in http header with key Access-Token."  # noqa: S105
CODE_MESSAGES: Final[dict[int, str]] = {
    0: "OK",
    20001: "Partial success.",
    40000: "Invalid parameters.",
    40001: "No permission to operate.",
    40002: "Invalid parameter.",
    40007: "The object does not exist.",
    40016: "Requests made too frequently, please retry later.",
    40067: "The query is too large, please reduce the date range or the number of dimensions and retry.",
    40100: "Too many requests. The QPS limit of this app has been reached, please retry later.",
    40101: "Invalid auth parameters: app_id or secret is incorrect.",
    40102: "Access token has expired.",
    40103: "Refresh token has expired.",
    40104: MSG_EMPTY_TOKEN,
    40105: "Access token is incorrect or has been revoked.",
    40107: "Refresh token is invalid or has been revoked.",
    40108: "Invalid grant_type.",
    40110: "Auth code is invalid: it has been used, cancelled or has expired.",
    40118: "The app or advertiser is not in the allowlist of this feature.",
    40133: "Advertiser's QPS for this path reaches QPS limit, please retry later.",
    40200: "Task error.",
    40201: "Task is not ready, please wait for the task to complete and try again.",
    40202: "Write conflict, please retry.",
    50000: "System error.",
    50002: "Error occurred when processing the request, please retry later.",
    51010: "Internal service timeout, please retry later.",
    60001: "The system is under maintenance.",
}


def code_message(code: int) -> str:
    """Realistic message for a TikTok return code."""
    return CODE_MESSAGES.get(code, f"Emulated error {code}.")


# --- Default scopes of the pre-issued tokens -------------------------------------
DEFAULT_ACCOUNTS_SCOPE: Final = (
    "user.info.basic,user.info.username,user.info.stats,user.info.profile,user.account.type,user.insights,video.list,"
    "video.insights,comment.list"
)
DEFAULT_LOGIN_KIT_SCOPE: Final = "user.info.basic,video.list"
#: Scope IDs returned by /oauth2/access_token/ (4 = Reporting).
DEFAULT_MARKETING_SCOPE: Final = (1, 2, 3, 4)
