"""The opt-in pytest plugin: fixtures and the ``tiktok_emulator`` marker."""

from __future__ import annotations

import json
import os

import pytest


def test_tiktok_connection_fixture(tiktok_connection):
    assert json.loads(os.environ["AIRFLOW_CONN_TIKTOK_DEFAULT"])["extra"]["base_url"] == tiktok_connection.base_url


@pytest.mark.tiktok_emulator(seed=5, ads_per_advertiser=4)
def test_marker_knobs(tiktok_emulator):
    assert tiktok_emulator.config.seed == 5
    assert tiktok_emulator.config.ads_for(tiktok_emulator.advertiser_ids[0]) == 4
