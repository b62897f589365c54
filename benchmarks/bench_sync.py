"""Benchmark 2: a sync report of N rows (N/1000 pages) to typed JSONL vs a bare ``requests`` loop.

The provider side runs ``TikTokSyncReportOperator.execute`` (validation → SyncReportReader page by page →
RowShaper typing → JsonLinesSink → atomic_write to a ``file://`` ObjectStoragePath). The baseline fetches the
same pages with one ``requests.Session`` and writes each raw JSON answer to a file. Both run in fresh child
processes against the same emulator (page bodies cached by the emulator after an untimed warm-up).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import EmulatorProcess, Figure, MemoryProbe, child_env, emit, median, run_child

DAYS = 20
METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversion", "cost_per_conversion"]


def query(advertiser_id: str) -> dict[str, Any]:
    return {"advertiser_id": advertiser_id, "report_type": "BASIC", "data_level": "AUCTION_AD",
            "dimensions": ["ad_id", "stat_time_day"], "metrics": METRICS, "start_date": "2024-01-01",
            "end_date": f"2024-01-{DAYS:02d}", "page_size": 1000}


def run(rows: int, runs: int) -> list[Figure]:
    ads = rows // DAYS
    emu = EmulatorProcess(knobs={"ads_per_advertiser": ads}, cache=True)
    work = Path(tempfile.mkdtemp(prefix="tiktok-bench-sync-"))
    walls, base_walls, growths, base_growths = [], [], [], []
    try:
        with emu.running():
            env = child_env(emu.conn_env())
            bare = [__file__, "bare", emu.api_url, emu.access_token, emu.advertiser_ids[0], str(work / "bare.json")]
            warm = run_child(bare, env=env)  # renders every page once into the emulator's cache
            for _ in range(runs):
                base = run_child(bare, env=env)
                result = run_child([__file__, "child", emu.advertiser_ids[0], (work / "out.jsonl").as_uri()], env=env)
                if result["rows"] != rows or base["pages"] != result["requests"]:
                    raise RuntimeError(f"unexpected result: provider {result}, baseline {base}")
                walls.append(result["wall"])
                growths.append(result["rss_growth"])
                base_walls.append(base["wall"])
                base_growths.append(base["rss_growth"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall, base_wall = median(walls), median(base_walls)
    note = f"{rows:,} rows in {result['requests']} pages; warm-up {warm['wall']:.1f}s (untimed)"
    return [
        Figure("2. sync report", f"wall time, {rows:,} rows to typed JSONL", wall, "s", "≤ 1.5x bare requests",
               wall / base_wall <= 1.5, base_wall, "bare requests loop, raw JSON", wall / base_wall, note, walls,
               base_walls),
        Figure("2. sync report", "peak RSS growth of the process", median(growths), "MiB", "report only",
               None, median(base_growths), "bare requests loop", None, "", growths, base_growths),
    ]


def bare(api_url: str, token: str, advertiser_id: str, dest: str) -> None:
    import requests

    session = requests.Session()
    params = {k: json.dumps(v) if isinstance(v, list) else str(v) for k, v in query(advertiser_id).items()}
    probe = MemoryProbe().start()
    page, pages = 1, 0
    with open(dest, "wb") as fh:
        while True:
            resp = session.get(api_url + "/report/integrated/get/", params={**params, "page": str(page)},
                               headers={"Access-Token": token}, timeout=60)
            resp.raise_for_status()
            fh.write(resp.content + b"\n")
            pages += 1
            if page >= resp.json()["data"]["page_info"]["total_page"]:
                break
            page += 1
    emit({**probe.stop(), "pages": pages})


def child(advertiser_id: str, destination: str) -> None:
    from airflow_provider_tiktok.operators.sync_report import TikTokSyncReportOperator

    q = query(advertiser_id)
    op = TikTokSyncReportOperator(task_id="bench", destination=destination, dimensions=q["dimensions"],
                                  metrics=q["metrics"], advertiser_id=advertiser_id, data_level=q["data_level"],
                                  report_start_date=q["start_date"], report_end_date=q["end_date"],
                                  timezone="UTC", output_format="jsonl")
    probe = MemoryProbe().start()
    result = op.execute({"data_interval_start": None, "data_interval_end": None})
    emit({**probe.stop(), "rows": result["rows"], "requests": result["requests"]})


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(*sys.argv[2:4])
    elif sys.argv[1:2] == ["bare"]:
        bare(*sys.argv[2:6])
    else:
        for fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, 3):
            print(fig)
