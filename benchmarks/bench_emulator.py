"""Benchmark 0: the emulator's own memory while it serves a large CSV_STRING report (issue: emulator).

The emulator runs in its own process without the body cache, so it generates every byte while it
streams. A client downloads the report and discards the bytes; the figure is the growth of the
emulator process's peak RSS (VmHWM) across the download. One run: generating 1 GiB takes about a
minute on this machine, and the figure is a memory bound, not a timing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIB, EmulatorProcess, Figure, proc_status_kib
from bench_download import create_ready_task


def run(size: int) -> list[Figure]:
    import requests

    emu = EmulatorProcess(knobs={"report_bytes": size, "ads_per_advertiser": 100000})
    with emu.running():
        task_id, adv = create_ready_task(emu)
        pid = emu.info["pid"]
        before = proc_status_kib("VmHWM", pid) * 1024
        started = time.perf_counter()
        served = 0
        with requests.get(emu.api_url + "/report/task/download/", params={"task_id": task_id, "advertiser_id": adv},
                          headers={"Access-Token": emu.access_token}, stream=True, timeout=120) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=MIB):
                served += len(chunk)
        elapsed = time.perf_counter() - started
        growth = proc_status_kib("VmHWM", pid) * 1024 - before
    note = (f"served {served:,} bytes in {elapsed:.1f} s ({served / elapsed / 1e6:.1f} MB/s, generated on the fly); "
            f"emulator peak RSS before {before / MIB:.1f} MiB; single run")
    return [Figure("0. emulator", f"peak RSS growth serving {served / MIB:.0f} MiB", float(growth), "MiB",
                   "≤ 64 MiB (flat)", growth <= 64 * MIB, note=note, runs=[float(growth)])]


if __name__ == "__main__":
    for fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else 32 * MIB):
        print(fig)
