"""Run every benchmark and write ``benchmarks/RESULTS.md``.

    make bench                                   # full sizes (the Makefile's .venv-<AIRFLOW_VERSION>)
    python benchmarks/run.py --quick             # small sizes while developing -> RESULTS-quick.md
    python benchmarks/run.py --only download,sync

Full sizes: the emulator serving 1 GiB, 1 GiB download, 200,000-row sync report (CPU path vs TikTok's
official SDK), sync reports at TikTok's latency and QPS (200 pages; 50 advertisers x 90 days), 1,000 triggers,
50 advertisers x 90 days. Each figure is
the median of ``--runs`` (default 3) runs and is printed next to its baseline measured in the same run, as a
ratio. Benchmark 4 needs ``apache-airflow-providers-http``; when the environment lacks it, it is pip-installed
into ``benchmarks/.deps`` (see bench_import.py). ``curl`` must be installed (``apt-get install curl``).
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, MIB, Figure, fmt, machine

BENCHES = ("emulator", "download", "sync", "latency", "triggers", "import", "requests", "entities")


def run_bench(name: str, quick: bool, runs: int) -> list[Figure]:
    if name == "emulator":
        import bench_emulator

        return bench_emulator.run(32 * MIB if quick else 1024 * MIB)
    if name == "download":
        import bench_download

        return bench_download.run(32 * MIB if quick else 1024 * MIB, runs)
    if name == "sync":
        import bench_sync

        return bench_sync.run(20_000 if quick else 200_000, runs)
    if name == "latency":
        import bench_latency

        return bench_latency.run(runs, quick=quick)
    if name == "triggers":
        import bench_triggers

        return bench_triggers.run(100 if quick else 1000, 5.0 if quick else 10.0, runs)
    if name == "entities":
        import bench_entities

        return bench_entities.run(10_000 if quick else 100_000, runs)
    if name == "import":
        import bench_import

        return bench_import.run(max(runs, 5))
    import bench_requests

    return bench_requests.run()


def verdict(fig: Figure) -> str:
    if fig.passed is None:
        return "info"
    return "PASS" if fig.passed else "**MISS**"


def render(figures: list[Figure], failures: dict[str, str], info: dict[str, str], quick: bool, runs: int,
           elapsed: float) -> str:
    lines = [
        "# Benchmark results" + (" (quick sizes, not the goal sizes)" if quick else ""),
        "",
        f"- date: {info['date']}",
        f"- machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}",
        f"- Python {info['python']}, Airflow {info['airflow']}, {info['curl']}",
        f"- environment: `{info['venv']}`",
        f"- command: `make bench` (`python benchmarks/run.py{' --quick' if quick else ''}`), runtime {elapsed:.0f} s",
        f"- every figure is the median of {runs} runs (bench 4: of {max(runs, 5)}); baselines were measured in the "
        "same run, interleaved with the figure's runs; memory and CPU are of separate child processes (the "
        "emulator runs in its own process and never counts).",
        "",
        "| benchmark | figure | value | baseline | ratio | goal | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        base = f"{fmt(f.baseline, f.unit)} ({f.baseline_label})" if f.baseline is not None else "—"
        lines.append(f"| {f.bench} | {f.metric} | {fmt(f.value, f.unit)} | {base} | {fmt(f.ratio, 'x')} | {f.goal} "
                     f"| {verdict(f)} |")
    for name in failures:
        lines.append(f"| {name} | did not complete | — | — | — | — | **ERROR** |")
    lines += ["", "## Notes and raw runs", ""]
    for f in figures:
        raw = ", ".join(fmt(v, f.unit) for v in f.runs)
        base_raw = ", ".join(fmt(v, f.unit) for v in f.baseline_runs)
        detail = f"runs: {raw}" if raw else ""
        if base_raw:
            detail += f"; baseline runs: {base_raw}"
        text = "; ".join(part for part in (f.note, detail) if part)
        if text:
            lines.append(f"- **{f.bench} / {f.metric}**: {text}")
    for name, error in failures.items():
        lines += [f"- **{name}** failed:", "", "```", error.strip()[-3000:], "```"]
    notes = BENCH_DIR / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes; writes RESULTS-quick.md")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median; at least 3)")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated subset of {BENCHES}")
    parser.add_argument("--output", help="results file (default benchmarks/RESULTS.md or RESULTS-quick.md)")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3 (figures are medians)")
    if shutil.which("curl") is None:
        print("curl is not installed; benchmark 1 compares against `curl -o`: apt-get install curl", file=sys.stderr)
    selected = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = sorted(set(selected) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {BENCHES}")
    started = time.monotonic()
    info = machine()
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    for name in selected:
        t0 = time.monotonic()
        print(f"== {name} ...", flush=True)
        try:
            new = run_bench(name, args.quick, args.runs)
        except Exception:
            failures[name] = traceback.format_exc()
            print(failures[name], file=sys.stderr, flush=True)
            continue
        figures += new
        for f in new:
            ratio = f" ({fmt(f.ratio, 'x')} of {fmt(f.baseline, f.unit)} {f.baseline_label})" if f.ratio else ""
            print(f"   {f.metric}: {fmt(f.value, f.unit)}{ratio}  goal {f.goal}: {verdict(f)}", flush=True)
        print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
    elapsed = time.monotonic() - started
    out = Path(args.output) if args.output else BENCH_DIR / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    out.write_text(render(figures, failures, info, args.quick, args.runs, elapsed))
    print(f"wrote {out} in {elapsed:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
