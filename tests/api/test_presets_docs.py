"""docs/presets.md lists every preset with its dimensions, the README every preset and entity (so the pages
cannot drift from the code)."""

from __future__ import annotations

from pathlib import Path

from airflow_provider_tiktok.api.marketing.entities_catalog import ENTITIES
from airflow_provider_tiktok.api.marketing.presets import PRESETS

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_presets_page_and_operators_page_list_every_preset():
    page = (DOCS / "presets.md").read_text()
    operators = (DOCS / "operators.md").read_text()
    for preset in PRESETS.values():
        row = next((line for line in page.splitlines() if line.startswith(f"| `{preset.name}` |")), None)
        assert row is not None, f"docs/presets.md has no row for {preset.name}"
        assert all(f"`{d}`" in row for d in preset.dimensions) and preset.data_level in row
        assert f"`{preset.name}`" in operators


def test_readme_lists_every_preset_and_entity():
    readme = (DOCS.parent / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in PRESETS)
    assert all(f"| `{name}` | `{entity.path}` |" in readme for name, entity in ENTITIES.items())
