"""The TikTok emulator as a separate benchmark process (its memory and CPU never count as the client's).

    python benchmarks/emulator_proc.py --ready-file F [--knobs '{"report_bytes": 1073741824}'] [--cache]

Like ``python -m airflow_provider_tiktok.testing`` but takes any ``EmulatorConfig`` knob as JSON (per-task
outcomes, 50 advertisers, ...) and serves a small control API on a second port (``GET /counters``,
``POST /reset``) so the harness can count the requests a workload made.

``--cache`` memoises report bodies inside this process: the emulator renders CSV and JSON rows in pure
Python (a few MiB/s), so without it every download would measure the emulator's generator, not the
client. The first (untimed, warm-up) request of a report renders it once; later requests replay the
identical bytes from a file on disk (CSV) or from memory (sync report pages).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from airflow_provider_tiktok.testing import TikTokEmulator
from airflow_provider_tiktok.testing.emulator.handlers import reports as H
from airflow_provider_tiktok.testing.emulator.interface import Route
from airflow_provider_tiktok.testing.emulator.wire import Response

CHUNK = 1024 * 1024


def install_cache(cache_dir: str) -> None:
    """Memoise async CSV bodies (on disk) and sync report pages (in memory), keyed by the query."""
    original_csv = H.iter_task_csv
    lock = threading.Lock()

    def cached_csv(emu: Any, task: Any) -> Iterator[bytes]:
        key = json.dumps([task.params.get(k) for k in sorted(task.params) if k not in ("file_name",)],
                         sort_keys=True, default=str) + f"|{task.report_rows}|{task.report_bytes}"
        path = os.path.join(cache_dir, f"{abs(hash(key)):x}.csv")
        with lock:
            ready = os.path.exists(path)
        if not ready:
            tmp = path + f".{threading.get_ident()}.tmp"
            with open(tmp, "wb") as fh:
                for chunk in original_csv(emu, task):
                    fh.write(chunk)
                    yield chunk
            os.replace(tmp, path)
            return
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk

    H.iter_task_csv = cached_csv  # type: ignore[assignment]

    original_sync = H.report_integrated_get
    pages: dict[Any, tuple[Any, dict[str, str]]] = {}

    def cached_sync(emu: Any, req: Any) -> Response:
        key = tuple(sorted(req.query.items()))
        hit = pages.get(key)
        if hit is None:
            resp = original_sync(emu, req)
            if resp.status != 200:
                return resp
            hit = pages[key] = (resp.body, dict(resp.headers))
        return Response(body=hit[0], headers=dict(hit[1]))

    H.ROUTES[("GET", "/report/integrated/get/")] = Route(cached_sync)


def control_server(emu: TikTokEmulator) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, payload: Any) -> None:
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._send(emu.counters if self.path == "/counters" else emu.requests)

        def do_POST(self) -> None:
            emu.reset_log()
            self._send({"ok": True})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--knobs", default="{}")
    parser.add_argument("--cache", action="store_true")
    args = parser.parse_args()
    cache_dir = tempfile.mkdtemp(prefix="tiktok-bench-cache-")
    if args.cache:
        install_cache(cache_dir)
    emu = TikTokEmulator(**json.loads(args.knobs)).start()
    control = control_server(emu)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    info = {
        "base_url": emu.base_url,
        "control_url": f"http://127.0.0.1:{control.server_address[1]}",
        "access_token": emu.access_token,
        "advertiser_ids": emu.advertiser_ids,
        "connection": emu.connection_dict("tiktok_default", "marketing"),
    }
    tmp = args.ready_file + ".tmp"
    with open(tmp, "w") as fh:
        json.dump(info, fh)
    os.replace(tmp, args.ready_file)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        control.shutdown()
        emu.stop()
        for name in os.listdir(cache_dir):
            os.unlink(os.path.join(cache_dir, name))
        os.rmdir(cache_dir)


if __name__ == "__main__":
    main()
