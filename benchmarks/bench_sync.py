"""Benchmark 2: the CPU path. A sync report of N rows (N/1000 pages) to typed JSONL vs TikTok's official SDK.

The provider side runs ``TikTokSyncReportOperator.execute`` (validation → SyncReportReader, pages fetched
``max_concurrency`` (default 4) at a time → msgspec decoding → RowShaper typing by the catalog's declared types →
msgspec JSON Lines → atomic_write to a ``file://`` ObjectStoragePath). The goal baseline is TikTok's official
Python SDK (``tiktok-business-api-sdk-official`` from PyPI, installed by this benchmark into a throw-away virtual
environment, pointed at the emulator with ``Configuration().host``) paging the same report one page after the
other and writing its raw rows as JSON lines. A bare ``requests`` loop writing each raw answer is shown too, and
the figure is compared with the one measured before this change (``PREVIOUS``). Every side runs in a fresh child
process against the same emulator (no latency; page bodies cached by the emulator after an untimed warm-up), and
every clock starts after the imports (Airflow's import is excluded).
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

from _common import EmulatorProcess, Figure, MemoryProbe, bare_page_loop, child_env, emit, median, run_child

DAYS = 20
SDK_PACKAGE = "tiktok-business-api-sdk-official"
#: Figure 2 before the concurrent / msgspec CPU path (RESULTS.md of 2026-11-22, same machine type).
PREVIOUS = 4.045
METRICS = ["spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversion", "cost_per_conversion"]


def query(advertiser_id: str) -> dict[str, Any]:
    return {"advertiser_id": advertiser_id, "report_type": "BASIC", "data_level": "AUCTION_AD",
            "dimensions": ["ad_id", "stat_time_day"], "metrics": METRICS, "start_date": "2024-01-01",
            "end_date": f"2024-01-{DAYS:02d}", "page_size": 1000}


def sdk_python() -> str:
    """The python of a throw-away virtual environment holding the official SDK (created once per machine)."""
    venv = Path(tempfile.gettempdir()) / "tiktok-bench-sdk-venv"
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import business_api_client"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return str(python)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", SDK_PACKAGE],
                   check=True)
    return str(python)


def run(rows: int, runs: int) -> list[Figure]:
    ads = rows // DAYS
    sdk = sdk_python()
    emu = EmulatorProcess(knobs={"ads_per_advertiser": ads}, cache=True)
    work = Path(tempfile.mkdtemp(prefix="tiktok-bench-sync-"))
    walls, base_walls, sdk_walls, growths, base_growths = [], [], [], [], []
    try:
        with emu.running():
            # The rate budget is lifted (as the SDK has none): this benchmark measures the CPU path; benchmark 6
            # measures the budget at TikTok's QPS.
            env = child_env(emu.conn_env(max_qps=100_000))
            sdk_env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
            sdk_env["PYTHONPATH"] = str(Path(__file__).resolve().parent)  # _common only: no provider, no Airflow
            adv = emu.advertiser_ids[0]
            bare = [__file__, "bare", emu.api_url, emu.access_token, adv, str(work / "bare.json")]
            official = [__file__, "sdk", emu.base_url, emu.access_token, adv, str(work / "sdk.jsonl")]
            provider = [__file__, "child", adv, (work / "out.jsonl").as_uri()]
            warm = run_child(provider, env=env)  # renders every page once into the emulator's cache
            run_child(bare, env=env)
            for _ in range(runs):
                base = run_child(bare, env=env)
                theirs = run_child(official, env=sdk_env, python=sdk)
                result = run_child(provider, env=env)
                if result["rows"] != rows or base["pages"] != result["requests"] or theirs["rows"] != rows:
                    raise RuntimeError(f"unexpected result: provider {result}, baseline {base}, sdk {theirs}")
                walls.append(result["wall"])
                growths.append(result["rss_growth"])
                base_walls.append(base["wall"])
                base_growths.append(base["rss_growth"])
                sdk_walls.append(theirs["wall"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall, base_wall, sdk_wall = median(walls), median(base_walls), median(sdk_walls)
    note = (f"{rows:,} rows in {result['requests']} pages, emulator without latency, rate budget lifted "
            f"(max_qps 100000); provider max_concurrency 4; "
            f"SDK {SDK_PACKAGE} (sequential pages, raw rows as JSON lines); warm-up {warm['wall']:.1f}s (untimed)")
    return [
        Figure("2. sync report (CPU)", f"wall time, {rows:,} rows to typed JSONL", wall, "s", "≤ 1.2x official SDK",
               wall / sdk_wall <= 1.2, sdk_wall, "official TikTok SDK, raw rows", wall / sdk_wall, note, walls,
               sdk_walls),
        Figure("2. sync report (CPU)", "same run vs a bare requests loop", wall, "s", "report only", None, base_wall,
               "bare requests loop, raw JSON", wall / base_wall, "", walls, base_walls),
        Figure("2. sync report (CPU)", "same run vs the figure before this change", wall, "s", "report only", None,
               PREVIOUS, "2026-11-22 figure (sequential, json)", wall / PREVIOUS, ""),
        Figure("2. sync report (CPU)", "peak RSS growth of the process", median(growths), "MiB", "report only",
               None, median(base_growths), "bare requests loop", None, "", growths, base_growths),
    ]


def bare(api_url: str, token: str, advertiser_id: str, dest: str) -> None:
    # Encoded as the provider encodes them, so both hit the same cached pages.
    params = {k: json.dumps(v, separators=(",", ":")) if isinstance(v, list) else str(v)
              for k, v in query(advertiser_id).items()}
    bare_page_loop(api_url + "/report/integrated/get/", params, token, dest)


def sdk(base_url: str, token: str, advertiser_id: str, dest: str) -> None:
    """The official SDK paging the same report (runs in the SDK's own virtual environment)."""
    import business_api_client
    from business_api_client.api.reporting_api import ReportingApi

    config = business_api_client.Configuration()
    config.host = base_url
    api = ReportingApi(business_api_client.ApiClient(config))
    q = query(advertiser_id)
    probe = MemoryProbe().start()
    page, rows = 1, 0
    with open(dest, "wb") as fh:
        while True:
            answer = api.report_integrated_get(
                q["report_type"], token, advertiser_id=advertiser_id, data_level=q["data_level"],
                dimensions=q["dimensions"], metrics=q["metrics"], start_date=q["start_date"],
                end_date=q["end_date"], page=page, page_size=q["page_size"])
            body = answer if isinstance(answer, dict) else answer.to_dict()  # 1.1.x: a dict holding "data"
            if body.get("code", 0) != 0 or "data" not in body:
                raise RuntimeError(f"SDK got an error answer: {str(body)[:300]}")
            items = body["data"]["list"]
            fh.write("".join(json.dumps(item) + "\n" for item in items).encode())
            rows += len(items)
            if page >= body["data"]["page_info"]["total_page"]:
                break
            page += 1
    emit({**probe.stop(), "rows": rows})


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
    elif sys.argv[1:2] == ["sdk"]:
        sdk(*sys.argv[2:6])
    else:
        for fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else 20000, 3):
            print(fig)
