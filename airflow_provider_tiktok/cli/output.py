"""Turn an authorization into an Airflow connection: its JSON form, printed (secrets hidden) or saved (0600).

Saving it in Airflow is the hook's job: :meth:`TikTokOAuthHookMixin.save_to_airflow
<airflow_provider_tiktok.hooks.oauth.TikTokOAuthHookMixin.save_to_airflow>`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_provider_tiktok.api.core.redact import MASK, is_sensitive_key
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.connection import CONN_TYPE


def connection_dict(*, family: str, app_id: str, app_secret: str, tokens: TokenSet,
                    environment: str = "production", base_url: str | None = None) -> dict[str, Any]:
    """The connection in Airflow's JSON form (``AIRFLOW_CONN_<ID>`` / ``connections import``)."""
    extra: dict[str, Any] = {"api_family": family, "access_token": tokens.access_token, "environment": environment}
    if tokens.refresh_token:
        extra["refresh_token"] = tokens.refresh_token
    if family == "marketing" and tokens.advertiser_ids:
        extra["advertiser_ids"] = ",".join(tokens.advertiser_ids)
    if family == "accounts" and tokens.open_id:
        extra["business_id"] = tokens.open_id
    if base_url:
        extra["base_url"] = base_url
    return {"conn_type": CONN_TYPE, "login": app_id, "password": app_secret, "extra": extra}


def masked(conn: Mapping[str, Any]) -> dict[str, Any]:
    """A copy safe to print: password and token values replaced."""
    out: dict[str, Any] = {}
    for key, value in conn.items():
        if isinstance(value, Mapping):
            out[key] = masked(value)
        else:
            out[key] = MASK if is_sensitive_key(key) and value else value
    return out


def write_private_json(path: Path, payload: Any) -> None:
    """Write ``payload`` readable by the owner only (0600), replacing ``path`` atomically."""
    fd, tmp = tempfile.mkstemp(prefix="tiktok-conn-", suffix=".json", dir=str(path.parent))
    os.chmod(tmp, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
