"""Benchmark 5: requests made for 50 advertisers x 90 days of a daily report on the async path.

``TikTokRunReportOperator`` (non-deferrable) runs once per group of 5 advertisers (``advertiser_ids``), the 10
groups concurrently, against an emulator whose tasks take ``QUEUING + PROCESSING`` seconds. The emulator counts
every request per endpoint. The minimum: one create per group of 5, one download per task, and status checks
that back off (the bound allows ``ceil(log2(task duration / first interval)) + 2`` checks per task, which any
doubling schedule meets; fixed-interval polling makes ``duration / interval + 1``).
"""

from __future__ import annotations

import math
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import Figure

ADVERTISERS = 50
GROUP = 5
QUEUING, PROCESSING = 1.0, 3.0
POLL = 0.5


def context(task_id: str) -> dict[str, Any]:
    from airflow_provider_tiktok.testing.context import RecordingTaskInstance, task_context

    return task_context(ti=RecordingTaskInstance("bench", task_id, "run"))


def advertisers(n: int) -> list[dict[str, str]]:
    return [{"advertiser_id": f"71000000000{i:08d}", "advertiser_name": f"Bench {i}", "timezone": "UTC",
             "currency": "USD", "country": "US"} for i in range(1, n + 1)]


def run() -> list[Figure]:
    import os

    from airflow_provider_tiktok.operators.report_task import TikTokRunReportOperator
    from airflow_provider_tiktok.testing import TikTokEmulator

    emu = TikTokEmulator(advertisers=advertisers(ADVERTISERS), ads_per_advertiser=2, queuing_seconds=QUEUING,
                         processing_seconds=PROCESSING).start()
    errors: list[BaseException] = []
    try:
        os.environ.update(emu.connection_env("tiktok_default"))
        ids = emu.advertiser_ids
        groups = [ids[i:i + GROUP] for i in range(0, len(ids), GROUP)]
        out = Path(tempfile.mkdtemp(prefix="tiktok-bench-req-"))

        def one(n: int, group: list[str]) -> None:
            try:
                op = TikTokRunReportOperator(
                    task_id=f"group_{n}", report_type="BASIC", data_level="AUCTION_CAMPAIGN",
                    dimensions=["campaign_id", "stat_time_day"], advertiser_ids=group,
                    report_start_date="2024-01-01", report_end_date="2024-03-30",
                    destination=(out / f"group_{n}.csv").as_uri(), deferrable=False, poll_interval=POLL)
                op.execute(context(f"group_{n}"))
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=one, args=(n, g)) for n, g in enumerate(groups)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counts = emu.counters
    finally:
        emu.stop()
    if errors:
        raise RuntimeError(f"{len(errors)} group(s) failed: {errors[0]!r}")
    tasks = math.ceil(ADVERTISERS / GROUP)
    creates = counts.get("/report/task/create/", 0)
    downloads = counts.get("/report/task/download/", 0) + counts.get("/files/", 0)
    checks = counts.get("/report/task/check/", 0)
    per_task_bound = math.ceil(math.log2((QUEUING + PROCESSING) / POLL)) + 2
    total = sum(counts.values())
    minimum = 2 * tasks + tasks * per_task_bound
    note = (f"{ADVERTISERS} advertisers x 90 days, tasks take {QUEUING + PROCESSING:g}s, first check interval "
            f"{POLL:g}s; per endpoint: {dict(sorted(counts.items()))}")
    return [
        Figure("5. request count", "report/task/create", creates, "requests", f"= {tasks} (groups of {GROUP})",
               creates == tasks, tasks, "minimum", creates / tasks),
        Figure("5. request count", "report/task/download (+ file URL)", downloads, "requests", f"= {tasks}",
               downloads == tasks, tasks, "minimum", downloads / tasks),
        Figure("5. request count", "report/task/check", checks, "requests",
               f"≤ {tasks * per_task_bound} (backoff)", checks <= tasks * per_task_bound, tasks * per_task_bound,
               "backoff bound", checks / (tasks * per_task_bound)),
        Figure("5. request count", "all requests", total, "requests", f"≤ {minimum}", total <= minimum, minimum,
               "minimum with backoff", total / minimum, note),
    ]


if __name__ == "__main__":
    for fig in run():
        print(fig)
