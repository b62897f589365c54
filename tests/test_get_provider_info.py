"""Provider registration: entry point, schema of the declarative form, what the UI receives."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import airflow
import jsonschema
import pytest

from airflow_provider_tiktok.connection import CONN_FIELDS
from airflow_provider_tiktok.get_provider_info import get_provider_info


def test_entry_point_resolves_to_provider_info():
    eps = [ep for ep in metadata.entry_points(group="apache_airflow_provider")
           if ep.dist is not None and ep.dist.name == "airflow-provider-tiktok"]
    assert len(eps) == 1
    info = eps[0].load()()
    assert info["package-name"] == eps[0].dist.name == "airflow-provider-tiktok"


def test_provider_info_validates_against_airflow_dev_schema():
    schema_file = Path(airflow.__file__).with_name("provider.yaml.schema.json")
    if not schema_file.exists():
        pytest.skip("this Airflow release ships no provider.yaml schema")
    schema = json.loads(schema_file.read_text())
    conn_schema = schema["properties"]["connection-types"]
    jsonschema.validate(get_provider_info()["connection-types"], conn_schema)


def test_every_listed_module_imports():
    import importlib

    info = get_provider_info()
    modules = [m for key in ("hooks", "operators", "sensors", "triggers") for entry in info[key]
               for m in entry["python-modules"]]
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing.append(f"{name}: {exc}")
    assert not missing


def test_secret_fields_are_password_and_masked_by_name():
    from airflow.sdk._shared.secrets_masker import should_hide_value_for_key  # type: ignore[import-not-found]

    secrets = {name for name, f in CONN_FIELDS.items() if f["schema"].get("format") == "password"}
    assert secrets == {"access_token", "refresh_token"}
    assert all(should_hide_value_for_key(name) for name in secrets)


def test_ui_receives_tiktok_fields():
    """What the connection form gets: from conn-fields on 3.2+, from the hook's widgets on 3.1."""
    from airflow.api_fastapi.core_api.services.ui.connections import HookMetaService

    meta = {m.connection_type: m for m in HookMetaService.hook_meta_data()}["tiktok"]
    assert meta.hook_name == "TikTok"
    std = meta.standard_fields
    assert std.host.hidden and std.port.hidden and std.url_schema.hidden
    assert std.login.title == "App ID / Client key" and std.password.title == "App secret"
    fields = {name.rsplit("__", 1)[-1]: value for name, value in meta.extra_fields.items()}
    assert set(fields) == set(CONN_FIELDS)
    dumped = {name: json.loads(json.dumps(value, default=lambda o: o.dump() if hasattr(o, "dump") else str(o)))
              for name, value in fields.items()}
    for name, definition in CONN_FIELDS.items():
        schema = dumped[name]["schema"]
        assert schema["title"] == definition["label"]
        assert (schema.get("format") == "password") == (definition["schema"].get("format") == "password")
        if "enum" in definition["schema"]:
            assert schema["enum"] == definition["schema"]["enum"]


def test_airflow_providers_list_shows_the_provider():
    """What `airflow providers list` prints in this environment (a subprocess, like a user's shell)."""
    import os
    import subprocess
    import sys

    airflow_cli = Path(sys.executable).with_name("airflow")
    result = subprocess.run([str(airflow_cli), "providers", "list", "--output", "json"], capture_output=True,
                            text=True, timeout=120, env=os.environ.copy(), check=True)
    listed = {p["package_name"]: p for p in json.loads(result.stdout[result.stdout.index("["):])}
    assert "airflow-provider-tiktok" in listed
    from airflow_provider_tiktok import __version__

    assert listed["airflow-provider-tiktok"]["version"] == __version__
