"""Benchmark: N ads (N/1000 pages of ``/ad/get/``) through the entity operator vs a bare ``requests`` loop.

The provider side runs ``TikTokEntitiesToStorageOperator(entity="ads").execute`` (validation → hook pages
with ``total_number`` checks, one page read ahead → row shaping → JsonLinesSink → atomic_write to a
``file://`` ObjectStoragePath). The baseline fetches the same pages (same ``fields``) with one
``requests.Session`` and writes each raw JSON answer to a file. Both run in fresh child processes against
the same emulator process, alternating, so they see the same emulator; the medians of ``runs`` are compared.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import MIB, EmulatorProcess, Figure, MemoryProbe, bare_page_loop, child_env, emit, median, run_child

PAGE_SIZE = 1000
RSS_LIMIT_MIB = 64.0


def fields() -> list[str]:
    from airflow_provider_tiktok.api.marketing.entities_catalog import ENTITIES

    return list(ENTITIES["ads"].default_fields)


def run(ads: int, runs: int) -> list[Figure]:
    emu = EmulatorProcess(knobs={"ads_per_advertiser": ads, "deleted_entities": 0})
    work = Path(tempfile.mkdtemp(prefix="tiktok-bench-entities-"))
    walls, base_walls, growths, base_growths = [], [], [], []
    try:
        with emu.running():
            # The bare loop has no rate budget: lift the provider's (TikTok's 10 QPS tier) for a like-for-like run.
            env = child_env(emu.conn_env(max_qps=100_000))
            bare = [__file__, "bare", emu.api_url, emu.access_token, emu.advertiser_ids[0], str(work / "bare.json")]
            provider = [__file__, "child", emu.advertiser_ids[0], (work / "ads.jsonl").as_uri()]
            for _ in range(runs):
                base = run_child(bare, env=env)
                result = run_child(provider, env=env)
                if result["rows"] != ads or base["pages"] != result["pages"]:
                    raise RuntimeError(f"unexpected result: provider {result}, baseline {base}")
                walls.append(result["wall"])
                growths.append(result["rss_growth"])
                base_walls.append(base["wall"])
                base_growths.append(base["rss_growth"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    wall, base_wall, growth = median(walls), median(base_walls), median(growths)
    note = (f"{ads:,} ads in {result['pages']} pages of {PAGE_SIZE}, {len(fields())} fields; client CPU "
            f"{result['cpu']:.1f}s vs {base['cpu']:.1f}s")
    return [
        Figure("7. entities", f"wall time, {ads:,} ads to typed JSONL", wall, "s", "≤ 1.5x bare requests",
               wall / base_wall <= 1.5, base_wall, "bare requests loop, raw JSON", wall / base_wall, note, walls,
               base_walls),
        Figure("7. entities", "peak RSS growth of the process", growth, "MiB", f"≤ {RSS_LIMIT_MIB:g} MiB",
               growth <= RSS_LIMIT_MIB * MIB, median(base_growths), "bare requests loop", None, "", growths,
               base_growths),
    ]


def bare(api_url: str, token: str, advertiser_id: str, dest: str) -> None:
    params = {"advertiser_id": advertiser_id, "page_size": str(PAGE_SIZE), "fields": json.dumps(fields())}
    bare_page_loop(api_url + "/ad/get/", params, token, dest)


def child(advertiser_id: str, destination: str) -> None:
    from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator

    op = TikTokEntitiesToStorageOperator(task_id="bench", entity="ads", advertiser_id=advertiser_id,
                                         page_size=PAGE_SIZE, destination=destination)
    probe = MemoryProbe().start()
    result = op.execute({})
    emit({**probe.stop(), "rows": result["rows"], "pages": result["pages"]})


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(*sys.argv[2:4])
    elif sys.argv[1:2] == ["bare"]:
        bare(*sys.argv[2:6])
    else:
        for fig in run(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, 3):
            print(fig)
