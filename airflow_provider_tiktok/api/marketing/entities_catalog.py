"""What TikTok's v1.3 entity endpoints accept: path, ``fields``, ``filtering`` keys, page size, list key.

One :class:`EntitySpec` per entity the provider can extract (``campaigns``, ``adgroups``, ``ads``,
``images``, ``videos``, ``custom_audiences``, ``pixels``, ``advertisers``). Transcribed from TikTok's SDK
docs (``CampaignCreationApi``, ``AdgroupApi``, ``AdApi``, ``FileApi``, ``AudienceApi``,
``MeasurementApi``, the ``Filtering*`` models) and its portal pages. Field lists hold the fields this
provider knows; ``default_fields`` are written when the user names none.

Imports only the standard library and :mod:`~airflow_provider_tiktok.api.spec`: the emulator
reads the same catalog, so client-side checks and the emulator cannot disagree.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from airflow_provider_tiktok.api import spec

#: How a ``filtering`` value is checked: id list, text, text list, boolean, integer, number list, status.
FilterKind = Literal["ids", "str", "str_list", "bool", "int", "float_list", "status"]


@dataclass(frozen=True)
class EntitySpec:
    """One TikTok entity list endpoint.

    :param fields_param: TikTok takes a ``fields`` parameter (else every field comes back and the
        provider keeps the requested ones).
    :param filters: ``filtering`` keys and their kinds.
    :param query_filters: keys the user gives in ``filtering`` that TikTok takes as top-level
        query parameters (``/pixel/list/``'s ``pixel_id``, ``/dmp/custom_audience/list/``'s
        ``custom_audience_ids``).
    :param status_filter: the ``filtering`` key that hides deleted entities by default (or ``None``).
    :param modified_field: the row's last-modified time (``updated_since`` compares it), or ``None``.
    :param server_modified_filter: TikTok's own ``filtering`` key for "modified after", or ``None``.
    :param paged: numbered pages (``page`` / ``page_size`` / ``page_info``); ``advertisers`` is not.
    """

    name: str
    path: str
    id_field: str
    list_key: str
    fields: tuple[str, ...]
    default_fields: tuple[str, ...]
    filters: Mapping[str, FilterKind]
    max_page_size: int
    fields_param: bool = True
    query_filters: frozenset[str] = field(default_factory=frozenset)
    status_filter: str | None = None
    modified_field: str | None = "modify_time"
    server_modified_filter: str | None = None
    paged: bool = True

    @property
    def filter_keys(self) -> tuple[str, ...]:
        return tuple(sorted(self.filters))


_CAMPAIGN_FIELDS = (
    "advertiser_id", "campaign_id", "campaign_name", "campaign_type", "objective_type", "objective",
    "budget", "budget_mode", "operation_status", "secondary_status", "budget_optimize_on", "bid_type",
    "deep_bid_type", "optimization_goal", "roas_bid", "split_test_variable", "is_new_structure",
    "is_smart_performance_campaign", "is_search_campaign", "is_advanced_dedicated_campaign", "app_promotion_type",
    "rf_campaign_type", "disable_skan_campaign", "rta_id", "rta_bid_enabled", "rta_product_selection_enabled",
    "campaign_automation_type", "create_time", "modify_time",
)
_ADGROUP_FIELDS = (
    "advertiser_id", "campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "placement_type", "placements",
    "budget", "budget_mode", "scheduled_budget", "operation_status", "secondary_status", "optimization_goal",
    "optimization_event", "secondary_optimization_event", "bid_type", "bid_price", "conversion_bid_price",
    "deep_bid_type", "deep_cpa_bid", "billing_event", "pacing", "bid_display_mode", "promotion_type",
    "creative_material_mode", "schedule_type", "schedule_start_time", "schedule_end_time", "dayparting",
    "frequency", "frequency_schedule", "gender", "age_groups", "languages", "location_ids", "audience_ids",
    "excluded_audience_ids", "interest_category_ids", "interest_keyword_ids", "operating_systems",
    "network_types", "device_price_ranges", "pixel_id", "app_id", "app_type", "app_download_url",
    "conversion_window", "comment_disabled", "video_download_disabled", "share_disabled",
    "auto_targeting_enabled", "search_result_enabled", "inventory_filter_enabled", "skip_learning_phase",
    "brand_safety_type", "is_new_structure", "is_smart_performance_campaign", "is_hfss", "delivery_mode",
    "statistic_type", "campaign_automation_type", "create_time", "modify_time",
)
_AD_FIELDS = (
    "advertiser_id", "campaign_id", "campaign_name", "adgroup_id", "adgroup_name", "ad_id", "ad_name", "ad_text",
    "ad_texts", "ad_format", "operation_status", "secondary_status", "call_to_action", "call_to_action_id",
    "landing_page_url", "landing_page_urls", "display_name", "profile_image_url", "video_id", "image_ids",
    "image_mode", "is_aco", "is_new_structure", "creative_type", "creative_authorized", "identity_id",
    "identity_type", "deeplink", "deeplink_type", "fallback_type", "tracking_pixel_id", "impression_tracking_url",
    "click_tracking_url", "music_id", "optimization_event", "vast_moat_enabled", "page_id",
    "viewability_postbid_partner", "brand_safety_postbid_partner", "app_name", "playable_url", "card_id",
    "carousel_image_labels", "avatar_icon_web_uri", "campaign_automation_type", "create_time", "modify_time",
)
_IMAGE_FIELDS = (
    "image_id", "material_id", "file_name", "format", "width", "height", "size", "signature", "image_url",
    "is_carousel_usable", "displayable", "create_time", "modify_time",
)
_VIDEO_FIELDS = (
    "video_id", "material_id", "file_name", "format", "duration", "width", "height", "bit_rate", "size",
    "signature", "video_cover_url", "preview_url", "preview_url_expire_time", "allowed_placements",
    "allow_download", "displayable", "fix_task_id", "flaw_types", "create_time", "modify_time",
)
_AUDIENCE_FIELDS = (
    "audience_id", "name", "audience_type", "cover_num", "is_valid", "is_expiring", "is_creator", "shared",
    "calculate_type", "create_time", "expired_time",
)
_PIXEL_FIELDS = (
    "pixel_id", "pixel_code", "pixel_name", "pixel_category", "pixel_setup_mode", "activity_status", "events",
    "create_time",
)
#: What the provider reads of ``/advertiser/info/`` (name, currency, time zone, status, ...).
ADVERTISER_INFO_FIELDS = (
    "advertiser_id", "name", "company", "status", "role", "country", "currency", "timezone", "display_timezone",
    "create_time", "balance", "industry",
)

_STRUCTURE_FILTERS: dict[str, FilterKind] = {
    "campaign_ids": "ids", "buying_types": "str_list", "campaign_system_origins": "str_list",
    "creation_filter_start_time": "str", "creation_filter_end_time": "str", "objective_type": "str",
    "optimization_goal": "str", "primary_status": "status", "secondary_status": "str",
}
_ASSET_FILTERS: dict[str, FilterKind] = {
    "material_ids": "ids", "width": "int", "height": "int", "ratio": "float_list", "displayable": "bool",
}

ENTITIES: dict[str, EntitySpec] = {
    "campaigns": EntitySpec(
        name="campaigns", path=spec.Paths.CAMPAIGN_GET, id_field="campaign_id", list_key="list",
        fields=_CAMPAIGN_FIELDS,
        default_fields=("advertiser_id", "campaign_id", "campaign_name", "objective_type", "budget_mode", "budget",
                        "operation_status", "secondary_status", "create_time", "modify_time"),
        filters={**_STRUCTURE_FILTERS, "campaign_name": "str", "campaign_type": "str",
                 "campaign_product_source": "str", "creative_campaign_type": "str_list",
                 "is_smart_performance_campaign": "bool", "sales_destination": "str", "split_test_enabled": "bool"},
        max_page_size=spec.ENTITY_PAGE_SIZE_MAX, status_filter="primary_status"),
    "adgroups": EntitySpec(
        name="adgroups", path=spec.Paths.ADGROUP_GET, id_field="adgroup_id", list_key="list",
        fields=_ADGROUP_FIELDS,
        default_fields=("advertiser_id", "campaign_id", "adgroup_id", "adgroup_name", "placement_type",
                        "budget_mode", "budget", "optimization_goal", "bid_type", "billing_event",
                        "operation_status", "secondary_status", "schedule_start_time", "schedule_end_time",
                        "create_time", "modify_time"),
        filters={**_STRUCTURE_FILTERS, "adgroup_ids": "ids", "adgroup_name": "str", "bid_strategy": "str",
                 "billing_events": "str_list", "creative_material_mode": "str", "promotion_type": "str",
                 "split_test_enabled": "bool"},
        max_page_size=spec.ENTITY_PAGE_SIZE_MAX, status_filter="primary_status"),
    "ads": EntitySpec(
        name="ads", path=spec.Paths.AD_GET, id_field="ad_id", list_key="list",
        fields=_AD_FIELDS,
        default_fields=("advertiser_id", "campaign_id", "adgroup_id", "ad_id", "ad_name", "ad_format", "ad_text",
                        "call_to_action", "landing_page_url", "video_id", "image_ids", "identity_type",
                        "operation_status", "secondary_status", "create_time", "modify_time"),
        filters={**_STRUCTURE_FILTERS, "adgroup_ids": "ids", "ad_ids": "ids", "ad_name": "str",
                 "creative_material_mode": "str", "destination": "str", "modified_after": "str"},
        max_page_size=spec.ENTITY_PAGE_SIZE_MAX, status_filter="primary_status",
        server_modified_filter="modified_after"),
    "images": EntitySpec(
        name="images", path=spec.Paths.FILE_IMAGE_AD_SEARCH, id_field="image_id", list_key="list",
        fields=_IMAGE_FIELDS, default_fields=_IMAGE_FIELDS, filters={**_ASSET_FILTERS, "image_ids": "ids"},
        max_page_size=spec.ASSET_PAGE_SIZE_MAX, fields_param=False),
    "videos": EntitySpec(
        name="videos", path=spec.Paths.FILE_VIDEO_AD_SEARCH, id_field="video_id", list_key="list",
        fields=_VIDEO_FIELDS,
        default_fields=("video_id", "material_id", "file_name", "format", "duration", "width", "height", "size",
                        "signature", "video_cover_url", "displayable", "create_time", "modify_time"),
        filters={**_ASSET_FILTERS, "video_ids": "ids"},
        max_page_size=spec.ASSET_PAGE_SIZE_MAX, fields_param=False),
    "custom_audiences": EntitySpec(
        name="custom_audiences", path=spec.Paths.DMP_CUSTOM_AUDIENCE_LIST, id_field="audience_id", list_key="list",
        fields=_AUDIENCE_FIELDS, default_fields=_AUDIENCE_FIELDS, filters={"custom_audience_ids": "ids"},
        max_page_size=spec.AUDIENCE_PAGE_SIZE_MAX, fields_param=False,
        query_filters=frozenset({"custom_audience_ids"}), modified_field=None),
    "pixels": EntitySpec(
        name="pixels", path=spec.Paths.PIXEL_LIST, id_field="pixel_id", list_key="pixels",
        fields=_PIXEL_FIELDS, default_fields=_PIXEL_FIELDS,
        filters={"available_for_catalog_only": "bool", "pixel_id": "str", "code": "str", "name": "str"},
        max_page_size=spec.PIXEL_PAGE_SIZE_MAX, fields_param=False,
        query_filters=frozenset({"pixel_id", "code", "name"}), modified_field=None),
    "advertisers": EntitySpec(
        name="advertisers", path=spec.Paths.ADVERTISER_INFO, id_field="advertiser_id", list_key="list",
        fields=ADVERTISER_INFO_FIELDS,
        default_fields=("advertiser_id", "name", "company", "status", "currency", "timezone", "country",
                        "create_time"),
        filters={}, max_page_size=spec.ADVERTISER_INFO_MAX_IDS, modified_field=None, paged=False),
}
#: Other spellings users reach for.
ALIASES = {"campaign": "campaigns", "adgroup": "adgroups", "ad_groups": "adgroups", "ad_group": "adgroups",
           "ad": "ads", "image": "images", "video": "videos", "audiences": "custom_audiences",
           "custom_audience": "custom_audiences", "pixel": "pixels", "advertiser": "advertisers"}

#: The entity served by each path (the emulator's routes).
BY_PATH = {entity.path: entity for entity in ENTITIES.values()}


def closest(name: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The valid name closest to a misspelled ``name`` (or ``None`` when nothing is close)."""
    found = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def suggestion(name: str, choices: tuple[str, ...] | list[str]) -> str:
    """``"; did you mean 'x'?"`` or ``""``."""
    match = closest(name, choices)
    return f"; did you mean {match!r}?" if match else ""


def lookup(entity: str) -> EntitySpec | None:
    key = str(entity).strip().lower()
    return ENTITIES.get(ALIASES.get(key, key))


__all__ = ["ADVERTISER_INFO_FIELDS", "ALIASES", "BY_PATH", "ENTITIES", "EntitySpec", "FilterKind", "closest",
           "lookup", "suggestion"]
