"""Validation of request parameters shared by every TikTok request model (no Airflow import).

Users hand parameters over as Python lists, JSON strings (templated fields render to strings) or
comma-separated text; these functions accept all three and raise
:class:`~airflow_provider_tiktok.api.core.errors.TikTokValidationError` naming the parameter to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.errors import TikTokValidationError

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_ID_RE = re.compile(r"^\d{1,32}$")


def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise TikTokValidationError(f"{what} is not valid JSON: {text!r}") from None


def parse_field_list(value: Any, what: str, *, required: bool) -> tuple[str, ...]:
    """A list of TikTok field names from a list/tuple, a JSON array string or a comma-separated string."""
    items: Any = () if value is None else value
    if isinstance(value, str):
        text = value.strip()
        split = [part.strip() for part in text.split(",") if part.strip()]
        items = parse_json(text, what) if text.startswith("[") else split
    if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) for i in items):
        raise TikTokValidationError(
            f"{what} must be a list of field names (or a JSON array / comma-separated string), got {value!r}")
    names = tuple(i.strip() for i in items)
    if not names and required:
        raise TikTokValidationError(f"{what} is required: give a list such as ['campaign_id', 'stat_time_day']")
    bad = [n for n in names if not _NAME_RE.match(n)]
    if bad:
        raise TikTokValidationError(f"{what}: {bad} are not TikTok field names (lowercase letters, digits, _)")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise TikTokValidationError(f"{what}: {dupes} given more than once")
    return names


def check_id(value: Any, what: str) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if not _ID_RE.match(text):
        raise TikTokValidationError(f"{what} must be a numeric TikTok id, got {value!r}")
    return text


def normalize_enum(value: Any, allowed: frozenset[str], what: str, *, required: bool = False) -> str | None:
    """One case rule for every TikTok enumeration: surrounding blanks dropped, upper-cased, then checked.

    ``None`` / ``""`` give ``None`` (or an error when ``required``).
    """
    if value is None or value == "":
        if required:
            raise TikTokValidationError(f"{what} is required; use one of {sorted(allowed)}")
        return None
    text = str(value).strip().upper()
    if text not in allowed:
        raise TikTokValidationError(f"{what} must be one of {sorted(allowed)}, got {value!r}")
    return text


def normalize_filtering(filtering: Any) -> list[dict[str, str]] | None:
    """Validate ``filtering``; list values of IN/NOT_IN/CONTAIN_ANY_OF/BETWEEN become JSON strings."""
    if filtering in (None, "", []):
        return None
    if isinstance(filtering, str):
        filtering = parse_json(filtering, "filtering")
    if not isinstance(filtering, (list, tuple)):
        raise TikTokValidationError("filtering must be a list of {field_name, filter_type, filter_value} objects")
    out = []
    for i, item in enumerate(filtering):
        if not isinstance(item, Mapping) or any(item.get(k) in (None, "") for k in
                                                 ("field_name", "filter_type", "filter_value")):
            raise TikTokValidationError(
                f"filtering[{i}] must have field_name, filter_type and filter_value, got {item!r}")
        filter_type = normalize_enum(item["filter_type"], spec.FILTER_TYPES, f"filtering[{i}].filter_type",
                                     required=True)
        value = item["filter_value"]
        if filter_type in spec.LIST_FILTER_TYPES:
            if isinstance(value, str):
                value = parse_json(value, f"filtering[{i}].filter_value")
            if not isinstance(value, (list, tuple)):
                raise TikTokValidationError(f"filtering[{i}].filter_value must be a list for {filter_type}")
            if filter_type == "BETWEEN" and len(value) != 2:
                raise TikTokValidationError(f"filtering[{i}].filter_value: BETWEEN needs exactly 2 values")
            value = json.dumps([str(v) for v in value], separators=(",", ":"))
        out.append({"field_name": str(item["field_name"]), "filter_type": str(filter_type),
                    "filter_value": str(value)})
    return out


def parse_advertiser_ids(value: Any, *, what: str = "advertiser_ids") -> list[str]:
    """Accept ``"1,2"``, ``'["1","2"]'``, ``[1, 2]`` or one id; return ids as strings."""
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise TikTokValidationError(f"{what} is not a valid JSON list: {value!r}") from None
        else:
            value = [part for part in re.split(r"[,\s]+", text) if part]
    if isinstance(value, (int, str)):
        value = [value]
    ids = [str(v).strip() for v in value]
    bad = [i for i in ids if not i.isdigit()]
    if bad:
        raise TikTokValidationError(f"{what} must be numeric TikTok ids, got {bad}")
    return ids
