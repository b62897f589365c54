"""Entity lists: /campaign/get/, /adgroup/get/, /ad/get/, /file/image|video/ad/search/, audiences, pixels.

Like TikTok: ``page`` >= 1 and ``page_size`` 1..the endpoint's maximum (else 40002), unknown ``fields``
or ``filtering`` keys -> 40002, deleted campaigns / ad groups / ads only with
``filtering.primary_status`` ``STATUS_ALL`` or ``STATUS_DELETE``, ``data.page_info`` with
``total_number`` and ``total_page``. Applied filters: id lists, ``primary_status``, ``pixel_id``, ads'
``modified_after`` and exact / name-substring matches on fields the rows carry; other documented keys
are accepted and ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing.entities_catalog import BY_PATH, EntitySpec
from airflow_provider_tiktok.testing.emulator import entities_data as D
from airflow_provider_tiktok.testing.emulator.auth import check_advertisers
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.params import int_param, json_param, str_list_param, str_param
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request, Response, ok

_DEFAULT_PAGE_SIZE = {"images": 20, "videos": 20}
_NAME_KEYS = {"campaign_name", "adgroup_name", "ad_name", "name"}
_UNAPPLIED = {"material_ids", "ratio", "creation_filter_start_time", "creation_filter_end_time", "buying_types",
              "campaign_system_origins", "billing_events", "creative_campaign_type", "available_for_catalog_only",
              "code", "bid_strategy", "split_test_enabled", "destination", "campaign_product_source"}


def _filtering(entity: EntitySpec, req: Request) -> dict[str, Any]:
    body = json_param(req.query, "filtering", dict) or {}
    for key in entity.query_filters:
        if key in body:  # TikTok takes these only as query parameters
            raise ApiError(40002, f"filtering.{key}: Unknown field.")
        if entity.filters.get(key) == "ids":
            value: Any = str_list_param(req.query, key)
        else:
            value = str_param(req.query, key)
        if value:
            body[key] = value
    for key in body:
        if key not in entity.filters:
            raise ApiError(40002, f"filtering.{key}: Unknown field.")
    status = body.get("primary_status")
    if status is not None and status not in spec.PRIMARY_STATUSES:
        raise ApiError(40002, f"filtering.primary_status: Must be one of: {', '.join(sorted(spec.PRIMARY_STATUSES))}.")
    return body


def _domain(entity: EntitySpec, live: int, deleted: int, status: str | None) -> Sequence[int]:
    if entity.name not in D.LEVELS:
        return range(live)
    if status == spec.STATUS_ALL:
        return range(live + deleted)
    if status == spec.STATUS_DELETE:
        return range(live, live + deleted)
    if status in (None, spec.STATUS_NOT_DELETE, "STATUS_DELIVERY_OK"):
        return range(live)
    return range(0)  # STATUS_DISABLE / STATUS_NOT_DELIVERY: every live emulator entity is delivering


def _select(emu: Emulator, entity: EntitySpec, advertiser_id: str, filters: dict[str, Any]) -> Sequence[int]:
    ordinal = emu.state.advertiser_ordinal(advertiser_id)
    ads = emu.config.ads_for(advertiser_id)
    live = D.live_count(entity.name, ads)
    deleted = max(0, emu.config.deleted_entities) if entity.name in D.LEVELS else 0
    indices: Sequence[int] = _domain(entity, live, deleted, filters.get("primary_status"))
    for key, value in filters.items():
        if entity.filters.get(key) == "ids" or key == "pixel_id":
            wanted = D.ids_to_indices(entity.name, key, [str(v) for v in (value if isinstance(value, list) else
                                                                         [value])], ordinal)
            indices = [i for i in sorted(wanted) if i in indices]
    scans = {k: v for k, v in filters.items()
             if k not in _UNAPPLIED and k != "primary_status" and entity.filters.get(k) != "ids" and k != "pixel_id"}
    if scans:
        indices = [i for i in indices if _matches(D.row_for(entity, advertiser_id, ordinal, i, live), scans)]
    return indices


def _matches(row: dict[str, Any], scans: dict[str, Any]) -> bool:
    for key, value in scans.items():
        if key == "modified_after":
            if str(row.get("modify_time") or "") < str(value):
                return False
        elif key in _NAME_KEYS:
            name_field = key if key in row else next((k for k in row if k.endswith("_name")), key)
            if str(value).lower() not in str(row.get(name_field, "")).lower():
                return False
        elif key in row and row[key] != value:
            return False
    return True


def entity_list(emu: Emulator, req: Request) -> Response:
    entity = BY_PATH[req.key]
    advertiser_id = str_param(req.query, "advertiser_id", required=True) or ""
    check_advertisers(req.token, [advertiser_id])
    page = int_param(req.query, "page", 1, lo=1)
    page_size = int_param(req.query, "page_size", _DEFAULT_PAGE_SIZE.get(entity.name, 10), lo=1,
                          hi=entity.max_page_size)
    fields: Sequence[str] = entity.fields
    if entity.fields_param:
        asked = str_list_param(req.query, "fields")
        if asked:
            unknown = [f for f in asked if f not in entity.fields]
            if unknown:
                raise ApiError(40002, f"fields: Invalid field(s) {', '.join(unknown)}.")
            fields = asked
    filters = _filtering(entity, req)
    indices = _select(emu, entity, advertiser_id, filters)
    total = len(indices)
    total_page = -(-total // page_size) if total else 0
    ordinal = emu.state.advertiser_ordinal(advertiser_id)
    live = D.live_count(entity.name, emu.config.ads_for(advertiser_id))
    rows = []
    for index in indices[(page - 1) * page_size: page * page_size]:
        full = D.row_for(entity, advertiser_id, ordinal, index, live)
        rows.append({f: full.get(f) for f in fields})
    info = {"page": page, "page_size": page_size, "total_number": total, "total_page": total_page}
    return ok({entity.list_key: rows, "page_info": info})


ROUTES: dict[tuple[str, str], Route] = {("GET", path): Route(entity_list) for path in BY_PATH
                                        if path != spec.Paths.ADVERTISER_INFO}
