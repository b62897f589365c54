"""Deterministic data generation (no HTTP): fast CSV path == row-addressed reference."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.emulator.data import (
    entity_count,
    entity_id,
    iter_csv,
    iter_csv_slow,
    parse_entity_id,
)
from airflow_provider_tiktok.testing.emulator.validation import validate_report

BASE = {
    "advertiser_id": "7100000000000000001",
    "report_type": "BASIC",
    "data_level": "AUCTION_AD",
    "dimensions": ["ad_id", "stat_time_day"],
    "metrics": ["spend", "impressions", "ad_name", "campaign_id", "ctr"],
    "start_date": "2024-01-01",
    "end_date": "2024-01-05",
}


@pytest.mark.parametrize(
    "override",
    [
        {},
        {"dimensions": ["campaign_id", "stat_time_hour", "ad_id"], "end_date": "2024-01-02"},
        {"report_type": "AUDIENCE", "data_level": "AUCTION_ADGROUP", "dimensions": ["adgroup_id", "gender", "age"]},
        {
            "advertiser_id": None,
            "advertiser_ids": ["7100000000000000001", "7100000000000000002"],
            "dimensions": ["advertiser_id", "stat_time_day"],
        },
        {"dimensions": ["ad_id"], "query_lifetime": True, "start_date": None, "end_date": None},
    ],
)
def test_fast_csv_equals_reference(override):
    emu = TikTokEmulator(seed=3)
    params = {k: v for k, v in {**BASE, **override}.items() if v is not None}
    query = validate_report(params, async_mode=True, bc_advertisers=[])
    fast = b"".join(iter_csv(emu.make_plan(query, sync=False), titles=True))
    slow = b"".join(iter_csv_slow(emu.make_plan(query, sync=False), titles=True))
    assert fast == slow


def test_seed_changes_values_but_not_shape():
    q = validate_report(BASE, async_mode=True, bc_advertisers=[])
    a = b"".join(iter_csv(TikTokEmulator(seed=1).make_plan(q, sync=False), titles=False))
    b = b"".join(iter_csv(TikTokEmulator(seed=2).make_plan(q, sync=False), titles=False))
    assert a != b
    assert a.count(b"\n") == b.count(b"\n") == 1 + 8 * 5
    assert a == b"".join(iter_csv(TikTokEmulator(seed=1).make_plan(q, sync=False), titles=False))


def test_row_addressing_is_lazy_for_huge_tables():
    emu = TikTokEmulator(ads_per_advertiser=10**9)
    q = validate_report({**BASE, "dimensions": ["ad_id", "stat_time_day"]}, async_mode=True, bc_advertisers=[])
    plan = emu.make_plan(q, sync=False)
    assert plan.total == 10**9 * 5
    row = plan.row(plan.total - 1)
    assert parse_entity_id(row["ad_id"]) == (3, 1, 10**9 - 1)


def test_entity_hierarchy():
    assert [entity_count(9, lvl) for lvl in range(4)] == [1, 3, 5, 9]
    assert parse_entity_id(entity_id(2, 7, 42)) == (2, 7, 42)
    assert parse_entity_id("123") is None
