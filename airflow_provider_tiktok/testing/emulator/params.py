"""Decoding of request parameters (GET query strings carry JSON-encoded lists; POST bodies real JSON)."""

from __future__ import annotations

import json
from typing import Any

from airflow_provider_tiktok.testing.emulator.wire import ApiError


def json_param(params: dict[str, Any], name: str, kind: type = list, required: bool = False) -> Any:
    """Decode a GET parameter sent as a JSON-encoded string (POST bodies carry real JSON)."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise ApiError(40002, f"{name}: Missing data for required field.")
        return None
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ApiError(40002, f"{name}: Not a valid JSON {kind.__name__}.") from None
    if not isinstance(value, kind):
        raise ApiError(40002, f"{name}: Not a valid {kind.__name__}.")
    return value


def str_list_param(params: dict[str, Any], name: str, required: bool = False) -> list[str] | None:
    value = json_param(params, name, list, required)
    if value is None:
        return None
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise ApiError(40002, f"{name}: Not a valid string list.")
        out.append(str(item))
    return out


def bool_param(params: dict[str, Any], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ApiError(40002, f"{name}: Not a valid boolean.")


def int_param(params: dict[str, Any], name: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw)) if not isinstance(raw, bool) else None
    except ValueError:
        value = None
    if value is None:
        raise ApiError(40002, f"{name}: Not a valid integer.")
    if lo is not None and value < lo:
        raise ApiError(40002, f"{name}: Must be greater than or equal to {lo}.")
    if hi is not None and value > hi:
        raise ApiError(40002, f"{name}: Must be less than or equal to {hi}.")
    return value


def str_param(params: dict[str, Any], name: str, required: bool = False) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise ApiError(40002, f"{name}: Missing data for required field.")
        return None
    if isinstance(raw, (dict, list, bool)):
        raise ApiError(40002, f"{name}: Not a valid string.")
    return str(raw)
