"""TikTokSyncReportOperator against the emulator over loopback HTTP, writing to local object storage."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException, AirflowSkipException
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator
from airflow_provider_tiktok.testing import TikTokEmulator

PATH = "/report/integrated/get/"
TOKYO, LOS_ANGELES, UTC_ADV = "7100000000000000001", "7100000000000000002", "7100000000000000003"
FORBIDDEN = "7100000000000000099"


def interval(start: str, end: str) -> dict[str, Any]:
    return {"data_interval_start": pendulum.parse(start), "data_interval_end": pendulum.parse(end)}


def operator(tmp_path: Path, **overrides: Any) -> TikTokSyncReportOperator:
    kwargs: dict[str, Any] = {
        "task_id": "report", "advertiser_id": TOKYO, "data_level": "AUCTION_CAMPAIGN",
        "dimensions": ["campaign_id", "stat_time_day"], "metrics": ["spend", "impressions", "ctr", "currency"],
        "destination": f"file://{tmp_path}/{{advertiser_id}}/{{start_date}}_{{end_date}}.{{ext}}", **overrides}
    return TikTokSyncReportOperator(**kwargs)


def report_calls(emu: TikTokEmulator) -> list[dict[str, Any]]:
    return [r["query"] for r in emu.requests if r["path"] == PATH]


def read_jsonl(uri: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(uri.removeprefix("file://")).read_text().splitlines()]


def files_under(tmp_path: Path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("advertiser", "zone", "expected"),
    [
        # Interval [Jan 1 00:00Z, Jan 2 00:00Z): Jan 1 JST ended at 15:00Z; in LA only Dec 31 has ended.
        (TOKYO, "Asia/Tokyo", ("2024-01-01", "2024-01-01")),
        (LOS_ANGELES, "America/Los_Angeles", ("2023-12-31", "2023-12-31")),
    ],
)
def test_window_is_the_advertisers_local_day(tiktok_connection: TikTokEmulator, tmp_path: Path, advertiser: str,
                                             zone: str, expected: tuple[str, str]) -> None:
    emu = tiktok_connection
    result = operator(tmp_path, advertiser_id=advertiser).execute(
        interval("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"))
    (call,) = report_calls(emu)
    assert (call["start_date"], call["end_date"]) == expected
    assert (result["start_date"], result["end_date"], result["timezone"]) == (*expected, zone)
    assert emu.count("/advertiser/info/") == 1
    rows = read_jsonl(result["uri"])
    assert result["rows"] == len(rows) == 2  # 2 campaigns x 1 day
    assert {r["stat_time_day"] for r in rows} == {expected[0]}
    assert result["uri"].endswith(f"/{advertiser}/{expected[0]}_{expected[1]}.jsonl")


def test_window_around_midnight_with_lookback(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    # [Jan 1 23:30Z, Jan 2 23:30Z): Jan 2 JST ended at Jan 2 15:00Z, Jan 1 PST at Jan 2 08:00Z; then 3 days back.
    ctx = interval("2024-01-01T23:30:00Z", "2024-01-02T23:30:00Z")
    tokyo = operator(tmp_path, lookback_days=3).execute(ctx)
    la = operator(tmp_path, advertiser_id=LOS_ANGELES, lookback_days=3).execute(ctx)
    assert (tokyo["start_date"], tokyo["end_date"]) == ("2023-12-30", "2024-01-02")
    assert (la["start_date"], la["end_date"]) == ("2023-12-29", "2024-01-01")
    assert [(q["start_date"], q["end_date"]) for q in report_calls(tiktok_connection)] == [
        ("2023-12-30", "2024-01-02"), ("2023-12-29", "2024-01-01")]


def test_rows_are_flat_typed_and_tagged(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    ctx = interval("2024-02-01T00:00:00Z", "2024-02-01T00:00:00Z")
    result = operator(tmp_path, advertiser_id=UTC_ADV, data_level="AUCTION_AD", dimensions=["ad_id", "stat_time_day"],
                      report_start_date="2024-02-01", report_end_date="2024-02-20").execute(ctx)
    rows = read_jsonl(result["uri"])
    assert len(rows) == result["rows"] == 8 * 20
    assert list(rows[0]) == ["advertiser_id", "ad_id", "stat_time_day", "spend", "impressions", "ctr", "currency"]
    assert all(r["advertiser_id"] == UTC_ADV and isinstance(r["ad_id"], str) for r in rows)
    assert all(len(r["stat_time_day"]) == 10 for r in rows) and rows[0]["stat_time_day"] == "2024-02-01"
    assert all(r["currency"] == "EUR" for r in rows)
    spend = [r["spend"] for r in rows]
    assert any(v is None for v in spend), "the emulator serves ~5% '-' values: they must become null"
    assert all(v is None or isinstance(v, float) for v in spend)
    assert all(v is None or isinstance(v, int) for v in (r["impressions"] for r in rows))
    # The same report with raw strings keeps TikTok's "-" and its timestamp format.
    raw = operator(tmp_path, advertiser_id=UTC_ADV, data_level="AUCTION_AD", dimensions=["ad_id", "stat_time_day"],
                   report_start_date="2024-02-01", report_end_date="2024-02-20", typed_metrics=False,
                   destination=f"file://{tmp_path}/raw.jsonl").execute(ctx)
    raw_rows = read_jsonl(raw["uri"])
    assert [r["spend"] is None for r in rows] == [r["spend"] == "-" for r in raw_rows]
    assert raw_rows[0]["stat_time_day"] == "2024-02-01 00:00:00"
    assert all(isinstance(r["impressions"], str) for r in raw_rows)


def test_rerun_overwrites_the_same_file(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    ctx = interval("2024-03-05T00:00:00Z", "2024-03-06T00:00:00Z")
    first = operator(tmp_path, lookback_days=6).execute(ctx)
    content = Path(first["uri"].removeprefix("file://")).read_bytes()
    second = operator(tmp_path, lookback_days=6).execute(ctx)
    assert second["uri"] == first["uri"] and second["rows"] == first["rows"] == 2 * 7
    assert Path(second["uri"].removeprefix("file://")).read_bytes() == content
    assert files_under(tmp_path) == [f"{TOKYO}/2024-02-28_2024-03-05.jsonl"]  # no duplicate, no temp file


def test_csv_gzip_output(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    result = operator(tmp_path, output_format="csv", compression="gzip", report_start_date="2024-01-01",
                      report_end_date="2024-01-31").execute({})
    assert result["uri"].endswith("2024-01-01_2024-01-31.csv.gz") and result["requests"] == 2
    text = gzip.decompress(Path(result["uri"].removeprefix("file://")).read_bytes()).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == result["rows"] == 2 * 31
    assert list(rows[0]) == ["advertiser_id", "campaign_id", "stat_time_day", "spend", "impressions", "ctr",
                             "currency"]
    assert [r["stat_time_day"] for r in rows[:2]] == ["2024-01-01", "2024-01-02"]


def test_permission_error_fails_without_retry(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    expected = f"Advertiser {FORBIDDEN}: TikTok error 40001.*needed scope \\(e.g. Reporting\\)"
    with pytest.raises(AirflowFailException, match=expected):
        operator(tmp_path, advertiser_id=FORBIDDEN, timezone="UTC", report_start_date="2024-01-01",
                 report_end_date="2024-01-01").execute({})
    assert files_under(tmp_path) == []


def test_mapping_over_three_advertisers_isolates_the_forbidden_one(tiktok_connection: TikTokEmulator,
                                                                   tmp_path: Path) -> None:
    """What ``.expand(advertiser_id=[...])`` runs: one task per advertiser; only the forbidden one fails."""
    ctx = interval("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
    outcomes: dict[str, Any] = {}
    for advertiser in (TOKYO, FORBIDDEN, LOS_ANGELES):
        try:
            outcomes[advertiser] = operator(tmp_path, advertiser_id=advertiser).execute(ctx)["rows"]
        except AirflowFailException as exc:
            outcomes[advertiser] = str(exc)
    assert outcomes[TOKYO] == outcomes[LOS_ANGELES] == 2
    assert f"Advertiser {FORBIDDEN}: TikTok error 40001" in outcomes[FORBIDDEN]
    assert "No permission" in outcomes[FORBIDDEN]
    assert files_under(tmp_path) == [f"{TOKYO}/2024-01-01_2024-01-01.jsonl",
                                     f"{LOS_ANGELES}/2023-12-31_2023-12-31.jsonl"]


def test_row_count_mismatch_leaves_no_file(tiktok_connection: TikTokEmulator, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow_provider_tiktok.api.marketing import integrated

    real = integrated.ReportPage.from_data

    def lossy(data: Any) -> integrated.ReportPage:
        page = real(data)
        if page.page == 2:
            page.items.pop()
        return page

    monkeypatch.setattr(integrated.ReportPage, "from_data", staticmethod(lossy))
    op = operator(tmp_path, page_size=10, data_level="AUCTION_AD", dimensions=["ad_id", "stat_time_day"],
                  report_start_date="2024-01-01", report_end_date="2024-01-03")
    with pytest.raises(integrated.TikTokRowCountError, match="total_number=24"):
        op.execute({})
    assert files_under(tmp_path) == []


def test_interval_without_a_completed_day_skips(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    with pytest.raises(AirflowSkipException, match="no Asia/Tokyo calendar day ended"):
        operator(tmp_path).execute(interval("2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"))
    assert report_calls(tiktok_connection) == []


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"report_type": "AUDIENCE", "data_level": "AUCTION_AD", "dimensions": ["gender", "stat_time_hour"]},
         "no hourly"),
        ({"report_type": "BC", "advertiser_id": None, "dimensions": ["advertiser_id"], "data_level": None},
         "needs bc_id"),
        ({"dimensions": "campaign_id;stat_time_day"}, "not TikTok field names"),
        ({"allow_chunking": False, "report_start_date": "2024-01-01", "report_end_date": "2024-03-01"},
         "allow_chunking"),
        ({"timezone": "Tokyo"}, "IANA"),
        ({"destination": "file:///tmp/{advertiser}/x.jsonl"}, "placeholders"),
        ({"report_start_date": "2024-01-01"}, "both start_date and end_date"),
    ],
)
def test_templated_bad_input_fails_before_any_http_call(tiktok_connection: TikTokEmulator, tmp_path: Path,
                                                         overrides: dict[str, Any], needle: str) -> None:
    advertiser = overrides.pop("advertiser_id", TOKYO)
    op = operator(tmp_path, advertiser_id="{{ params.advertiser }}", **overrides)
    op.advertiser_id = advertiser  # as rendered at run time
    with pytest.raises(AirflowFailException, match=needle):
        op.execute(interval("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"))
    assert tiktok_connection.requests == []


@pytest.mark.parametrize(("overrides", "needle"), [
    ({"report_type": "AUDIENCE", "dimensions": ["gender", "stat_time_hour"]}, "no hourly"),
    ({"report_type": "bc", "advertiser_id": None, "dimensions": ["advertiser_id"], "data_level": None}, "needs bc_id"),
    ({"dimensions": "campaign_id;stat_time_day"}, "not TikTok field names"),
    ({"data_level": "AUCTION_NOPE"}, "data_level"),
])
def test_static_bad_request_fails_at_dag_parse_time(tmp_path: Path, overrides: dict[str, Any], needle: str) -> None:
    with pytest.raises(TikTokValidationError, match=needle):
        operator(tmp_path, **overrides)


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [({"page_size": 0}, "page_size"), ({"page_size": 1001}, "page_size"), ({"lookback_days": -2}, "lookback_days"),
     ({"output_format": "parquet"}, "output_format"), ({"compression": "zip"}, "compression")],
)
def test_static_bad_input_fails_when_the_dag_is_parsed(tmp_path: Path, overrides: dict[str, Any],
                                                        needle: str) -> None:
    with pytest.raises(TikTokValidationError, match=needle):
        operator(tmp_path, **overrides)


def test_bc_report_uses_bc_id_and_utc(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    bc_id = tiktok_connection.config.bc_id
    result = operator(tmp_path, report_type="BC", advertiser_id=None, bc_id=bc_id, data_level=None,
                      dimensions=["advertiser_id", "stat_time_day"], metrics=["spend"],
                      destination=f"file://{tmp_path}/bc/{{bc_id}}/{{start_date}}.jsonl").execute(
        interval("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"))
    (call,) = report_calls(tiktok_connection)
    assert call["bc_id"] == bc_id and "advertiser_id" not in call and call["start_date"] == "2024-01-01"
    assert result["timezone"] == "UTC" and result["uri"].endswith(f"/bc/{bc_id}/2024-01-01.jsonl")
    rows = read_jsonl(result["uri"])
    assert {r["advertiser_id"] for r in rows} == {TOKYO, LOS_ANGELES, UTC_ADV}
    assert tiktok_connection.count("/advertiser/info/") == 0


MEMORY_CHILD = """
import json, resource, sys
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

def run(days):
    TikTokSyncReportOperator(
        task_id="m", advertiser_id=sys.argv[1], data_level="AUCTION_AD", timezone="UTC",
        dimensions=["ad_id", "stat_time_day"], metrics=["spend", "impressions", "clicks", "ctr", "conversion"],
        report_start_date="2024-01-01", report_end_date=f"2024-01-{days:02d}",
        destination=sys.argv[2] + "/{start_date}_{end_date}.jsonl").execute({})
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

small = run(1)
print(json.dumps({"small": small, "large": run(20)}))
"""


def test_peak_memory_does_not_grow_with_the_report(tiktok_emulator_factory: Any, tmp_path: Path) -> None:
    """1 page then 20 pages (1,000 rows each) in a fresh process: the peak RSS barely moves.

    Holding the 20,000 typed rows would add well over 10 MiB; streaming page by page adds ~nothing.
    """
    import os
    import subprocess
    import sys

    emu = tiktok_emulator_factory(ads_per_advertiser=1000)
    env = {**os.environ, **emu.connection_env("tiktok_default")}
    done = subprocess.run([sys.executable, "-c", MEMORY_CHILD, emu.advertiser_ids[2], f"file://{tmp_path}"],
                          env=env, capture_output=True, text=True, timeout=120, check=True)
    peaks = json.loads(done.stdout.strip().splitlines()[-1])
    assert emu.count(PATH) == 21
    assert peaks["large"] - peaks["small"] < 6, peaks
    assert sum(1 for _ in (tmp_path / "2024-01-01_2024-01-20.jsonl").open()) == 20_000


MAPPED_DAG = '''
import pendulum
from airflow.sdk import DAG
from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

with DAG("tiktok_sync_mapped", schedule="@daily", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False):
    TikTokSyncReportOperator.partial(
        task_id="report", data_level="AUCTION_CAMPAIGN", dimensions=["campaign_id", "stat_time_day"], retries=2,
        destination="file://OUT/{advertiser_id}/{start_date}_{end_date}.jsonl",
    ).expand(advertiser_id=["7100000000000000001", "7100000000000000099", "7100000000000000002"])
'''


@pytest.mark.slow
def test_real_dag_run_maps_three_advertisers_and_fails_only_the_forbidden_one(tiktok_emulator: TikTokEmulator,
                                                                             tmp_path: Path) -> None:
    """``airflow dags test`` with ``.expand`` over 3 advertisers; the forbidden one fails once, without retries."""
    from airflow_provider_tiktok.testing.dagrun import run_dag

    dag_file = tmp_path / "dags" / "mapped.py"
    dag_file.parent.mkdir()
    dag_file.write_text(MAPPED_DAG.replace("OUT", str(tmp_path / "out")))
    result = run_dag(dag_file, "tiktok_sync_mapped", env=tiktok_emulator.connection_env("tiktok_default"),
                     airflow_home=tmp_path / "home", logical_date="2024-01-02")
    assert result.task_states == {"report[0]": "success", "report[1]": "failed", "report[2]": "success"}, \
        result.output[-3000:]
    assert result.tries["report[1]"] == 1  # AirflowFailException: no retry for a permission error
    assert f"Advertiser {FORBIDDEN}: TikTok error 40001" in result.output
    assert files_under(tmp_path / "out") == [f"{TOKYO}/2024-01-01_2024-01-01.jsonl",
                                             f"{LOS_ANGELES}/2023-12-31_2023-12-31.jsonl"]


def test_run_without_data_interval_uses_run_after(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    """API/CLI-triggered runs on Airflow 3 can lack a data interval: report the latest complete local day."""
    from types import SimpleNamespace

    ctx = {"data_interval_start": None, "data_interval_end": None,
           "dag_run": SimpleNamespace(run_after=pendulum.parse("2024-01-02T10:00:00Z"))}
    tokyo = operator(tmp_path).execute(ctx)  # 19:00 JST on Jan 2: Jan 1 is the latest complete day
    la = operator(tmp_path, advertiser_id=LOS_ANGELES).execute(ctx)  # 02:00 PST on Jan 2
    assert (tokyo["start_date"], tokyo["end_date"]) == ("2024-01-01", "2024-01-01")
    assert (la["start_date"], la["end_date"]) == ("2024-01-01", "2024-01-01")


def test_no_interval_and_no_run_after_is_a_clear_error(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    with pytest.raises((TikTokValidationError, AirflowFailException), match="no report dates"):
        operator(tmp_path).execute({})
    assert tiktok_connection.count(PATH) == 0


# -- concurrency (max_concurrency) ---------------------------------------------------------------

@pytest.mark.tiktok_emulator(latency_seconds=0.004, latency_jitter=1.0, max_query_rows=150)
@pytest.mark.parametrize("output_format,compression", [("jsonl", None), ("csv", "gzip")])
def test_concurrent_and_sequential_runs_write_identical_bytes(tiktok_connection: TikTokEmulator, tmp_path: Path,
                                                              output_format: str, compression: str | None) -> None:
    ctx = interval("2024-02-01T00:00:00Z", "2024-02-01T00:00:00Z")
    common: dict[str, Any] = {"advertiser_id": UTC_ADV, "data_level": "AUCTION_AD", "page_size": 25,
                              "dimensions": ["ad_id", "stat_time_day"], "report_start_date": "2024-01-01",
                              "report_end_date": "2024-03-10", "output_format": output_format,
                              "compression": compression}
    outputs = {}
    for concurrency in (1, 4, 9):
        result = operator(tmp_path, destination=f"file://{tmp_path}/c{concurrency}.{output_format}",
                          max_concurrency=concurrency, **common).execute(ctx)
        outputs[concurrency] = (Path(result["uri"].removeprefix("file://")).read_bytes(), result["rows"],
                                result["chunks"])
    # 70 days x 8 ads, chunks split on 40067 (over 150 rows), 25-row pages: the same file whatever the concurrency.
    assert outputs[1][1] == 70 * 8 and len(outputs[1][2]) > 3
    assert outputs[4] == outputs[1] == outputs[9]


def test_bad_max_concurrency_fails_at_dag_parse_time(tmp_path: Path) -> None:
    with pytest.raises(TikTokValidationError, match="max_concurrency must be an integer"):
        operator(tmp_path, max_concurrency=0)


def test_a_static_destination_without_scheme_fails_at_parse_time(tiktok_emulator: TikTokEmulator,
                                                                 tmp_path: Path) -> None:
    with pytest.raises(TikTokValidationError, match="URI with a scheme"):
        operator(tmp_path, destination="relative/path.jsonl")
    assert tiktok_emulator.requests == []
