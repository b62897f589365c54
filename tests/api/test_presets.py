"""Report presets: every preset is a valid sync and async request, names come from the catalog, overrides win."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.api.marketing.catalog import ALL_METRICS
from airflow_provider_tiktok.api.marketing.integrated import SyncReportRequest
from airflow_provider_tiktok.api.marketing.presets import PRESETS, apply_preset, get_preset


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_sync_and_async_request(name):
    fields = PRESETS[name].fields()
    assert set(fields["metrics"]) <= ALL_METRICS
    sync = SyncReportRequest(advertiser_id="7", **fields)
    assert list(sync.dimensions) == fields["dimensions"]
    task = reports.ReportTaskRequest(advertiser_id="7", start_date="2024-05-01", end_date="2024-05-01", **fields)
    assert task.report_type == fields["report_type"]


def test_the_presets_users_ask_for_exist():
    for level in ("ads", "adgroups", "campaigns", "advertiser"):
        assert PRESETS[f"{level}_daily"].dimensions[-1] == "stat_time_day"
        assert PRESETS[f"{level}_hourly"].dimensions[-1] == "stat_time_hour"
    assert {"age", "gender"} <= set(PRESETS["audience_age_gender_daily"].dimensions)
    assert PRESETS["audience_platform_daily"].report_type == "AUDIENCE"


def test_explicit_fields_override_one_by_one():
    merged = apply_preset("campaigns_daily", {"metrics": ["spend"], "dimensions": None, "report_type": None})
    assert merged["metrics"] == ["spend"] and merged["dimensions"] == ["campaign_id", "stat_time_day"]
    assert apply_preset(None, {"metrics": ["spend"]}) == {"metrics": ["spend"]}


@pytest.mark.parametrize(("name", "hint"), [("ads_dialy", "did you mean 'ads_daily'"), (3, "use one of")])
def test_unknown_preset_names_the_closest(name, hint):
    with pytest.raises(TikTokValidationError, match=hint):
        get_preset(name)
