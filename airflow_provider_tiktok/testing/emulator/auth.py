"""Access-Token authentication and advertiser permissions of the business endpoints."""

from __future__ import annotations

import json
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.testing.emulator.state import MarketingToken, State, UserToken
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request


def authenticate(state: State, req: Request) -> MarketingToken | UserToken:
    """Resolve the ``Access-Token`` header.

    TikTok reads the token only from the header: an ``access_token`` query parameter does not
    authenticate and yields 40104 like a missing header.
    """
    token = (req.headers.get("Access-Token") or "").strip()
    if not token:
        raise ApiError(40104, C.MSG_EMPTY_TOKEN)
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
