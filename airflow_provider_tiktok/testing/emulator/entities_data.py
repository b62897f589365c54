"""Deterministic entities of each advertiser, derived from the same source as the report rows.

The report data (:mod:`.data`) addresses an advertiser's ads by index ``0 .. ads-1`` (``ads`` is the
``ads_per_advertiser`` knob), ad ``i`` belonging to ad group ``i >> 1`` and campaign ``i >> 2``, with ids
from :func:`.data.entity_id`. The entity lists use the same indices and ids, so the ads ``/ad/get/``
lists are exactly the ads that appear in reports. After the live entities of each level come
``deleted_entities`` deleted ones (``operation_status`` ``DELETE``), which reports never show and the
lists hide unless ``filtering.primary_status`` asks for them.

Creatives follow the ads: ad ``i`` plays video ``i >> 1`` and shows image ``i >> 2``. Every row is
computed from its index alone, so a page of 1,000 out of 100,000 ads costs 1,000 rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing.entities_catalog import EntitySpec
from airflow_provider_tiktok.testing.emulator.data import entity_count, entity_id, mix64, parse_entity_id

#: Level of each structure entity in the report data (1 campaign, 2 ad group, 3 ad).
LEVELS = {"campaigns": 1, "adgroups": 2, "ads": 3}
AUDIENCES_PER_ADVERTISER = 3
PIXELS_PER_ADVERTISER = 2
_EPOCH = dt.datetime(2024, 1, 1)
_THIRTY_DAYS = 30 * 86_400


def live_count(entity: str, ads: int) -> int:
    if entity in LEVELS:
        return entity_count(ads, LEVELS[entity])
    if entity == "videos":
        return entity_count(ads, 2)
    if entity == "images":
        return entity_count(ads, 1)
    if entity == "custom_audiences":
        return AUDIENCES_PER_ADVERTISER
    if entity == "pixels":
        return PIXELS_PER_ADVERTISER
    return 1


def stamp(seconds: int) -> str:
    return (_EPOCH + dt.timedelta(seconds=seconds)).strftime(spec.ENTITY_TIME_FORMAT)


def times(entity: str, ordinal: int, index: int, deleted: bool) -> tuple[str, str]:
    """(create_time, modify_time): created one minute apart, modified up to 30 days later (deleted: later)."""
    created = ordinal * 86_400 + index * 60
    modified = created + mix64((ordinal << 40) ^ (index << 4) ^ len(entity)) % _THIRTY_DAYS
    if deleted:
        modified += _THIRTY_DAYS
    return stamp(created), stamp(modified)


def asset_id(entity: str, ordinal: int, index: int) -> str:
    if entity == "images":
        return f"ad-site-i18n-sg/emulator{ordinal:03d}{index:010d}"
    if entity == "videos":
        return f"v10033g50000emulator{ordinal:03d}{index:010d}"
    if entity == "custom_audiences":
        return f"21{ordinal:03d}{index:014d}"
    return f"73{ordinal:03d}{index:014d}"  # pixels


def _ancestors(level: int, ordinal: int, index: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, parent in (("campaign", 1), ("adgroup", 2)):
        if parent < level:
            parent_index = index >> (level - parent)
            out[f"{name}_id"] = entity_id(parent, ordinal, parent_index)
            word = "Campaign" if parent == 1 else "Ad Group"
            out[f"{name}_name"] = f"Emulator {word} {ordinal:03d}-{parent_index:05d}"
    return out


def structure_row(entity: str, advertiser_id: str, ordinal: int, index: int, deleted: bool) -> dict[str, Any]:
    """Every catalog field of campaign / ad group / ad ``index`` (names match the report's ``*_name``)."""
    level = LEVELS[entity]
    created, modified = times(entity, ordinal, index, deleted)
    own = entity_id(level, ordinal, index)
    row: dict[str, Any] = {"advertiser_id": advertiser_id, **_ancestors(level, ordinal, index),
                           "operation_status": "DELETE" if deleted else "ENABLE",
                           "secondary_status": f"{entity[:-1].upper()}_STATUS_DELETE" if deleted
                           else f"{entity[:-1].upper()}_STATUS_DELIVERY_OK",
                           "create_time": created, "modify_time": modified, "is_new_structure": True,
                           "budget_mode": "BUDGET_MODE_DAY", "budget": float(50 + index % 50),
                           "campaign_automation_type": "MANUAL"}
    if level == 1:
        row.update(campaign_id=own, campaign_name=f"Emulator Campaign {ordinal:03d}-{index:05d}",
                   objective_type="TRAFFIC", objective="LANDING_PAGE", campaign_type="REGULAR_CAMPAIGN",
                   is_smart_performance_campaign=False, is_search_campaign=False, budget_optimize_on=False)
    elif level == 2:
        row.update(adgroup_id=own, adgroup_name=f"Emulator Ad Group {ordinal:03d}-{index:05d}",
                   placement_type="PLACEMENT_TYPE_NORMAL", placements=["PLACEMENT_TIKTOK"],
                   optimization_goal="CLICK", bid_type="BID_TYPE_NO_BID", billing_event="CPC",
                   pacing="PACING_MODE_SMOOTH", promotion_type="WEBSITE", schedule_type="SCHEDULE_FROM_NOW",
                   schedule_start_time=created, schedule_end_time=None, location_ids=["6252001"],
                   age_groups=["AGE_25_34"], gender="GENDER_UNLIMITED", comment_disabled=False)
    else:
        row.update(ad_id=own, ad_name=f"Emulator Ad {ordinal:03d}-{index:05d}", ad_text=f"Emulator ad text {index}",
                   ad_format="SINGLE_VIDEO", call_to_action="LEARN_MORE",
                   landing_page_url=f"https://example.com/landing/{ordinal}/{index}",
                   video_id=asset_id("videos", ordinal, index >> 1),
                   image_ids=[asset_id("images", ordinal, index >> 2)], identity_type="CUSTOMIZED_USER",
                   display_name="Emulator", is_aco=False, creative_authorized=False)
    return row


def asset_row(entity: str, ordinal: int, index: int) -> dict[str, Any]:
    """Every catalog field of image / video / custom audience / pixel ``index``."""
    created, modified = times(entity, ordinal, index, False)
    own = asset_id(entity, ordinal, index)
    if entity == "images":
        return {"image_id": own, "material_id": f"70{ordinal:03d}{index:014d}", "file_name": f"image_{index}.jpg",
                "format": "jpeg", "width": 1200, "height": 628, "size": 80_000 + index % 1000,
                "signature": f"{mix64(index + (ordinal << 32)):016x}", "image_url": f"https://example.com/i/{own}",
                "is_carousel_usable": True, "displayable": True, "create_time": created, "modify_time": modified}
    if entity == "videos":
        return {"video_id": own, "material_id": f"71{ordinal:03d}{index:014d}", "file_name": f"video_{index}.mp4",
                "format": "mp4", "duration": 15.0, "width": 720, "height": 1280, "bit_rate": 2_000_000,
                "size": 4_000_000 + index % 1000, "signature": f"{mix64(index + (ordinal << 33)):016x}",
                "video_cover_url": f"https://example.com/v/{own}.jpg", "preview_url": f"https://example.com/v/{own}",
                "preview_url_expire_time": stamp(10 * 365 * 86_400), "allowed_placements": ["PLACEMENT_TIKTOK"],
                "allow_download": True, "displayable": True, "fix_task_id": None, "flaw_types": [],
                "create_time": created, "modify_time": modified}
    if entity == "custom_audiences":
        return {"audience_id": own, "name": f"Emulator Audience {ordinal:03d}-{index}",
                "audience_type": "Customer File",
                "cover_num": 1000 * (index + 1), "is_valid": True, "is_expiring": False, "is_creator": True,
                "shared": False, "calculate_type": "MULTIPLE_TYPES", "create_time": created,
                "expired_time": stamp(365 * 86_400 * 2)}
    return {"pixel_id": own, "pixel_code": f"CEMU{ordinal:03d}{index:04d}", "pixel_name": f"Emulator Pixel {index}",
            "pixel_category": "ONLINE", "pixel_setup_mode": "DEVELOPER", "activity_status": "ACTIVE",
            "events": [{"event_type": "COMPLETE_PAYMENT", "name": "Purchase"}], "create_time": created}


def row_for(entity: EntitySpec, advertiser_id: str, ordinal: int, index: int, live: int) -> dict[str, Any]:
    if entity.name in LEVELS:
        return structure_row(entity.name, advertiser_id, ordinal, index, index >= live)
    return asset_row(entity.name, ordinal, index)


def ids_to_indices(entity: str, filter_key: str, ids: list[str], ordinal: int) -> set[int]:
    """Indices of ``entity`` selected by an id filter (``campaign_ids`` of ads: their children)."""
    if entity not in LEVELS:
        prefix = asset_id(entity, ordinal, 0)[:-10]  # every asset id ends with its 10-digit index
        return {int(raw[-10:]) for raw in ids if raw.startswith(prefix) and raw[-10:].isdigit()}
    level = LEVELS[entity]
    wanted: set[int] = set()
    for raw in ids:
        parsed = parse_entity_id(raw)
        if parsed is None or parsed[1] != ordinal:
            continue
        id_level, _ord, index = parsed
        if f"{('campaign', 'adgroup', 'ad')[id_level - 1]}_ids" != filter_key or id_level > level:
            continue
        shift = level - id_level
        wanted.update(range(index << shift, (index + 1) << shift))
    return wanted


__all__ = ["LEVELS", "asset_id", "ids_to_indices", "live_count", "row_for", "structure_row", "times"]
