"""TikTok Accounts API on the business host: /tt_user/oauth2/*, /tt_user/token_info/get/, /business/get/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.testing.emulator.data import stable_int
from airflow_provider_tiktok.testing.emulator.interface import Emulator, Route
from airflow_provider_tiktok.testing.emulator.params import str_list_param, str_param
from airflow_provider_tiktok.testing.emulator.state import RefreshToken, UserToken
from airflow_provider_tiktok.testing.emulator.wire import ApiError, Request, Response, ok

LIFETIME_FIELDS = (
    "is_business_account",
    "profile_image",
    "username",
    "profile_deep_link",
    "display_name",
    "bio_description",
    "is_verified",
    "following_count",
    "followers_count",
    "total_likes",
    "videos_count",
    "audience_ages",
    "audience_genders",
    "audience_countries",
    "audience_cities",
)
DAILY_FIELDS = (
    "video_views",
    "unique_video_views",
    "profile_views",
    "likes",
    "comments",
    "shares",
    "phone_number_clicks",
    "lead_submissions",
    "app_download_clicks",
    "bio_link_clicks",
    "email_clicks",
    "address_clicks",
    "daily_total_followers",
    "daily_new_followers",
    "daily_lost_followers",
    "audience_activity",
    "engaged_audience",
)
DEFAULT_FIELDS = ["display_name", "profile_image"]


def _check_client(emu: Emulator, params: dict[str, Any], id_key: str = "client_id") -> str:
    client_id = str_param(params, id_key, required=True)
    secret = str_param(params, "client_secret", required=True)
    if client_id != emu.config.accounts_app_id or secret != emu.config.accounts_app_secret:
        raise ApiError(40101, "Invalid auth parameters: client_id or client_secret is incorrect.")
    assert client_id is not None
    return client_id


def _token_data(emu: Emulator, access: UserToken, refresh: RefreshToken) -> dict[str, Any]:
    now = emu.state.clock.now()
    return {
        "access_token": access.token,
        "token_type": "Bearer",
        "scope": access.scope,
        "expires_in": round(access.expires_at - now),
        "refresh_token": refresh.token,
        # TikTok's sample refresh response shows the *remaining* refresh lifetime here.
        "refresh_token_expires_in": round(refresh.expires_at - now),
        "open_id": access.open_id,
    }


def tt_user_token(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    client_id = _check_client(emu, params)
    if str_param(params, "grant_type", required=True) != "authorization_code":
        raise ApiError(40108, "Invalid grant_type, it should be authorization_code.")
    code = str_param(params, "auth_code", required=True)
    redirect_uri = str_param(params, "redirect_uri", required=True)
    rec = emu.state.consume_auth_code(code or "", "accounts", client_id)
    if rec is None:
        raise ApiError(40110, "Auth code is invalid: it has been used, cancelled or has expired.")
    if rec.redirect_uri != redirect_uri:
        raise ApiError(40110, "redirect_uri does not match the one used to obtain the auth code.")
    access, refresh = emu.state.issue_user_tokens(
        "accounts", client_id, emu.config.accounts_open_id, rec.scope or C.DEFAULT_ACCOUNTS_SCOPE
    )
    return ok(_token_data(emu, access, refresh))


def tt_user_refresh_token(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    client_id = _check_client(emu, params)
    if str_param(params, "grant_type", required=True) != "refresh_token":
        raise ApiError(40108, "Invalid grant_type, it should be refresh_token.")
    value = str_param(params, "refresh_token", required=True) or ""
    state = emu.state
    with state.lock:
        old = state.refresh_tokens.get(value)
        if old is None or old.revoked or old.family != "accounts" or old.client_id != client_id:
            raise ApiError(40107)
        if state.clock.now() >= old.expires_at:
            raise ApiError(40103)
        access, refresh = state.refresh_user_tokens(old, rotate=emu.config.rotate_refresh_tokens)
    return ok(_token_data(emu, access, refresh))


def tt_user_revoke(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    client_id = _check_client(emu, params)
    value = str_param(params, "access_token", required=True) or ""
    with emu.state.lock:
        token = emu.state.user_tokens.get(value)
        if token is None or token.family != "accounts" or token.client_id != client_id or token.revoked:
            raise ApiError(40105)
        emu.state.revoke_user_token(token)
    return ok({})


def tt_user_token_info(emu: Emulator, req: Request) -> Response:
    params = req.json or {}
    app_id = str_param(params, "app_id", required=True)
    value = str_param(params, "access_token", required=True) or ""
    with emu.state.lock:
        token = emu.state.user_tokens.get(value)
    if token is None or token.family != "accounts" or token.revoked:
        raise ApiError(40105)
    if token.client_id != app_id:
        raise ApiError(40001, "The access token was not issued to this app.")
    if emu.state.clock.now() >= token.expires_at:
        raise ApiError(40102)
    return ok({"app_id": app_id, "creator_id": token.open_id, "scope": token.scope})


def _utc_date(value: str | None, name: str, default: dt.date) -> dt.date:
    if value is None:
        return default
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(40002, f"{name}: Invalid date format, it should be YYYY-MM-DD.") from None


def business_get(emu: Emulator, req: Request) -> Response:
    """Profile (lifetime fields at top level) and daily ``metrics`` of a TikTok business account."""
    token = req.token
    business_id = str_param(req.query, "business_id", required=True)
    if not isinstance(token, UserToken) or token.open_id != business_id:
        raise ApiError(40001, f"No permission to operate business_id {business_id}")
    today = dt.datetime.fromtimestamp(emu.state.clock.now(), dt.timezone.utc).date()
    start = _utc_date(str_param(req.query, "start_date"), "start_date", today - dt.timedelta(days=7))
    end = _utc_date(str_param(req.query, "end_date"), "end_date", today - dt.timedelta(days=1))
    if end < start:
        raise ApiError(40002, "end_date: end_date must be later than or equal to start_date.")
    if start < today - dt.timedelta(days=spec.BUSINESS_GET_MAX_DAYS):
        raise ApiError(40002, f"start_date: Data is only available for the last {spec.BUSINESS_GET_MAX_DAYS} days.")
    if end > today:
        raise ApiError(40002, "end_date: end_date can not be later than today (UTC).")
    fields = str_list_param(req.query, "fields") or list(DEFAULT_FIELDS)
    unknown = [f for f in fields if f not in LIFETIME_FIELDS and f not in DAILY_FIELDS]
    if unknown:
        raise ApiError(40002, f"fields: Invalid field(s) {', '.join(unknown)}.")
    seed, open_id = emu.config.seed, token.open_id
    data: dict[str, Any] = {}
    for f in fields:
        if f in LIFETIME_FIELDS:
            data[f] = _lifetime_value(seed, open_id, f)
    daily = [f for f in fields if f in DAILY_FIELDS or f == "followers_count"]
    if any(f in DAILY_FIELDS for f in fields):
        metrics = []
        for i in range((end - start).days + 1):
            day = start + dt.timedelta(days=i)
            entry: dict[str, Any] = {"date": day.isoformat()}
            for f in daily:
                entry[f] = _daily_value(seed, open_id, day, f)
            metrics.append(entry)
        data["metrics"] = metrics
    return ok(data)


def _lifetime_value(seed: int, open_id: str, field: str) -> Any:
    n = stable_int(seed, open_id, field)
    handle = "emulator_business"
    fixed: dict[str, Any] = {
        "is_business_account": True,
        "profile_image": f"https://p16-sign.tiktokcdn.com/emulator/{open_id}.jpeg",
        "username": handle,
        "profile_deep_link": f"https://www.tiktok.com/@{handle}",
        "display_name": "Emulator Business",
        "bio_description": "Deterministic test account served by the TikTok emulator.",
        "is_verified": False,
        "audience_ages": [{"age": a, "percentage": p} for a, p in (("18-24", 0.35), ("25-34", 0.4), ("35+", 0.25))],
        "audience_genders": [
            {"gender": g, "percentage": p} for g, p in (("Female", 0.55), ("Male", 0.43), ("Other", 0.02))
        ],
        "audience_countries": [{"country": c, "percentage": p} for c, p in (("US", 0.5), ("JP", 0.3), ("GB", 0.2))],
        "audience_cities": [{"city_name": c, "percentage": p} for c, p in (("Tokyo", 0.3), ("New York", 0.2))],
    }
    if field in fixed:
        return fixed[field]
    return 1000 + n % 100_000


def _daily_value(seed: int, open_id: str, day: dt.date, field: str) -> Any:
    n = stable_int(seed, open_id, day.toordinal(), field)
    if field in ("followers_count", "daily_total_followers"):
        return 10_000 + 3 * (day.toordinal() % 1000) + n % 7
    if field == "audience_activity":
        return [{"hour": str(h), "count": (n >> h) % 500} for h in range(24)]
    return n % 5000


ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/tt_user/oauth2/token/"): Route(tt_user_token, auth=False),
    ("POST", "/tt_user/oauth2/refresh_token/"): Route(tt_user_refresh_token, auth=False),
    ("POST", "/tt_user/oauth2/revoke/"): Route(tt_user_revoke, auth=False),
    ("POST", "/tt_user/token_info/get/"): Route(tt_user_token_info, auth=False),
    ("GET", "/business/get/"): Route(business_get),
}
