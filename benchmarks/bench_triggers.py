"""Benchmark 3: N concurrent ``TikTokReportTaskTrigger``s in one event loop against the emulator.

The emulator scripts every task: finishing times spread evenly over ``--spread`` seconds, every 10th task
FAILED with its own message, every 25th CANCELED while still running. A child process creates the tasks,
then runs every trigger's ``run()`` in one asyncio loop (as the triggerer does) and checks each event against
the scripted outcome. Figures: the child's peak RSS (absolute, Airflow imports included), its CPU seconds, and
the same for a bare baseline (Airflow imported, N coroutines polling ``/report/task/check/`` through one
shared ``httpx`` client, no provider code).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIB, EmulatorProcess, Figure, MemoryProbe, child_env, emit, median, run_child

POLL_INTERVAL = 1.0
QUERY = {"report_type": "BASIC", "data_level": "AUCTION_CAMPAIGN", "dimensions": ["campaign_id", "stat_time_day"],
         "start_date": "2024-01-01", "end_date": "2024-01-07", "output_format": "CSV_STRING"}


def outcomes(n: int, spread: float) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        failed = i % 10 == 9
        out.append({"status": "FAILED" if failed else "SUCCESS", "message": f"scripted failure {i}" if failed else "",
                    "queuing_seconds": 0.5, "processing_seconds": 1.0 + spread * i / max(1, n - 1)})
    return out


def expected(i: int) -> str:
    if i % 25 == 24:
        return "canceled"
    return "failed" if i % 10 == 9 else "success"


def run(n: int, spread: float, runs: int) -> list[Figure]:
    peaks, cpus, walls, base_peaks, base_cpus = [], [], [], [], []
    for _ in range(runs):
        for mode in ("bare", "child"):
            emu = EmulatorProcess(knobs={"task_outcomes": outcomes(n, spread)})
            with emu.running():
                # The rate budget is lifted: this benchmark measures the trigger machinery's memory and CPU, and
                # 1,000 triggers of one app polling every second are far beyond any app's QPS anyway.
                env = child_env(emu.conn_env(max_qps=100_000))
                result = run_child([__file__, mode, emu.api_url, emu.access_token, emu.advertiser_ids[0], str(n)],
                                   env=env)
            if result["wrong"]:
                raise RuntimeError(f"{mode}: {result['wrong']} wrong events, e.g. {result['example']}")
            if mode == "child":
                peaks.append(result["peak_rss"])
                cpus.append(result["cpu"])
                walls.append(result["wall"])
            else:
                base_peaks.append(result["peak_rss"])
                base_cpus.append(result["cpu"])
    note = (f"{n} triggers, poll_interval {POLL_INTERVAL:g}s, tasks finishing over {spread:g}s; "
            f"median wall {median(walls):.1f}s; every event checked")
    peak, cpu = median(peaks), median(cpus)
    return [
        Figure("3. triggers", f"peak RSS, {n} concurrent triggers", peak, "MiB", "≤ 300 MiB", peak <= 300 * MIB,
               median(base_peaks), "bare httpx loop", peak / median(base_peaks), note, peaks, base_peaks),
        Figure("3. triggers", "CPU seconds", cpu, "s", "report only", None, median(base_cpus), "bare httpx loop",
               cpu / median(base_cpus), "", cpus, base_cpus),
    ]


def create_tasks(api_url: str, token: str, advertiser_id: str, n: int) -> list[str]:
    import requests

    session = requests.Session()
    headers = {"Access-Token": token}
    ids = []
    for i in range(n):
        data = session.post(api_url + "/report/task/create/", json={"advertiser_id": advertiser_id, **QUERY},
                            headers=headers, timeout=30).json()
        ids.append(data["data"]["task_id"])
        if expected(i) == "canceled":  # at once, while it is still QUEUING
            answer = session.post(api_url + "/report/task/cancel/", headers=headers, timeout=30,
                                  json={"advertiser_id": advertiser_id, "task_id": ids[-1]}).json()
            if answer["code"] != 0:
                raise RuntimeError(f"cancel failed: {answer}")
    return ids


def check(results: list[str], started: float) -> dict[str, Any]:
    wrong = [(i, got) for i, got in enumerate(results) if got != expected(i)]
    return {"wrong": len(wrong), "example": wrong[:3], "events": len(results), "elapsed": time.time() - started}


def child(api_url: str, token: str, advertiser_id: str, n: str) -> None:
    from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger

    ids = create_tasks(api_url, token, advertiser_id, int(n))
    started = time.time()

    async def first_event(task_id: str) -> str:
        trigger = TikTokReportTaskTrigger(report_task_id=task_id, advertiser_id=advertiser_id,
                                          deadline=time.time() + 600, poll_interval=POLL_INTERVAL)
        async for event in trigger.run():
            return str(event.payload["status"])
        return "no event"

    async def main() -> list[str]:
        return list(await asyncio.gather(*(first_event(t) for t in ids)))

    probe = MemoryProbe().start()
    results = asyncio.run(main())
    emit({**probe.stop(), **check(results, started)})


def bare(api_url: str, token: str, advertiser_id: str, n: str) -> None:
    import airflow.triggers.base  # noqa: F401 - same fixed cost as the provider side (Airflow loaded)
    import httpx

    ids = create_tasks(api_url, token, advertiser_id, int(n))
    started = time.time()

    async def poll(client: httpx.AsyncClient, task_id: str) -> str:
        while True:
            resp = await client.get(api_url + "/report/task/check/", headers={"Access-Token": token},
                                    params={"task_id": task_id, "advertiser_id": advertiser_id})
            status = json.loads(resp.content)["data"]["status"]
            if status in ("SUCCESS", "FAILED", "CANCELED"):
                return "success" if status == "SUCCESS" else status.lower()
            await asyncio.sleep(POLL_INTERVAL)

    async def main() -> list[str]:
        async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=20)) as client:
            return list(await asyncio.gather(*(poll(client, t) for t in ids)))

    probe = MemoryProbe().start()
    results = asyncio.run(main())
    emit({**probe.stop(), **check(results, started)})


if __name__ == "__main__":
    if sys.argv[1:2] in (["child"], ["bare"]):
        (child if sys.argv[1] == "child" else bare)(*sys.argv[2:6])
    else:
        for fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100, 5.0, 1):
            print(fig)
