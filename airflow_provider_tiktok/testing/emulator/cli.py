"""CLI: ``python -m airflow_provider_tiktok.testing --port 8780 [knobs...]``.

(``python -m airflow_provider_tiktok.testing.emulator`` is the same command.)

Prints one line of JSON (base_url, the connection of each API family, env for
``AIRFLOW_CONN_TIKTOK_DEFAULT``), optionally writes it to ``--ready-file``, then serves until
SIGTERM / SIGINT.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sys
import threading
from typing import Any

from airflow_provider_tiktok.api.spec import API_FAMILIES
from airflow_provider_tiktok.testing.emulator.core import TikTokEmulator

PROG = "python -m airflow_provider_tiktok.testing"


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=__doc__)
    p.add_argument("--host", default="127.0.0.1", help="bind address (loopback only by default)")
    p.add_argument("--port", type=int, default=0, help="0 = pick a free port")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--app-id")
    p.add_argument("--app-secret")
    p.add_argument("--ads-per-advertiser", type=int)
    p.add_argument("--queuing-seconds", type=float)
    p.add_argument("--processing-seconds", type=float)
    p.add_argument("--task-failure-message")
    p.add_argument("--report-rows", type=int)
    p.add_argument("--report-bytes", type=int, help="target size of async CSV reports (e.g. 1073741824)")
    p.add_argument("--download-url-ttl", type=float)
    p.add_argument("--access-token-ttl", type=float)
    p.add_argument("--refresh-token-ttl", type=float)
    p.add_argument("--no-rotate-refresh-tokens", action="store_true")
    p.add_argument("--app-qps", type=int)
    p.add_argument("--advertiser-qps", type=int)
    p.add_argument("--endpoint-qps", type=int,
                   help="per-endpoint QPS limit of the app (TikTok's Basic tier: 10); over it: code 40100")
    p.add_argument("--latency-seconds", type=float, help="fixed delay of every answer (e.g. 0.2)")
    p.add_argument("--latency-per-row-seconds", type=float,
                   help="extra delay per row of a page (e.g. 0.0008: a 1,000-row page takes 1 s with 0.2 fixed)")
    p.add_argument("--latency-jitter", type=float, help="random factor 1 +- this fraction on each delay (e.g. 0.1)")
    p.add_argument("--max-query-rows", type=int)
    p.add_argument("--stall-seconds", type=float)
    p.add_argument("--conn-id", default="tiktok_default")
    p.add_argument("--family", choices=API_FAMILIES, default="marketing", help="family used for --print-env")
    p.add_argument("--print-env", action="store_true",
                   help="also print `export AIRFLOW_CONN_<ID>='<json>'` (eval-able in a shell)")
    p.add_argument("--ready-file", help="write the JSON line here once listening")
    return p


def knobs_from_args(args: argparse.Namespace) -> dict[str, Any]:
    names = (
        "host port seed app_id app_secret ads_per_advertiser queuing_seconds processing_seconds "
        "task_failure_message report_rows report_bytes download_url_ttl access_token_ttl refresh_token_ttl "
        "app_qps advertiser_qps max_query_rows stall_seconds endpoint_qps latency_seconds latency_per_row_seconds "
        "latency_jitter"
    ).split()
    knobs = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    if args.no_rotate_refresh_tokens:
        knobs["rotate_refresh_tokens"] = False
    return knobs


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    # One access line per request on stderr (paths only: query strings and signed file paths never appear).
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s")
    emu = TikTokEmulator(**knobs_from_args(args))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    emu.start()
    info: dict[str, Any] = {
        "base_url": emu.base_url,
        "pid": os.getpid(),
        "connections": {family: emu.connection_dict(args.conn_id, family) for family in API_FAMILIES},
        "env": emu.connection_env(args.conn_id, args.family),
    }
    line = json.dumps(info)
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write(line + "\n")
        os.replace(tmp, args.ready_file)
    print(line, flush=True)
    if args.print_env:
        for key, value in info["env"].items():
            print(f"export {key}={shlex.quote(value)}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0

