"""TikTokDownloadReportOperator: both output modes, expired URLs, gzip, broken streams, atomicity."""

from __future__ import annotations

import gzip

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing import reports
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.operators.report_download import TikTokDownloadReportOperator
from airflow_provider_tiktok.testing import Fault

DOWNLOAD = "/report/task/download/"


def create_finished_task(emu, **overrides) -> str:
    """A report task created over HTTP, advanced to SUCCESS."""
    body = {"report_type": "BASIC", "dimensions": ["ad_id", "stat_time_day"], "data_level": "AUCTION_AD",
            "metrics": ["spend", "impressions", "ad_name"], "advertiser_id": emu.advertiser_ids[0],
            "start_date": "2024-05-01", "end_date": "2024-05-04", **overrides}
    hook = TikTokHook()
    task_id = hook.create_report_task(reports.ReportTaskRequest(**body))
    emu.set_task_outcome(task_id, "SUCCESS", queuing_seconds=0, processing_seconds=0)
    return task_id


def download(emu, task_id, dest, **kwargs):
    op = TikTokDownloadReportOperator(task_id="dl", report_task_id=task_id, advertiser_id=emu.advertiser_ids[0],
                                      destination=f"file://{dest}", report_start_date="2024-05-01",
                                      report_end_date="2024-05-04", **kwargs)
    return op.execute({})


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*.partial"))


@pytest.mark.parametrize("output_format", ["CSV_STRING", "CSV_DOWNLOAD"])
def test_csv_both_modes_exact_bytes_and_rows(tiktok_connection, tmp_path, output_format):
    emu = tiktok_connection
    task_id = create_finished_task(emu, output_format=output_format)
    dest = tmp_path / "r.csv"
    result = download(emu, task_id, dest)
    expected = emu.expected_report_csv(task_id)
    assert dest.read_bytes() == expected
    assert result == {
        "uri": f"file://{dest}", "bytes": len(expected), "bytes_uncompressed": len(expected),
        "rows": expected.count(b"\n") - 1, "format": "csv", "output_format": output_format, "compression": None,
        "report_task_id": task_id, "advertiser_id": emu.advertiser_ids[0], "advertiser_ids": [emu.advertiser_ids[0]],
        "start_date": "2024-05-01", "end_date": "2024-05-04",
    }
    assert result["rows"] > 0 and b"ad_id" in expected.splitlines()[0]  # stable field-name header


def test_xlsx_download_and_gzip(tiktok_connection, tmp_path):
    emu = tiktok_connection
    task_id = create_finished_task(emu, output_format="XLSX_DOWNLOAD")
    dest = tmp_path / "r.xlsx.gz"
    result = download(emu, task_id, dest, compression="gzip")
    data = gzip.decompress(dest.read_bytes())
    assert data[:2] == b"PK" and result["rows"] is None and result["format"] == "xlsx"
    assert result["bytes_uncompressed"] == len(data)
    assert result["bytes"] == dest.stat().st_size


def test_expired_url_is_refreshed(tiktok_connection, tmp_path):
    emu = tiktok_connection
    task_id = create_finished_task(emu, output_format="CSV_DOWNLOAD")
    emu.faults.add("/files/", Fault.http(403, "<Error><Code>AccessDenied</Code></Error>"), on_call=1)
    dest = tmp_path / "r.csv"
    download(emu, task_id, dest)
    assert dest.read_bytes() == emu.expected_report_csv(task_id)
    assert emu.count(DOWNLOAD) == 2  # asked TikTok again for a fresh URL


def test_always_expired_url_gives_up_after_bounded_refreshes(tiktok_connection, tmp_path):
    emu = tiktok_connection
    task_id = create_finished_task(emu, output_format="CSV_DOWNLOAD")
    emu.config.download_url_ttl = 0
    with pytest.raises(Exception, match="expired"):
        download(emu, task_id, tmp_path / "r.csv", max_url_refreshes=2)
    assert emu.count(DOWNLOAD) == 3 and list(tmp_path.iterdir()) == []


def test_broken_stream_restarts_into_a_fresh_temporary_object(tiktok_connection, tmp_path):
    emu = tiktok_connection
    emu.config.report_rows = 3000
    task_id = create_finished_task(emu)
    emu.faults.add(DOWNLOAD, Fault.truncate(), on_call=1)
    dest = tmp_path / "r.csv"
    download(emu, task_id, dest)
    assert dest.read_bytes() == emu.expected_report_csv(task_id)
    assert emu.count(DOWNLOAD) == 2 and leftovers(tmp_path) == []


def test_killed_mid_stream_leaves_no_partial_destination(tiktok_connection, tmp_path, monkeypatch):
    """Airflow's SIGTERM handling raises inside the task; the destination must not appear."""
    emu = tiktok_connection
    emu.config.report_bytes = 8 * 1024 * 1024
    task_id = create_finished_task(emu)
    dest = tmp_path / "r.csv"
    seen: list[int] = []

    def update(self, *, bytes_added=0, rows_added=0):
        seen.append(bytes_added)
        if len(seen) == 2:
            raise KeyboardInterrupt  # stands in for AirflowTaskTerminated (a BaseException as well)

    monkeypatch.setattr("airflow_provider_tiktok.utils.storage.ProgressLogger.update", update)
    with pytest.raises(KeyboardInterrupt):
        download(emu, task_id, dest)
    assert not dest.exists() and leftovers(tmp_path) == [] and len(seen) == 2


def test_bad_destination_and_compression_fail_at_construction(tiktok_emulator):
    with pytest.raises(TikTokValidationError, match="must name a file"):
        TikTokDownloadReportOperator(task_id="d", report_task_id="1", advertiser_id="2", destination="file:///tmp/")
    with pytest.raises(TikTokValidationError, match="compression"):
        TikTokDownloadReportOperator(task_id="d", report_task_id="1", advertiser_id="2",
                                     destination="file:///tmp/x.csv", compression="zip")


def test_emit_asset_declares_the_destination(tiktok_emulator, tmp_path):
    op = TikTokDownloadReportOperator(task_id="d", report_task_id="1", advertiser_id="2",
                                      destination=f"file://{tmp_path}/x.csv", emit_asset=True)
    assert [a.uri for a in op.outlets] == [f"file://{tmp_path}/x.csv"]
