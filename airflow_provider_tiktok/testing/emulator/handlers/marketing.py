"""Marketing API OAuth (/oauth2/*) and /advertiser/info/."""

from __future__ import annotations

from typing import Any

from airflow_provider_tiktok.testing.emulator.auth import check_advertisers
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.params import bool_param, str_list_param, str_param
from airflow_provider_tiktok.testing.emulator.state import MarketingToken
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request, Response, ok


def _check_app(emu: Emulator, params: dict[str, Any]) -> str:
    app_id = str_param(params, "app_id", required=True)
    secret = str_param(params, "secret", required=True)
    if app_id != emu.config.app_id or secret != emu.config.app_secret:
        raise ApiError(40101, "Invalid auth parameters: app_id or secret is incorrect.")
    assert app_id is not None
    return app_id


def oauth2_access_token(emu: Emulator, req: Request) -> Response:
    """Exchange a single-use advertiser ``auth_code`` for a long-term (non-expiring) token."""
    params = req.json or {}
    app_id = _check_app(emu, params)
    code = str_param(params, "auth_code", required=True)
    assert code is not None
    if emu.state.consume_auth_code(code, "marketing", app_id) is None:
        raise ApiError(40110, "Auth code is invalid: it has been used, cancelled or has expired.")
    advertiser_ids = [a["advertiser_id"] for a in emu.config.advertisers]
    token = emu.state.issue_marketing_token(app_id, advertiser_ids)
    data: dict[str, Any] = {"access_token": token, "scope": list(emu.state.marketing_tokens[token].scope)}
    if bool_param(params, "return_advertiser_ids", True):
        data["advertiser_ids"] = advertiser_ids
    return ok(data)


def oauth2_advertiser_get(emu: Emulator, req: Request) -> Response:
    """Authorised ad accounts of the token (app credentials in the query, token in the header)."""
    app_id = _check_app(emu, req.query)
    token = req.token
    if not isinstance(token, MarketingToken):
        raise ApiError(40105)
    if token.app_id != app_id:
        raise ApiError(40001, "The access token was not issued to this app.")
    items = []
    for adv_id in token.advertiser_ids:
        adv = emu.state.advertiser(adv_id) or {}
        items.append({"advertiser_id": adv_id, "advertiser_name": adv.get("advertiser_name", f"Advertiser {adv_id}")})
    return ok({"list": items})


def oauth2_revoke_token(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    app_id = _check_app(emu, params)
    value = str_param(params, "access_token", required=True)
    with emu.state.lock:
        token = emu.state.marketing_tokens.get(value or "")
        if token is None or token.revoked or token.app_id != app_id:
            raise ApiError(40105)
        token.revoked = True
    return ok({"app_id": app_id, "advertiser_ids": list(token.advertiser_ids)})


_INFO_FIELDS = (
    "advertiser_id",
    "name",
    "company",
    "status",
    "role",
    "country",
    "currency",
    "timezone",
    "display_timezone",
    "create_time",
    "balance",
    "industry",
)


def advertiser_info(emu: Emulator, req: Request) -> Response:
    """Ad account details; ``timezone`` is the IANA zone the account reports in."""
    ids = str_list_param(req.query, "advertiser_ids", required=True) or []
    if not ids:
        raise ApiError(40002, "advertiser_ids: Missing data for required field.")
    if len(ids) > 100:
        raise ApiError(40002, "advertiser_ids: Length must be between 1 and 100.")
    fields = str_list_param(req.query, "fields") or list(_INFO_FIELDS)
    unknown = [f for f in fields if f not in _INFO_FIELDS]
    if unknown:
        raise ApiError(40002, f"fields: Invalid field(s) {', '.join(unknown)}.")
    check_advertisers(req.token, ids)
    items = []
    for i, adv_id in enumerate(ids):
        adv = emu.state.advertiser(adv_id) or {"advertiser_id": adv_id}
        full = {
            "advertiser_id": adv_id,
            "name": adv.get("advertiser_name", f"Advertiser {adv_id}"),
            "company": "Emulator Company Ltd.",
            "status": "STATUS_ENABLE",
            "role": "ROLE_ADVERTISER",
            "country": adv.get("country", "US"),
            "currency": adv.get("currency", "USD"),
            "timezone": adv.get("timezone", "UTC"),
            "display_timezone": adv.get("timezone", "UTC"),
            "create_time": 1_600_000_000 + 86_400 * emu.state.advertiser_ordinal(adv_id),
            "balance": 1000.0 + i,
            "industry": "290904",
        }
        items.append({f: full[f] for f in fields})
    return ok({"list": items})


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/oauth2/access_token/"): Route(oauth2_access_token, auth=False),
    ("GET", "/oauth2/advertiser/get/"): Route(oauth2_advertiser_get),
    ("POST", "/oauth2/revoke_token/"): Route(oauth2_revoke_token, auth=False),
    ("GET", "/advertiser/info/"): Route(advertiser_info),
}
