"""OpenLineage of the writing operators: TikTok inputs named per advertiser / account, outputs as object storage."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from airflow_provider_tiktok.operators.base import TikTokWriteOperator
from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator
from airflow_provider_tiktok.operators.lineage import (
    LineageDataset,
    accounts_dataset,
    destination_dataset,
    marketing_dataset,
)
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator
from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator
from airflow_provider_tiktok.operators.results import write_result
from airflow_provider_tiktok.testing.context import InMemoryStateStore, task_context

pytest.importorskip("airflow.providers.openlineage", reason="the test extra installs the OpenLineage provider")


def _names(datasets: list[Any]) -> list[tuple[str, str]]:
    return [(d.namespace, d.name) for d in datasets]


def _request(emu: Any) -> dict[str, Any]:
    return {"report_type": "BASIC", "dimensions": ["campaign_id", "stat_time_day"], "data_level": "auction_campaign",
            "metrics": ["spend"], "report_start_date": "2024-05-01", "report_end_date": "2024-05-02"}


def test_run_report_names_each_advertiser_report_and_the_written_file(tiktok_connection, tmp_path):
    emu = tiktok_connection
    emu.config.queuing_seconds = emu.config.processing_seconds = 0
    first, second = emu.advertiser_ids[:2]
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path}/r.csv", deferrable=False,
                                 poll_interval=0.1, advertiser_ids=[first, second], **_request(emu))
    assert op.get_openlineage_facets_on_complete(None) is None  # nothing written yet: no lineage claimed
    op.execute(task_context(state_store=InMemoryStateStore()))
    lineage = op.get_openlineage_facets_on_complete(None)
    assert _names(lineage.inputs) == [("tiktok://marketing", f"advertiser/{first}/report/AUCTION_CAMPAIGN"),
                                      ("tiktok://marketing", f"advertiser/{second}/report/AUCTION_CAMPAIGN")]
    assert _names(lineage.outputs) == [("file", f"{tmp_path}/r.csv")]


def test_download_and_business_account_inputs(tiktok_connection, create_report_task, monkeypatch, tmp_path,
                                              tiktok_memory_token_store):
    emu = tiktok_connection
    advertiser = emu.advertiser_ids[0]
    task_id = create_report_task(emu)
    download = TikTokDownloadReportOperator(task_id="dl", report_task_id=task_id, advertiser_id=advertiser,
                                            destination=f"file://{tmp_path}/d.csv.gz", compression="gzip")
    download.execute(task_context())
    lineage = download.get_openlineage_facets_on_complete(None)
    # The split download does not know the data level (the create task does): the advertiser's report.
    assert _names(lineage.inputs) == [("tiktok://marketing", f"advertiser/{advertiser}/report")]
    assert _names(lineage.outputs) == [("file", f"{tmp_path}/d.csv.gz")]

    conn = emu.connection_dict("tiktok_accounts", "accounts")
    conn["extra"]["business_id"] = emu.config.accounts_open_id
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_ACCOUNTS", json.dumps(conn))
    business = TikTokBusinessAccountMetricsOperator(task_id="biz", tiktok_conn_id="tiktok_accounts",
                                                    destination=f"file://{tmp_path}/b.jsonl")
    business.execute(task_context())
    lineage = business.get_openlineage_facets_on_complete(None)
    assert _names(lineage.inputs) == [("tiktok://accounts", f"business/{emu.config.accounts_open_id}/metrics")]
    assert _names(lineage.outputs) == [("file", f"{tmp_path}/b.jsonl")]


class _CampaignsOperator(TikTokWriteOperator):
    """What a new writing operator writes: one override names its TikTok input."""

    def lineage_inputs(self, result: Any) -> list[LineageDataset]:
        return [marketing_dataset(result["advertiser_id"], "campaign")]

    def run(self, context: Any) -> dict[str, Any]:
        path = self.resolved_destination()
        path.write_text('{"campaign_id": "1"}\n')
        return write_result(uri=path, rows=1, bytes=20, bytes_uncompressed=20, format="jsonl", compression=None,
                            advertiser_id="42")


def test_a_new_writing_operator_gets_lineage_from_one_override(tmp_path):
    op = _CampaignsOperator(task_id="campaigns", destination=f"file://{tmp_path}/c.jsonl")
    op.execute(task_context())
    lineage = op.get_openlineage_facets_on_complete(None)
    assert _names(lineage.inputs) == [("tiktok://marketing", "advertiser/42/campaign")]
    assert _names(lineage.outputs) == [("file", f"{tmp_path}/c.jsonl")]


@pytest.mark.parametrize(("uri", "expected"), [
    ("file:///data/tiktok/r.csv", ("file", "/data/tiktok/r.csv")),
    ("s3://my-bucket/tiktok/2026-01-01.csv.gz", ("s3://my-bucket", "tiktok/2026-01-01.csv.gz")),
    ("gs://bucket/a/b.jsonl", ("gs://bucket", "a/b.jsonl")),
    ("abfs://container@account.dfs.core.windows.net/x.csv", ("abfs://container@account.dfs.core.windows.net",
                                                             "x.csv")),
])
def test_destination_dataset_names_object_storage_like_openlineage(uri, expected):
    assert tuple(destination_dataset(uri)) == expected


def test_dataset_helpers():
    assert marketing_dataset(7, "report", "AUCTION_AD") == ("tiktok://marketing", "advertiser/7/report/AUCTION_AD")
    assert accounts_dataset("open-1", "videos") == ("tiktok://accounts", "business/open-1/videos")


def test_the_provider_imports_without_openlineage():
    """OpenLineage is optional: importing every operator must not import it."""
    code = (
        "import sys, airflow, airflow.sdk\n"  # Airflow itself discovers every installed provider first
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.startswith(('airflow.providers.openlineage.', 'openlineage.',\n"
        "                            'airflow.providers.common.compat.openlineage')):\n"
        "            raise ModuleNotFoundError('blocked: ' + name, name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import airflow_provider_tiktok.operators.base, airflow_provider_tiktok.operators.report_task\n"
        "import airflow_provider_tiktok.operators.business, airflow_provider_tiktok.operators.report_download\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]


def test_default_inputs_follow_the_result_extras():
    """Entities and business content name their data set through their result extras, with no override."""
    from airflow_provider_tiktok.operators.lineage import default_inputs

    class Plain:
        pass

    assert default_inputs(Plain(), {"advertiser_id": "7", "entity": "CAMPAIGN"}) == [
        ("tiktok://marketing", "advertiser/7/campaign")]
    assert default_inputs(Plain(), {"business_id": "open-1", "content": "videos"}) == [
        ("tiktok://accounts", "business/open-1/videos")]
    assert default_inputs(Plain(), {"bc_id": "9", "advertiser_id": None}) == [("tiktok://marketing", "bc/9/report")]
    sync_like = Plain()
    sync_like.data_level, sync_like.report_type = None, "bc"  # type: ignore[attr-defined]
    assert default_inputs(sync_like, {"bc_id": "9"}) == [("tiktok://marketing", "bc/9/report/BC")]


def test_sync_report_and_entities_name_their_inputs(tiktok_connection, tmp_path):
    from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    advertiser = tiktok_connection.advertiser_ids[0]
    sync = TikTokSyncReportOperator(task_id="s", preset="ads_daily", advertiser_id=advertiser,
                                    report_start_date="2024-05-01", report_end_date="2024-05-01",
                                    destination=f"file://{tmp_path}/{{advertiser_id}}.{{ext}}")
    sync.execute(task_context())
    lineage = sync.get_openlineage_facets_on_complete(None)
    assert _names(lineage.inputs) == [("tiktok://marketing", f"advertiser/{advertiser}/report/AUCTION_AD")]
    assert _names(lineage.outputs) == [("file", f"{tmp_path}/{advertiser}.jsonl")]
    ads = TikTokEntitiesToStorageOperator(task_id="e", entity="ads", advertiser_id=advertiser,
                                          destination=f"file://{tmp_path}/ads.jsonl")
    ads.execute(task_context())
    assert _names(ads.get_openlineage_facets_on_complete(None).inputs)[0][0] == "tiktok://marketing"
