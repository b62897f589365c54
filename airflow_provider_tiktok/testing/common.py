"""Helpers shared by the handlers: Access-Token auth, parameter decoding, permissions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from airflow_provider_tiktok.testing import constants as C
from airflow_provider_tiktok.testing.state import MarketingToken, UserToken
from airflow_provider_tiktok.testing.wire import ApiError, Request

if TYPE_CHECKING:
    from airflow_provider_tiktok.testing.emulator import TikTokEmulator


def authenticate(emu: TikTokEmulator, req: Request) -> MarketingToken | UserToken:
    """Resolve the ``Access-Token`` header.

    TikTok reads the token only from the header: an ``access_token`` query parameter does not
    authenticate and yields 40104 like a missing header.
    """
    token = (req.headers.get("Access-Token") or "").strip()
    if not token:
        raise ApiError(40104, C.MSG_EMPTY_TOKEN)
    state = emu.state
    with state.lock:
        mk = state.marketing_tokens.get(token)
        if mk is not None:
            if mk.revoked:
                raise ApiError(40105)
            return mk
        ut = state.user_tokens.get(token)
        if ut is not None and ut.family == "accounts":
            if ut.revoked:
                raise ApiError(40105)
            if state.clock.now() >= ut.expires_at:
                raise ApiError(40102)
            return ut
    raise ApiError(40105)


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


def request_advertiser(req: Request) -> str | None:
    """The advertiser a request acts on (for the per-advertiser QPS bucket)."""
    params = req.params() if req.method == "GET" else (req.json or {})
    adv = params.get("advertiser_id")
    if adv:
        return str(adv)
    ids = params.get("advertiser_ids")
    if isinstance(ids, str):
        try:
            ids = json.loads(ids)
        except ValueError:
            return None
    if isinstance(ids, list) and ids:
        return str(ids[0])
    return None


def check_advertisers(token: Any, advertiser_ids: list[str]) -> None:
    """40001 unless the token was authorised for every advertiser."""
    allowed = token.advertiser_ids if isinstance(token, MarketingToken) else []
    for adv in advertiser_ids:
        if adv not in allowed:
            raise ApiError(40001, f"No permission to operate advertiser {adv}")
