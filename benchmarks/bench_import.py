"""Benchmark 4: DAG-parse cost — importing the provider's operator modules in a fresh interpreter vs
importing ``airflow.providers.http.operators.http``.

Each sample is a fresh ``python -c 'import …'`` process (interpreter start + Airflow SDK + the module); the
figure is its wall time and max RSS. Samples alternate between the two imports. The HTTP provider is needed only
here: when it is missing it is installed with pip into ``benchmarks/.deps`` (``--target``, put on ``PYTHONPATH``
for both sides alike), never into the project's dependencies.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, MIB, PY, Figure, child_env, median, run_child

DEPS = BENCH_DIR / ".deps"
#: The HTTP provider and what it imports that Airflow itself does not install.
HTTP_PACKAGES = ["apache-airflow-providers-http", "requests-toolbelt", "aiohttp", "aiosignal", "frozenlist",
                 "multidict", "yarl", "propcache", "aiohappyeyeballs"]
HTTP_MODULE = "airflow.providers.http.operators.http"
PROVIDER_MODULES = {
    "operators.report_task": ["airflow_provider_tiktok.operators.report_task"],
    "all operator modules": ["airflow_provider_tiktok.operators.report_task",
                             "airflow_provider_tiktok.operators.sync_report",
                             "airflow_provider_tiktok.operators.advertisers",
                             "airflow_provider_tiktok.operators.business"],
}


def ensure_http_provider() -> dict[str, str]:
    """Environment that can import the HTTP provider (installing it into benchmarks/.deps if needed)."""
    env = child_env({"PYTHONPATH": os.pathsep.join([str(DEPS), child_env()["PYTHONPATH"]])})
    probe = subprocess.run([PY, "-c", f"import {HTTP_MODULE}"], env=env, capture_output=True)
    if probe.returncode != 0 and importlib.util.find_spec("airflow.providers.http") is None:
        print(f"installing the HTTP provider into {DEPS} (benchmark only)", flush=True)
        subprocess.run([PY, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(DEPS), *HTTP_PACKAGES],
                       check=True)
        subprocess.run([PY, "-c", f"import {HTTP_MODULE}"], env=env, check=True)
    return env


def available(modules: list[str]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is not None]


def run(runs: int) -> list[Figure]:
    env = ensure_http_provider()
    base_walls: list[float] = []
    base_rss: list[float] = []
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in PROVIDER_MODULES}
    for _ in range(runs):
        for name, modules in PROVIDER_MODULES.items():
            result = run_child([str(BENCH_DIR / "_import_child.py"), *available(modules)], env=env)
            samples[name][0].append(result["process_wall"])
            samples[name][1].append(result["max_rss"])
        result = run_child([str(BENCH_DIR / "_import_child.py"), HTTP_MODULE], env=env)
        base_walls.append(result["process_wall"])
        base_rss.append(result["max_rss"])
    base = median(base_walls)
    figures = []
    for name, (walls, rss) in samples.items():
        wall = median(walls)
        missing = sorted(set(PROVIDER_MODULES[name]) - set(available(PROVIDER_MODULES[name])))
        note = f"max RSS {median(rss) / MIB:.0f} MiB vs {median(base_rss) / MIB:.0f} MiB"
        if missing:
            note += f"; not present yet: {', '.join(missing)}"
        figures.append(Figure("4. DAG-parse import", f"fresh interpreter, import {name}", wall, "s", "≤ 1.0x http",
                              wall / base <= 1.0, base, f"import {HTTP_MODULE}", wall / base, note, walls,
                              base_walls))
    return figures


if __name__ == "__main__":
    for fig in run(5):
        print(fig)
