"""docs/presets.md lists every preset with its dimensions (so the page cannot drift from the code)."""

from __future__ import annotations

from pathlib import Path

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
