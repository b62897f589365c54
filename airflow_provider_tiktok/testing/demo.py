"""``make demo``: run every example DAG offline against the TikTok emulator and print what happened.

``python -m airflow_provider_tiktok.testing.demo example_dags [--output demo-output]``

1. starts the emulator on loopback (a thread of this process);
2. points ``tiktok_default`` (Marketing API) and ``tiktok_accounts`` (Accounts API) at it through
   ``AIRFLOW_CONN_*`` environment variables — no TikTok account, no secrets;
3. creates a throw-away ``AIRFLOW_HOME`` with SQLite, migrates it and creates the ``tiktok_api`` and
   ``tiktok_token_refresh`` pools (the DAGs use them through ``TIKTOK_POOL`` / ``TIKTOK_REFRESH_POOL``);
4. runs each ``example_*.py`` with ``airflow dags test`` (deferred sensors run their trigger inline), two
   at a time, each in a copy of that home;
5. prints one line per DAG — state, where its files landed, rows — and exits 1 if any DAG failed.

Files go under ``--output`` (default ``./demo-output``), which is emptied first.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airflow_provider_tiktok.testing.dagrun import DagRunResult, airflow_command, airflow_env, run_dag
from airflow_provider_tiktok.testing.emulator import TikTokEmulator

#: Pools the demo creates and points the example DAGs at (``TIKTOK_POOL`` / ``TIKTOK_REFRESH_POOL``), as
#: production should; the emulator has no QPS limit, a real app's tier sets the size.
POOLS = {"tiktok_api": 4, "tiktok_token_refresh": 1}
MARKER = ".tiktok-demo-output"


@dataclass
class DemoRow:
    dag_id: str
    state: str
    seconds: float
    outputs: list[str] = field(default_factory=list)
    rows: int | None = None
    failed_tasks: list[str] = field(default_factory=list)


def find_dags(folder: Path) -> list[tuple[Path, str]]:
    """``(file, dag_id)`` of every ``example_*.py`` (dag ids read from the source, nothing imported)."""
    found = []
    for path in sorted(folder.glob("example_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "dag_id" and isinstance(node.value, ast.Constant):
                found.append((path, str(node.value.value)))
                break
        else:
            found.append((path, path.stem))  # @dag-decorated function named like its file
    return found


def prepare_home(home: Path, env: dict[str, str]) -> None:
    """Migrate the SQLite database once and create the pools (run_dag reuses this home)."""
    full = airflow_env(home / "none.py", home, env)
    subprocess.run([airflow_command(), "db", "migrate"], env=full, check=True, capture_output=True)  # noqa: S603
    for name, slots in POOLS.items():
        cmd = [airflow_command(), "pools", "set", name, str(slots), f"TikTok example pool {name}"]
        subprocess.run(cmd, env=full, check=True, capture_output=True)  # noqa: S603


def final_xcoms(db: Path, result: DagRunResult) -> list[Any]:
    """``return_value`` XComs of the run's tasks, most downstream (latest) first."""
    if result.run_id is None or not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT value FROM xcom WHERE dag_id = ? AND run_id = ? AND key = 'return_value' "
            "ORDER BY timestamp DESC", (result.dag_id, result.run_id)).fetchall()
    values = []
    for (raw,) in rows:
        try:
            value = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
            values.append(json.loads(value) if isinstance(value, str) else value)
        except ValueError:
            continue
    return values


def describe_outputs(values: list[Any]) -> tuple[list[str], int | None]:
    """Files and rows from the DAG's XComs: a summary task's ``outputs``/``rows``, else download results."""
    for value in values:
        if isinstance(value, dict) and "outputs" in value:
            return [str(o) for o in value["outputs"]], value.get("rows")
    outputs, rows = [], None
    for value in values:
        location = next((value[k] for k in ("destination", "uri", "path") if k in value), None) \
            if isinstance(value, dict) else None
        if location:
            outputs.append(str(location))
            if isinstance(value.get("rows"), int):
                rows = (rows or 0) + value["rows"]
    return outputs, rows


def _short(uri: str, output: Path) -> str:
    prefix = f"file://{output}"
    return "./" + os.path.relpath(uri[len("file://"):], Path.cwd()) if uri.startswith(prefix) else uri


def print_table(rows: list[DemoRow], output: Path) -> None:
    lines = [("DAG", "STATE", "TIME", "ROWS", "OUTPUT")]
    for r in rows:
        shown = [_short(o, output) for o in r.outputs] or ["-"]
        common = os.path.commonpath(shown) if len(shown) > 1 and all(s.startswith("./") for s in shown) else None
        where = f"./{common}/ ({len(shown)} files)" if common else shown[0]
        lines.append((r.dag_id, r.state, f"{r.seconds:.0f}s", "-" if r.rows is None else str(r.rows), where))
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    print()
    for line in lines:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line[:4])) + "  " + line[4])
    for r in rows:
        if r.failed_tasks:
            print(f"  {r.dag_id}: failed tasks {', '.join(r.failed_tasks)}")


def run_demo(dags_folder: Path, output: Path, *, timeout: float = 240.0, parallel: int = 2) -> int:
    started = time.monotonic()
    dags = find_dags(dags_folder)
    if not dags:
        print(f"no example_*.py DAG files in {dags_folder}", file=sys.stderr)
        return 2
    if output.exists() and (output / MARKER).exists():
        shutil.rmtree(output)
    output.mkdir(parents=True, exist_ok=True)
    (output / MARKER).write_text("created by make demo; emptied on every run\n")
    logs = output / "logs"
    logs.mkdir()

    with TikTokEmulator(queuing_seconds=1.0, processing_seconds=2.0) as emu, \
            tempfile.TemporaryDirectory(prefix="tiktok-demo-airflow-") as tmp:
        accounts = emu.connection_dict("tiktok_accounts", "accounts")
        accounts["extra"]["business_id"] = emu.config.accounts_open_id  # the account's open_id
        print(f"TikTok emulator on {emu.base_url}; Airflow home {tmp} (SQLite); output in {output}")
        env = {
            **emu.connection_env("tiktok_default", "marketing"),
            "AIRFLOW_CONN_TIKTOK_ACCOUNTS": json.dumps(accounts),
            "TIKTOK_OUTPUT_BASE": f"file://{output}",
            "TIKTOK_POLL_SECONDS": "2",
            "TIKTOK_LOOKBACK_DAYS": "2",
            "TIKTOK_POOL": "tiktok_api",
            "TIKTOK_REFRESH_POOL": "tiktok_token_refresh",
        }
        template = Path(tmp) / "template"
        prepare_home(template, env)

        def one(dag: tuple[Path, str]) -> DemoRow:
            dag_file, dag_id = dag
            home = Path(tmp) / dag_id  # one SQLite file per DAG: runs in parallel without lock contention
            shutil.copytree(template, home)
            print(f"running {dag_id} ...", flush=True)
            t0 = time.monotonic()
            try:
                result = run_dag(dag_file, dag_id, env=env, airflow_home=home, timeout=timeout)
            except subprocess.TimeoutExpired:
                return DemoRow(dag_id, "timeout", time.monotonic() - t0)
            (logs / f"{dag_id}.log").write_text(result.output)
            outputs, rows = describe_outputs(final_xcoms(home / "airflow.db", result))
            failed = [t for t, s in result.task_states.items() if s not in ("success", "skipped")]
            print(f"  {dag_id}: {result.state} in {time.monotonic() - t0:.0f}s", flush=True)
            return DemoRow(dag_id, result.state or f"exit {result.returncode}", time.monotonic() - t0,
                           outputs, rows, failed if not result.succeeded else [])

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            results = list(pool.map(one, dags))
    print_table(results, output)
    bad = [r.dag_id for r in results if r.state != "success"]
    print(f"\n{len(results) - len(bad)}/{len(results)} example DAGs succeeded in {time.monotonic() - started:.0f}s; "
          f"Airflow logs in {logs}")
    if bad:
        print(f"FAILED: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m airflow_provider_tiktok.testing.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dags_folder", type=Path, help="folder with example_*.py DAG files")
    parser.add_argument("--output", type=Path, default=Path("demo-output"), help="where the DAGs write files")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per DAG")
    parser.add_argument("--parallel", type=int, default=2, help="DAGs run at the same time")
    args = parser.parse_args(argv)
    return run_demo(args.dags_folder.resolve(), args.output.resolve(), timeout=args.timeout,
                    parallel=max(1, args.parallel))


if __name__ == "__main__":
    sys.exit(main())
