"""Turn an authorization into an Airflow connection: print it (secrets hidden), save it, or import it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.redact import MASK, is_sensitive_key
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.connection import CONN_TYPE


def connection_dict(*, family: str, app_id: str, app_secret: str, tokens: TokenSet,
                    environment: str = "production", base_url: str | None = None,
                    advertiser_ids: list[str] | None = None) -> dict[str, Any]:
    """The connection in Airflow's JSON form (``AIRFLOW_CONN_<ID>`` / ``connections import``)."""
    extra: dict[str, Any] = {"api_family": family, "access_token": tokens.access_token, "environment": environment}
    if tokens.refresh_token:
        extra["refresh_token"] = tokens.refresh_token
    ids = advertiser_ids if advertiser_ids is not None else list(tokens.advertiser_ids)
    if family == "marketing" and ids:
        extra["advertiser_ids"] = ",".join(ids)
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


def _private_file(directory: str | None = None) -> tuple[int, str]:
    fd, name = tempfile.mkstemp(prefix="tiktok-conn-", suffix=".json", dir=directory)
    os.chmod(name, 0o600)
    return fd, name


def write_private_json(path: Path, payload: Any) -> None:
    """Write ``payload`` readable by the owner only (0600), replacing ``path`` atomically."""
    fd, tmp = _private_file(str(path.parent))
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle, indent=2)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def airflow_executable() -> str:
    found = shutil.which("airflow") or str(Path(sys.executable).with_name("airflow"))
    if not Path(found).exists():
        raise TikTokValidationError("the `airflow` command was not found: use --output-file and import it yourself")
    return found


def airflow_import(kind: str, payload: Mapping[str, Any]) -> None:
    """``airflow connections|variables import`` from a 0600 temporary file (no secret on the command line)."""
    fd, name = _private_file()
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle)
        args = ["connections", "import", "--overwrite", name] if kind == "connections" else \
            ["variables", "import", "--action-on-existing-key", "overwrite", name]
        result = subprocess.run(  # noqa: S603 - fixed argv: our airflow executable and a temp file name
            [airflow_executable(), *args], capture_output=True, text=True, timeout=300)
    finally:
        Path(name).unlink(missing_ok=True)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise TikTokValidationError(f"`airflow {kind} import` failed: {' | '.join(tail)}")


def import_connection(conn_id: str, conn: Mapping[str, Any]) -> None:
    entry = dict(conn)
    entry["extra"] = json.dumps(conn.get("extra") or {})
    airflow_import("connections", {conn_id: entry})
