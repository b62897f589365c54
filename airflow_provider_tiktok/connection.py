"""The ``tiktok`` connection type: its form fields and how a connection's values are read.

No Airflow import here: ``get_provider_info()`` and the CLI use it, and so does the hook.

Where each value lives:

=====================  ==========================  ========================================
value                  connection field            notes
=====================  ==========================  ========================================
app id / client key    ``login``                   Marketing ``app_id``; Accounts ``client_id``;
                                                   Login Kit ``client_key``
app secret             ``password``                masked by Airflow
API family             extra ``api_family``        ``marketing`` / ``accounts`` / ``login_kit``
access token           extra ``access_token``      masked (key contains "token")
refresh token          extra ``refresh_token``     masked; Accounts API and Login Kit only
advertiser ids         extra ``advertiser_ids``    optional default list, comma-separated
business id            extra ``business_id``       Accounts API ``open_id``; optional
environment            extra ``environment``       ``production`` / ``sandbox``
base URL override      extra ``base_url``          emulator / proxy root, e.g. http://127.0.0.1:8780
=====================  ==========================  ========================================
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.params import parse_advertiser_ids

CONN_TYPE = "tiktok"
HOOK_NAME = "TikTok"
DEFAULT_CONN_ID = "tiktok_default"

def _field(label: str, description: str, **schema: Any) -> dict[str, Any]:
    """One declarative ``conn-fields`` entry (Airflow 3.2+ connection form)."""
    return {"label": label, "description": description, "schema": schema}


#: Declarative form fields (Airflow 3.2+ reads these from provider info; 3.3 reads only these).
CONN_FIELDS: dict[str, dict[str, Any]] = {
    "api_family": _field(
        "API family",
        "marketing: Marketing API advertisers (reports); accounts: TikTok business accounts "
        "(Accounts API); login_kit: TikTok for Developers apps (Login Kit).",
        type="string", enum=list(spec.API_FAMILIES), default="marketing"),
    "access_token": _field(
        "Access token",
        "Marketing API long-term token, or the current access token of the Accounts API / "
        "Login Kit (refreshed automatically). The command airflow-tiktok auth login obtains it.",
        type=["string", "null"], format="password"),
    "refresh_token": _field(
        "Refresh token (Accounts API / Login Kit)",
        "Accounts API and Login Kit only (leave empty for the Marketing API): renews the access token "
        "every 24 h.",
        type=["string", "null"], format="password"),
    "advertiser_ids": _field(
        "Advertiser IDs",
        "Marketing API only: optional default advertiser ids, comma-separated (operators may override).",
        type=["string", "null"], pattern=r"^\s*(\d+\s*(,\s*\d+\s*)*)?$"),
    "business_id": _field(
        "Business ID (Accounts API)",
        "Accounts API only (leave empty otherwise): the TikTok account's open_id returned at authorization.",
        type=["string", "null"]),
    "environment": _field(
        "Environment",
        "production: business-api.tiktok.com; sandbox: sandbox-ads.tiktok.com.",
        type="string", enum=sorted(spec.ENVIRONMENTS), default="production"),
    "base_url": _field(
        "Base URL override",
        "Leave empty for TikTok. Set to the emulator (airflow_provider_tiktok.testing) or a "
        "proxy root, e.g. http://127.0.0.1:8780.",
        type=["string", "null"], format="url"),
    "max_qps": _field(
        "Max QPS",
        "Requests per second this app may send to one endpoint (TikTok's tier: 10 Basic, 20 Advanced, "
        "30 Premium, 50 Ultimate). Empty: 10. /report/task/create/ stays at 2.",
        type=["number", "null"], exclusiveMinimum=0),
    "rate_limit_url": _field(
        "Rate limit URL",
        "Optional redis:// URL of a budget shared by every worker of the cluster. Empty: each task "
        "process keeps its own budget.",
        type=["string", "null"]),
}

UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["host", "schema", "port"],
    "relabeling": {"login": "App ID / Client key", "password": "App secret"},
    "placeholders": {
        "login": "Marketing app_id, Accounts client_id or Login Kit client_key",
        "password": "the app's secret",
        "description": "e.g. TikTok Marketing API for the ads team",
    },
}

def _extra_value(extra: Mapping[str, Any], name: str) -> Any:
    """Read a form field, accepting the legacy ``extra__tiktok__<name>`` key of older forms."""
    value = extra.get(name)
    if value in (None, ""):
        value = extra.get(f"extra__{CONN_TYPE}__{name}")
    return None if value == "" else value


@dataclass(frozen=True)
class TikTokConnectionConfig:
    """A validated ``tiktok`` connection."""

    conn_id: str
    api_family: str
    app_id: str | None
    app_secret: str | None = field(repr=False)
    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(repr=False)
    advertiser_ids: tuple[str, ...]
    business_id: str | None
    environment: str
    base_url: str | None

    @classmethod
    def from_fields(cls, conn_id: str, login: str | None, password: str | None,
                    extra: Mapping[str, Any] | None) -> TikTokConnectionConfig:
        """Validate a connection's values; errors name the connection field to fix."""
        extra = extra or {}
        where = f"Connection {conn_id!r}"
        family = str(_extra_value(extra, "api_family") or "marketing").strip().lower()
        if family not in spec.API_FAMILIES:
            raise TikTokValidationError(
                f"{where}: field 'API family' (extra api_family) must be one of {list(spec.API_FAMILIES)}, "
                f"got {family!r}")
        environment = str(_extra_value(extra, "environment") or "production").strip().lower()
        if environment not in spec.ENVIRONMENTS:
            raise TikTokValidationError(
                f"{where}: field 'Environment' (extra environment) must be one of {sorted(spec.ENVIRONMENTS)}, "
                f"got {environment!r}")
        base_url = _extra_value(extra, "base_url")
        if base_url is not None and not str(base_url).startswith(("http://", "https://")):
            raise TikTokValidationError(
                f"{where}: field 'Base URL override' (extra base_url) must start with http:// or https://")
        try:
            advertiser_ids = parse_advertiser_ids(_extra_value(extra, "advertiser_ids"))
        except TikTokValidationError as exc:
            raise TikTokValidationError(f"{where}: field 'Advertiser IDs': {exc.message}") from None
        app_id = (login or "").strip() or None
        if app_id is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+", app_id):
            raise TikTokValidationError(f"{where}: field 'App ID / Client key' (login) has unexpected characters")
        return cls(
            conn_id=conn_id,
            api_family=family,
            app_id=app_id,
            app_secret=password or None,
            access_token=_extra_value(extra, "access_token"),
            refresh_token=_extra_value(extra, "refresh_token"),
            advertiser_ids=tuple(advertiser_ids),
            business_id=_extra_value(extra, "business_id"),
            environment=environment,
            base_url=str(base_url) if base_url else None,
        )

    @property
    def tokens_expire(self) -> bool:
        """Accounts API and Login Kit access tokens last 24 h; Marketing tokens do not expire."""
        return self.api_family in ("accounts", "login_kit")

    def require(self, *names: str) -> None:
        """Raise a clear error when one of the named values is missing."""
        labels = {
            "app_id": "'App ID / Client key' (login)",
            "app_secret": "'App secret' (password)",
            "access_token": "'Access token' (extra access_token)",
            "refresh_token": "'Refresh token' (extra refresh_token)",
            "business_id": "'Business ID' (extra business_id)",
        }
        missing = [labels.get(n, n) for n in names if not getattr(self, n)]
        if missing:
            raise TikTokValidationError(f"Connection {self.conn_id!r} is missing {', '.join(missing)}")
