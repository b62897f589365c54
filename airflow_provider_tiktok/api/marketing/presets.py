"""Report presets: named, ready requests for the reports TikTok users pull most.

A preset fills ``report_type``, ``data_level``, ``dimensions`` and ``metrics`` of a sync
(:class:`~airflow_provider_tiktok.api.marketing.integrated.SyncReportRequest`) or async
(:class:`~airflow_provider_tiktok.api.marketing.reports.ReportTaskRequest`) request; any of the four given
explicitly wins, field by field (``preset="ads_daily", metrics=["spend"]``). Every preset's names are in the
metric catalog (:mod:`.catalog`), so a preset never sends TikTok a name it rejects.

Ad / ad group / campaign / advertiser level, daily and hourly (``<level>_daily`` / ``<level>_hourly``) share
:data:`PERFORMANCE_METRICS`; the audience breakdowns (``audience_age_gender_daily``,
``audience_country_daily``, ``audience_platform_daily``) are ad-group level and share
:data:`AUDIENCE_METRICS`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from airflow_provider_tiktok.api.core.errors import TikTokValidationError

#: The preset's request fields; an explicit operator argument for any of them overrides the preset.
PRESET_FIELDS: Final = ("report_type", "data_level", "dimensions", "metrics")

#: Delivery, cost, engagement, video and conversion metrics of basic reports at every level.
PERFORMANCE_METRICS: Final = (
    "spend", "impressions", "reach", "frequency", "clicks", "ctr", "cpc", "cpm", "conversion", "cost_per_conversion",
    "conversion_rate", "real_time_conversion", "result", "cost_per_result", "likes", "comments", "shares", "follows",
    "profile_visits", "video_play_actions", "video_watched_2s", "video_watched_6s", "video_views_p25",
    "video_views_p50", "video_views_p75", "video_views_p100", "average_video_play", "engaged_view",
)
#: Attributes that give ad-level rows their names (basic reports only).
AD_ATTRIBUTES: Final = ("campaign_name", "adgroup_name", "ad_name")
#: What audience reports answer per breakdown.
AUDIENCE_METRICS: Final = (
    "spend", "impressions", "clicks", "ctr", "cpc", "cpm", "reach", "conversion", "cost_per_conversion",
    "conversion_rate", "video_play_actions", "video_watched_2s", "video_watched_6s",
)


@dataclass(frozen=True)
class ReportPreset:
    """A named request: what it is for, and the four request fields it sets."""

    name: str
    description: str
    report_type: str
    data_level: str
    dimensions: tuple[str, ...]
    metrics: tuple[str, ...]

    def fields(self) -> dict[str, Any]:
        """The request fields, as lists (what the request models accept)."""
        return {"report_type": self.report_type, "data_level": self.data_level,
                "dimensions": list(self.dimensions), "metrics": list(self.metrics)}


_LEVELS = {  # preset prefix -> (data level, id dimension, attribute metrics, what a row is)
    "ads": ("AUCTION_AD", "ad_id", AD_ATTRIBUTES, "ad"),
    "adgroups": ("AUCTION_ADGROUP", "adgroup_id", ("campaign_name", "adgroup_name"), "ad group"),
    "campaigns": ("AUCTION_CAMPAIGN", "campaign_id", ("campaign_name",), "campaign"),
    "advertiser": ("AUCTION_ADVERTISER", "advertiser_id", (), "advertiser"),
}
_GRAINS = {"daily": ("stat_time_day", "day"), "hourly": ("stat_time_hour", "hour")}
_AUDIENCES = {  # preset -> (breakdown dimensions, what a row is)
    "audience_age_gender_daily": (("age", "gender"), "age band and gender"),
    "audience_country_daily": (("country_code",), "country"),
    "audience_platform_daily": (("platform",), "device platform (Android, iOS, PC)"),
}


def _build() -> dict[str, ReportPreset]:
    presets: dict[str, ReportPreset] = {}
    for prefix, (level, id_dim, attributes, row) in _LEVELS.items():
        for grain, (time_dim, unit) in _GRAINS.items():
            name = f"{prefix}_{grain}"
            presets[name] = ReportPreset(
                name, f"One row per {row} and {unit}: delivery, cost, engagement, video and conversion metrics.",
                "BASIC", level, (id_dim, time_dim), attributes + PERFORMANCE_METRICS)
    for name, (breakdown, row) in _AUDIENCES.items():
        presets[name] = ReportPreset(
            name, f"Audience report: one row per ad group, day and {row}.", "AUDIENCE", "AUCTION_ADGROUP",
            ("adgroup_id", "stat_time_day", *breakdown), AUDIENCE_METRICS)
    return presets


#: Every preset by name.
PRESETS: Final[Mapping[str, ReportPreset]] = _build()


def get_preset(name: Any) -> ReportPreset:
    """The preset called ``name``, or an error naming the closest preset and listing them all."""
    preset = PRESETS.get(str(name).strip().lower()) if isinstance(name, str) else None
    if preset is None:
        close = difflib.get_close_matches(str(name).strip().lower(), list(PRESETS), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise TikTokValidationError(f"preset {name!r} is not a report preset; {hint}use one of {sorted(PRESETS)}")
    return preset


def apply_preset(name: str | None, explicit: Mapping[str, Any]) -> dict[str, Any]:
    """The four request fields: the preset's, overridden by every one of ``explicit`` that is not None.

    Without a preset, ``explicit`` is returned as is (the request model then reports what is missing).
    """
    given = {k: v for k, v in explicit.items() if k in PRESET_FIELDS}
    if name is None:
        return dict(given)
    merged = get_preset(name).fields()
    merged.update({k: v for k, v in given.items() if v is not None})
    return merged


__all__ = ["AUDIENCE_METRICS", "PERFORMANCE_METRICS", "PRESETS", "PRESET_FIELDS", "ReportPreset", "apply_preset",
           "get_preset"]
