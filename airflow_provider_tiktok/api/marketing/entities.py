"""Marketing API entity lists (campaigns, ad groups, ads, creatives, audiences, pixels, advertisers).

:class:`EntityRequest` validates everything on construction against the
:mod:`catalog <.entities_catalog>` (entity, ``fields``, ``filtering`` keys and values, ``page_size``,
``include_deleted``, ``updated_since``), so a bad argument raises :class:`TikTokValidationError`
naming the closest valid name before any HTTP call. :func:`entity_page` builds the ``ApiCall`` of one
page; the hook pages with :func:`~airflow_provider_tiktok.api.core.pager.iter_numbered_pages`.

Deleted entities: TikTok's ``/campaign/get/``, ``/adgroup/get/`` and ``/ad/get/`` hide them unless
``filtering.primary_status`` asks for them; ``include_deleted=True`` sends ``STATUS_ALL``.

``updated_since``: rows whose ``modify_time`` is older are dropped **client-side** (every page is still
read); ``/ad/get/`` also gets TikTok's own ``filtering.modified_after``, so fewer ads travel.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.pager import NumberedPage
from airflow_provider_tiktok.api.core.params import check_id, parse_field_list, parse_json
from airflow_provider_tiktok.api.marketing.entities_catalog import ENTITIES, EntitySpec, lookup, suggestion

MAX_LISTED = 5


@dataclass
class EntityStats:
    """What one extraction read: pages, rows TikTok sent (``received``) and rows kept after ``updated_since``."""

    pages: int = 0
    received: int = 0
    kept: int = 0


def parse_updated_since(value: Any) -> str | None:
    """``updated_since`` as TikTok's UTC ``YYYY-MM-DD HH:MM:SS`` (naive values are taken as UTC)."""
    if value in (None, ""):
        return None
    moment: dt.datetime
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise TikTokValidationError(
                f"updated_since must be a datetime or an ISO date/time such as '2024-01-31' or "
                f"'2024-01-31T00:00:00+00:00', got {value!r}") from None
    else:
        raise TikTokValidationError(f"updated_since must be a datetime or an ISO string, got {type(value).__name__}")
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.strftime(spec.ENTITY_TIME_FORMAT)


def resolve_entity(entity: Any) -> EntitySpec:
    found = lookup(entity) if isinstance(entity, str) else None
    if found is None:
        raise TikTokValidationError(
            f"entity {entity!r} is not one of {sorted(ENTITIES)}{suggestion(str(entity), list(ENTITIES))}")
    return found


def _check_fields(entity: EntitySpec, fields: Any) -> tuple[str, ...]:
    names = parse_field_list(fields, "fields", required=False)
    if not names:
        return entity.default_fields
    problems = [f"{name!r} is not a field of TikTok {entity.name}{suggestion(name, entity.fields)}"
                for name in names if name not in entity.fields]
    if problems:
        more = len(problems) - MAX_LISTED
        raise TikTokValidationError("fields: " + "; ".join(problems[:MAX_LISTED]) +
                                    (f" (and {more} more)" if more > 0 else ""))
    return names


def _check_filter_value(entity: EntitySpec, key: str, value: Any) -> Any:
    kind = entity.filters[key]
    what = f"filtering.{key}"
    if kind == "ids":
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, (list, tuple)) or not value:
            raise TikTokValidationError(f"{what} must be a non-empty list of ids, got {value!r}")
        if len(value) > spec.FILTER_IDS_MAX:
            raise TikTokValidationError(f"{what} holds at most {spec.FILTER_IDS_MAX} ids, got {len(value)}")
        return [str(v).strip() for v in value]
    if kind == "status":
        text = str(value).strip().upper()
        if text not in spec.PRIMARY_STATUSES:
            raise TikTokValidationError(f"{what} must be one of {sorted(spec.PRIMARY_STATUSES)}, got {value!r}"
                                        f"{suggestion(text, sorted(spec.PRIMARY_STATUSES))}")
        return text
    if kind == "bool":
        if not isinstance(value, bool):
            raise TikTokValidationError(f"{what} must be true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TikTokValidationError(f"{what} must be an integer, got {value!r}")
        return value
    if kind in ("str_list", "float_list"):
        if not isinstance(value, (list, tuple)) or not value:
            raise TikTokValidationError(f"{what} must be a non-empty list, got {value!r}")
        if kind == "float_list":
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
                raise TikTokValidationError(f"{what} must be a list of numbers, got {value!r}")
            return [float(v) for v in value]
        return [str(v) for v in value]
    if isinstance(value, (dict, list, tuple)) or value in (None, ""):
        raise TikTokValidationError(f"{what} must be a text value, got {value!r}")
    return str(value)


def _check_filtering(entity: EntitySpec, filtering: Any) -> dict[str, Any]:
    if filtering in (None, "", {}):
        return {}
    if isinstance(filtering, str):
        filtering = parse_json(filtering, "filtering")
    if not isinstance(filtering, Mapping):
        raise TikTokValidationError(
            f"filtering of {entity.name} is an object such as {{'campaign_ids': ['1']}}, got {filtering!r}")
    unknown = [str(k) for k in filtering if k not in entity.filters]
    if unknown:
        keys = ", ".join(f"{k!r}{suggestion(k, entity.filter_keys)}" for k in unknown[:MAX_LISTED])
        valid = ", ".join(entity.filter_keys) or "none"
        raise TikTokValidationError(f"filtering: {keys} not a filtering key of TikTok {entity.name} "
                                    f"(valid keys: {valid})")
    return {str(k): _check_filter_value(entity, str(k), v) for k, v in filtering.items()}


@dataclass(frozen=True)
class EntityRequest:
    """One entity list of one advertiser, validated on construction.

    :param entity: ``campaigns``, ``adgroups``, ``ads``, ``images``, ``videos``, ``custom_audiences``,
        ``pixels`` or ``advertisers`` (singular and ``ad_groups`` / ``audiences`` spellings work too).
    :param advertiser_id: the ad account.
    :param fields: field names (list, JSON array or comma-separated); the entity's defaults when empty.
        Endpoints without a TikTok ``fields`` parameter (images, videos, audiences, pixels) send every
        field; the requested ones are kept.
    :param filtering: TikTok's ``filtering`` object for the entity (dict or JSON string).
    :param include_deleted: also list deleted campaigns / ad groups / ads (``primary_status=STATUS_ALL``).
    :param updated_since: keep rows whose ``modify_time`` is at or after this UTC time (client-side).
    :param page_size: rows per page, 1..the entity's maximum (default: the maximum).
    """

    entity: str
    advertiser_id: str
    fields: Any = None
    filtering: Any = None
    include_deleted: bool = False
    updated_since: Any = None
    page_size: int | None = None
    entity_spec: EntitySpec = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entity = resolve_entity(self.entity)
        set_ = object.__setattr__
        set_(self, "entity_spec", entity)
        set_(self, "entity", entity.name)
        set_(self, "advertiser_id", check_id(self.advertiser_id, "advertiser_id"))
        set_(self, "fields", _check_fields(entity, self.fields))
        filtering = _check_filtering(entity, self.filtering)
        if not isinstance(self.include_deleted, bool):
            raise TikTokValidationError(f"include_deleted must be True or False, got {self.include_deleted!r}")
        if self.include_deleted:
            if entity.status_filter is None:
                raise TikTokValidationError(
                    f"include_deleted applies to campaigns, adgroups and ads; TikTok {entity.name} have no "
                    "deleted status: drop include_deleted")
            given = filtering.get(entity.status_filter)
            if given not in (None, spec.STATUS_ALL, spec.STATUS_DELETE):
                raise TikTokValidationError(
                    f"include_deleted=True conflicts with filtering.{entity.status_filter}={given!r}: drop one")
            filtering.setdefault(entity.status_filter, spec.STATUS_ALL)
        since = parse_updated_since(self.updated_since)
        if since is not None:
            if entity.modified_field is None:
                raise TikTokValidationError(
                    f"updated_since needs a modify_time, which TikTok {entity.name} do not have: drop updated_since")
            if entity.server_modified_filter:
                filtering.setdefault(entity.server_modified_filter, since)
        set_(self, "updated_since", since)
        set_(self, "filtering", filtering)
        size = entity.max_page_size if self.page_size is None else self.page_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= entity.max_page_size:
            raise TikTokValidationError(
                f"page_size of {entity.name} must be an integer from 1 to {entity.max_page_size} "
                f"(TikTok's maximum), got {self.page_size!r}")
        set_(self, "page_size", size)

    # -- what is sent and kept --------------------------------------------------------------------

    @property
    def columns(self) -> tuple[str, ...]:
        """Output columns: ``advertiser_id`` first, then the requested fields."""
        return ("advertiser_id", *(f for f in self.fields if f != "advertiser_id"))

    @property
    def request_fields(self) -> tuple[str, ...]:
        """``fields`` sent to TikTok: the requested ones, plus ``modify_time`` when ``updated_since`` needs it."""
        modified = self.entity_spec.modified_field
        if self.updated_since and modified and modified not in self.fields:
            return (*self.fields, modified)
        return tuple(self.fields)

    def page_params(self, page: int) -> dict[str, Any]:
        entity = self.entity_spec
        params: dict[str, Any] = {"advertiser_id": self.advertiser_id, "page": page, "page_size": self.page_size}
        if entity.fields_param:
            params["fields"] = list(self.request_fields)
        body = {k: v for k, v in self.filtering.items() if k not in entity.query_filters}
        params.update({k: v for k, v in self.filtering.items() if k in entity.query_filters})
        if body:
            params["filtering"] = body
        return params

    def keep(self, row: Mapping[str, Any]) -> bool:
        """``updated_since`` (client-side): rows without a ``modify_time`` are kept."""
        if not self.updated_since or not self.entity_spec.modified_field:
            return True
        stamp = row.get(self.entity_spec.modified_field)
        return not stamp or str(stamp) >= self.updated_since

    def shape(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The output row: the columns in order, ids as strings, missing fields as ``None``."""
        out: dict[str, Any] = {}
        for name in self.columns:
            value = row.get(name)
            if name == "advertiser_id" and value is None:
                value = self.advertiser_id
            out[name] = _typed_id(name, value)
        return out


def _typed_id(name: str, value: Any) -> Any:
    """Ids are text in every row (TikTok sends some as numbers): ``123`` -> ``"123"``."""
    if value is None or isinstance(value, bool):
        return value
    if name.endswith("_id") and isinstance(value, int):
        return str(value)
    if name.endswith("_ids") and isinstance(value, list):
        return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
    return value


def csv_cell(value: Any) -> Any:
    """A CSV cell: lists / objects as compact JSON, booleans as ``true`` / ``false``, ``None`` as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return value


def csv_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: csv_cell(v) for k, v in row.items()}


def entity_page(request: EntityRequest, page: int) -> ApiCall[NumberedPage]:
    """``GET <entity path>`` for page ``page`` (1-based)."""
    if not request.entity_spec.paged:
        raise TikTokValidationError(f"{request.entity} are not paged: use the advertiser info call")
    list_key = request.entity_spec.list_key
    return ApiCall("GET", request.entity_spec.path, params=request.page_params(page),
                   parse=lambda data: NumberedPage.from_data(data, items_key=list_key))


def advertiser_batches(advertiser_ids: Any, batch_size: int = spec.ADVERTISER_INFO_MAX_IDS) -> list[list[str]]:
    """Advertiser ids (validated) in batches of at most ``/advertiser/info/``'s 100."""
    if not 1 <= batch_size <= spec.ADVERTISER_INFO_MAX_IDS:
        raise TikTokValidationError(f"batch_size must be 1..{spec.ADVERTISER_INFO_MAX_IDS}, got {batch_size}")
    ids = [check_id(i, "advertiser_ids") for i in advertiser_ids]
    if not ids:
        raise TikTokValidationError("advertiser info needs at least one advertiser id")
    return [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]


__all__ = ["EntityRequest", "EntityStats", "advertiser_batches", "csv_cell", "csv_row", "entity_page",
           "parse_updated_since", "resolve_entity"]
