"""TikTokEntitiesToStorageOperator against the emulator over loopback HTTP, writing to local object storage."""

from __future__ import annotations

import csv
import gzip
import io
import json
import time
from pathlib import Path
from typing import Any

import pendulum
import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator
from airflow_provider_tiktok.operators.results import RESULT_KEYS
from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.context import rendered, task_context

TOKYO, LA, FORBIDDEN = "7100000000000000001", "7100000000000000002", "7100000000000000099"


def operator(tmp_path: Path, **overrides: Any) -> TikTokEntitiesToStorageOperator:
    kwargs: dict[str, Any] = {"task_id": "entities", "advertiser_id": TOKYO,
                              "destination": f"file://{tmp_path}/{{entity}}/{{advertiser_id}}.{{ext}}", **overrides}
    return TikTokEntitiesToStorageOperator(**kwargs)


def read_jsonl(uri: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(uri.removeprefix("file://")).read_text().splitlines()]


def files_under(tmp_path: Path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())


@pytest.mark.tiktok_emulator(ads_per_advertiser=25)
def test_ads_to_jsonl_over_several_pages(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    result = operator(tmp_path, page_size=10).execute(task_context())
    rows = read_jsonl(result["uri"])
    assert len(rows) == result["rows"] == result["rows_received"] == 25 and result["pages"] == 3
    assert list(rows[0])[:4] == ["advertiser_id", "campaign_id", "adgroup_id", "ad_id"]
    assert rows[0]["image_ids"] == ["ad-site-i18n-sg/emulator0010000000000"]  # typed: a JSON list
    assert list(result)[:len(RESULT_KEYS)] == list(RESULT_KEYS)
    assert (result["format"], result["advertiser_id"], result["entity"]) == ("jsonl", TOKYO, "ads")
    assert result["uri"] == f"file://{tmp_path}/ads/{TOKYO}.jsonl"
    assert files_under(tmp_path) == [f"ads/{TOKYO}.jsonl"]


@pytest.mark.tiktok_emulator(ads_per_advertiser=57, latency_seconds=0.02, latency_jitter=0.9)
@pytest.mark.parametrize("output_format", ["jsonl", "csv"])
def test_concurrent_pages_write_the_same_bytes_as_one_at_a_time(tiktok_connection: TikTokEmulator, tmp_path: Path,
                                                                 output_format: str) -> None:
    """Pages answered out of order (jittered latency) still land in page order: byte-identical files."""
    outputs = {}
    for concurrency in (1, 6):
        folder = tmp_path / str(concurrency)
        result = operator(folder, page_size=5, include_deleted=True, output_format=output_format,
                          max_concurrency=concurrency).execute(task_context())
        assert result["pages"] == 12
        outputs[concurrency] = Path(result["uri"].removeprefix("file://")).read_bytes()
    assert outputs[1] == outputs[6] and outputs[1]


@pytest.mark.tiktok_emulator(ads_per_advertiser=60, endpoint_qps=5, latency_seconds=0.05, latency_jitter=0.5)
def test_concurrent_pages_stay_inside_the_connections_budget(tiktok_emulator: TikTokEmulator, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """8 pages at a time against an endpoint limited to 5 per second, with ``max_qps`` 5: not one 40100."""
    conn = tiktok_emulator.connection_dict("tiktok_default")
    conn["extra"]["max_qps"] = 5
    monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", json.dumps(conn))
    started = time.monotonic()
    result = operator(tmp_path, page_size=5, max_concurrency=8).execute(task_context())
    assert (result["pages"], result["rows"]) == (12, 60)
    assert tiktok_emulator.codes("/ad/get/") == {0: 12}
    assert tiktok_emulator.peak_qps("/ad/get/") <= 5
    assert time.monotonic() - started >= 2.0  # 12 requests at 5 per 1.1 s: the last leaves 11 x 0.22 s after the first


def test_campaigns_to_gzip_csv_with_chosen_fields(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    result = operator(tmp_path, entity="adgroups", output_format="csv", compression="gzip",
                      fields=["adgroup_id", "placements", "comment_disabled"]).execute(task_context())
    text = gzip.decompress(Path(result["uri"].removeprefix("file://")).read_bytes()).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert result["uri"].endswith(f"adgroups/{TOKYO}.csv.gz") and result["rows"] == len(rows) == 4
    assert rows[0] == {"advertiser_id": TOKYO, "adgroup_id": "1800100000000000000",
                       "placements": '["PLACEMENT_TIKTOK"]', "comment_disabled": "false"}
    assert result["bytes"] < result["bytes_uncompressed"]


@pytest.mark.tiktok_emulator(deleted_entities=2)
def test_include_deleted(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    live = operator(tmp_path, entity="campaigns", destination=f"file://{tmp_path}/live.jsonl").execute({})
    every = operator(tmp_path, entity="campaigns", include_deleted=True,
                     destination=f"file://{tmp_path}/all.jsonl").execute({})
    assert (live["rows"], every["rows"]) == (2, 4) and every["include_deleted"] is True
    assert [r["operation_status"] for r in read_jsonl(every["uri"])][-2:] == ["DELETE", "DELETE"]
    filtering = [json.loads(r["query"]["filtering"]) for r in tiktok_connection.requests if "filtering" in r["query"]]
    assert filtering == [{"primary_status": "STATUS_ALL"}]


@pytest.mark.tiktok_emulator(ads_per_advertiser=40)
def test_updated_since_rendered_from_a_template(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    every = read_jsonl(operator(tmp_path, entity="videos", destination=f"file://{tmp_path}/all.jsonl")
                       .execute({})["uri"])
    cut = sorted(r["modify_time"] for r in every)[5]
    op = rendered(operator(tmp_path, entity="videos", updated_since="{{ data_interval_start }}",
                           destination=f"file://{tmp_path}/recent.jsonl"),
                  updated_since=pendulum.parse(cut.replace(" ", "T") + "Z").isoformat())
    result = op.execute({})
    assert result["rows"] == len(every) - 5 and result["rows_received"] == len(every)
    assert result["updated_since"] == cut
    assert all(r["modify_time"] >= cut for r in read_jsonl(result["uri"]))


def test_mapping_over_two_advertisers_and_a_forbidden_one(tiktok_connection: TikTokEmulator,
                                                          tmp_path: Path) -> None:
    """What ``.expand(advertiser_id=[...])`` runs: one task per advertiser; the forbidden one fails alone."""
    outcomes: dict[str, Any] = {}
    for advertiser in (TOKYO, FORBIDDEN, LA):
        try:
            outcomes[advertiser] = operator(tmp_path, entity="pixels", advertiser_id=advertiser).execute({})["rows"]
        except AirflowFailException as exc:
            outcomes[advertiser] = str(exc)
    assert outcomes[TOKYO] == outcomes[LA] == 2
    assert "40001" in outcomes[FORBIDDEN]
    assert files_under(tmp_path) == [f"pixels/{TOKYO}.jsonl", f"pixels/{LA}.jsonl"]
    tokyo, la = (read_jsonl(f"file://{tmp_path}/pixels/{a}.jsonl") for a in (TOKYO, LA))
    assert {r["advertiser_id"] for r in tokyo} == {TOKYO} and tokyo[0]["pixel_id"] != la[0]["pixel_id"]


def test_partial_expand_builds_a_mapped_task(tmp_path: Path) -> None:
    from airflow.sdk import DAG

    with DAG("entities_mapped", schedule=None, start_date=pendulum.datetime(2024, 1, 1)) as dag:
        TikTokEntitiesToStorageOperator.partial(
            task_id="ads", entity="ads", include_deleted=True,
            destination=f"file://{tmp_path}/{{entity}}/{{advertiser_id}}.{{ext}}",
        ).expand(advertiser_id=[TOKYO, LA])
    assert [t.task_id for t in dag.tasks] == ["ads"]


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"entity": "campaing"}, "did you mean 'campaigns'"),
    ({"fields": ["ad_nam"]}, "did you mean 'ad_name'"),
    ({"filtering": {"adgroup_id": ["1"]}}, "did you mean 'adgroup_ids'"),
    ({"page_size": 5000}, "page_size"),
    ({"max_concurrency": 0}, "max_concurrency"),
    ({"output_format": "parquet"}, "output_format"),
    ({"destination": "file:///tmp/{advertiser}.jsonl"}, "placeholder"),
    ({"entity": "pixels", "include_deleted": True}, "include_deleted"),
])
def test_static_arguments_fail_at_parse_time(tiktok_connection: TikTokEmulator, tmp_path: Path,
                                             kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(TikTokValidationError) as info:
        operator(tmp_path, **kwargs)
    assert words in str(info.value)
    assert tiktok_connection.requests == []


def test_templated_values_are_checked_before_any_request(tiktok_connection: TikTokEmulator, tmp_path: Path) -> None:
    op = rendered(operator(tmp_path, advertiser_id="{{ params.adv }}", filtering="{{ params.f }}"),
                  advertiser_id=TOKYO, filtering='{"ad_idz": ["1"]}')
    with pytest.raises(AirflowFailException, match="did you mean 'ad_ids'"):
        op.execute({})
    assert tiktok_connection.requests == [] and files_under(tmp_path) == []
