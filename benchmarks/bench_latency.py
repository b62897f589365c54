"""Benchmark 6: sync reports at TikTok's real latency and QPS budget, concurrent vs a sequential page loop.

The emulator holds every answer ``0.2 s + 0.8 ms per row`` (a 1,000-row page: 1 s, ±10 % jitter) and limits the
app to 10 requests per second (``app_qps``: over it TikTok answers code 40100). Two workloads:

- **pages**: one advertiser, 200 pages of 1,000 rows (20 days x 10,000 ads, ad level, daily), through
  ``TikTokSyncReportOperator(max_concurrency=10)``;
- **advertisers**: 50 advertisers x 90 days, daily, ad level (33 ads: one 990-row page per 30-day chunk, 150
  pages), through ``SyncReportReader.iter_requests`` (all advertisers' chunks concurrently, order kept), typed
  and written as one JSON Lines file.

Baseline: a bare ``requests`` loop fetching the same pages one after the other. A sequential loop takes minutes
here, so its three runs go at the same time (three independent loops, 3 requests per second in all, well inside
the 10 QPS); the provider's three runs go one after the other, alone. Every provider run is checked on the
emulator side: answers with code 40100 (must be none) and the most requests that arrived in any one second
(must stay within 10).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import PY, REPO, EmulatorProcess, Figure, MemoryProbe, child_env, emit, median, run_child

METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversion", "cost_per_conversion"]
LATENCY = {"latency_seconds": 0.2, "latency_per_row_seconds": 0.0008, "latency_jitter": 0.1, "app_qps": 10}
CONCURRENCY = 10
REPORT = "/report/integrated/get/"


def page_query(advertiser_id: str, start: str, end: str) -> dict[str, Any]:
    return {"advertiser_id": advertiser_id, "report_type": "BASIC", "data_level": "AUCTION_AD",
            "dimensions": ["ad_id", "stat_time_day"], "metrics": METRICS, "start_date": start, "end_date": end,
            "page_size": 1000}


def advertisers(n: int) -> list[dict[str, str]]:
    return [{"advertiser_id": f"71000000000{i:08d}", "advertiser_name": f"Bench {i}", "timezone": "UTC",
             "currency": "USD", "country": "US"} for i in range(1, n + 1)]


CHUNKS_90 = [("2024-01-01", "2024-01-30"), ("2024-01-31", "2024-02-29"), ("2024-03-01", "2024-03-30")]


def _parallel(args_list: list[list[str]], env: dict[str, str]) -> list[dict[str, Any]]:
    procs = [subprocess.Popen([PY, *args], env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for args in args_list]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=1200)
        if proc.returncode != 0:
            raise RuntimeError(f"baseline failed ({proc.returncode}): {err[-3000:]}")
        line = [x for x in out.splitlines() if x.startswith("BENCH-RESULT ")][-1]
        results.append(json.loads(line.split(" ", 1)[1]))
    return results


def _emulator_check(emu: EmulatorProcess) -> tuple[int, int]:
    """(answers with code 40100, most requests arriving within one second) since the last reset."""
    import requests

    from airflow_provider_tiktok.testing.emulator.ratelimit import peak_per_window

    records = requests.get(emu.info["control_url"] + "/requests", timeout=30).json()
    limited = sum(1 for r in records if r.get("code") == 40100)
    return limited, peak_per_window([r["t"] for r in records if r["path"] == REPORT])


def _scenario(name: str, knobs: dict[str, Any], seq_args: Any, prov_args: Any, expected_rows: int, runs: int,
              goal: float) -> list[Figure]:
    emu = EmulatorProcess(knobs={**knobs, **LATENCY}, cache=True)
    work = Path(tempfile.mkdtemp(prefix=f"tiktok-bench-lat-{name}-"))
    walls: list[float] = []
    checks: list[tuple[int, int]] = []
    try:
        with emu.running():
            env = child_env(emu.conn_env())
            warm = run_child(prov_args(emu, work / "warm.jsonl"), env=env)  # fills the emulator's page cache
            bases = _parallel([seq_args(emu, work / f"seq{i}.json") for i in range(runs)], env)
            for i in range(runs):
                emu.reset_counters()
                result = run_child(prov_args(emu, work / f"out{i}.jsonl"), env=env)
                if result["rows"] != expected_rows:
                    raise RuntimeError(f"{name}: {result['rows']} rows, expected {expected_rows}")
                walls.append(result["wall"])
                checks.append(_emulator_check(emu))
            if len({(work / f"out{i}.jsonl").read_bytes() for i in range(runs)}) != 1:
                raise RuntimeError(f"{name}: the concurrent runs wrote different files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base_walls = [b["wall"] for b in bases]
    wall, base = median(walls), median(base_walls)
    limited = sum(c[0] for c in checks)
    peak = max(c[1] for c in checks)
    label = "200 pages of 1,000 rows" if name == "pages" else "50 advertisers x 90 days, daily, ad level"
    note = (f"{expected_rows:,} rows in {bases[0]['pages']} pages; emulator 1 s per 1,000-row page, 10 QPS app "
            f"limit; max_concurrency {CONCURRENCY}; warm-up {warm['wall']:.1f}s (untimed); baseline runs in "
            f"parallel; per run (40100 answers, peak requests/s): {checks}")
    return [
        Figure("6. latency", f"wall time, {label} (ratio = speed-up)", wall, "s",
               f"≥ {goal:g}x faster than sequential", base / wall >= goal, base, "sequential requests loop",
               base / wall, note, walls, base_walls),
        Figure("6. latency", f"{name}: 40100 answers / peak requests per second", limited, "", "0 / ≤ 10",
               limited == 0 and peak <= 10, None, "", None, f"peak {peak} requests in one second"),
    ]


def run(runs: int, quick: bool = False) -> list[Figure]:
    ads_pages = 1000 if quick else 10_000  # x 20 days: 20 or 200 pages
    n_adv = 5 if quick else 50
    figures = _scenario(
        "pages", {"ads_per_advertiser": ads_pages},
        lambda emu, dest: [__file__, "seq", emu.api_url, emu.access_token, str(dest), "2024-01-01", "2024-01-20",
                           emu.advertiser_ids[0]],
        lambda emu, dest: [__file__, "prov-pages", emu.advertiser_ids[0], dest.as_uri()],
        ads_pages * 20, runs, 5.0)
    figures += _scenario(
        "advertisers", {"ads_per_advertiser": 33, "advertisers": advertisers(n_adv)},
        lambda emu, dest: [__file__, "seq", emu.api_url, emu.access_token, str(dest), "2024-01-01", "2024-03-30",
                           *emu.advertiser_ids],
        lambda emu, dest: [__file__, "prov-many", str(dest), *emu.advertiser_ids],
        n_adv * 90 * 33, runs, 8.0)
    return figures


def seq(api_url: str, token: str, dest: str, start: str, end: str, *advertiser_ids: str) -> None:
    """The sequential baseline: one page after the other, raw JSON written as received."""
    import requests

    from airflow_provider_tiktok.api.marketing.windows import ReportWindow, chunk_window, parse_date

    session = requests.Session()
    probe = MemoryProbe().start()
    pages = 0
    windows = list(chunk_window(ReportWindow(parse_date(start, "start"), parse_date(end, "end")), 30))
    with open(dest, "wb") as fh:
        for adv in advertiser_ids:
            for window in windows:
                q = page_query(adv, window.start_date, window.end_date)
                params = {k: json.dumps(v, separators=(",", ":")) if isinstance(v, list) else str(v)
                          for k, v in q.items()}
                page = 1
                while True:
                    resp = session.get(api_url + REPORT, params={**params, "page": str(page)},
                                       headers={"Access-Token": token}, timeout=60)
                    resp.raise_for_status()
                    body = resp.json()
                    if body["code"] != 0:
                        raise RuntimeError(f"baseline got code {body['code']}: {body['message']}")
                    fh.write(resp.content + b"\n")
                    pages += 1
                    if page >= body["data"]["page_info"]["total_page"]:
                        break
                    page += 1
    emit({**probe.stop(), "pages": pages})


def prov_pages(advertiser_id: str, destination: str) -> None:
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    q = page_query(advertiser_id, "2024-01-01", "2024-01-20")
    op = TikTokSyncReportOperator(task_id="bench", destination=destination, dimensions=q["dimensions"],
                                  metrics=q["metrics"], advertiser_id=advertiser_id, data_level=q["data_level"],
                                  report_start_date=q["start_date"], report_end_date=q["end_date"],
                                  timezone="UTC", output_format="jsonl", max_concurrency=CONCURRENCY)
    probe = MemoryProbe().start()
    result = op.execute({"data_interval_start": None, "data_interval_end": None})
    emit({**probe.stop(), "rows": result["rows"], "requests": result["requests"]})


def prov_many(dest: str, *advertiser_ids: str) -> None:
    from airflow.sdk import ObjectStoragePath

    from airflow_provider_tiktok.api.marketing.integrated import SyncReportRequest
    from airflow_provider_tiktok.api.marketing.typing_rows import RowShaper
    from airflow_provider_tiktok.api.marketing.windows import ReportWindow, parse_date
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook
    from airflow_provider_tiktok.utils.storage import JsonLinesSink, atomic_write

    hook = TikTokHook()
    q = page_query(advertiser_ids[0], "2024-01-01", "2024-03-30")
    requests_ = [SyncReportRequest(report_type="BASIC", data_level="AUCTION_AD", advertiser_id=adv,
                                   dimensions=q["dimensions"], metrics=q["metrics"]) for adv in advertiser_ids]
    window = ReportWindow(parse_date(q["start_date"], "start"), parse_date(q["end_date"], "end"))
    shapers = {r.advertiser_id: RowShaper(r.dimensions, r.metrics, advertiser_id=r.advertiser_id)
               for r in requests_}
    probe = MemoryProbe().start()
    reader = hook.sync_report_reader(requests_[0], max_concurrency=CONCURRENCY)
    rows = 0
    with atomic_write(ObjectStoragePath(Path(dest).as_uri())) as sink:
        writer = JsonLinesSink(sink)
        for request, items in reader.iter_requests(requests_, window):
            writer.write_rows(shapers[request.advertiser_id].shape_all(items))
            rows += len(items)
    emit({**probe.stop(), "rows": rows, "requests": reader.stats.requests})


if __name__ == "__main__":
    mode, rest = (sys.argv[1] if len(sys.argv) > 1 else ""), sys.argv[2:]
    if mode == "seq":
        seq(*rest)
    elif mode == "prov-pages":
        prov_pages(*rest)
    elif mode == "prov-many":
        prov_many(*rest)
    else:
        for fig in run(3, quick=True):
            print(fig)
