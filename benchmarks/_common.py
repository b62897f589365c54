"""Shared plumbing of the benchmarks: the emulator process, child processes, memory, medians, results."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
PY = sys.executable
MIB = 1024 * 1024


# -- memory of the current process (used inside the measured child processes) ----------------------

def _kib_field(path: str, field_name: str) -> int:
    """A ``<name>: <n> kB`` line of a /proc file, in KiB."""
    with open(path) as fh:
        for line in fh:
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    raise KeyError(field_name)


def proc_status_kib(field_name: str, pid: int | str = "self") -> int:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM, ...)."""
    return _kib_field(f"/proc/{pid}/status", field_name)


def meminfo_kib(field_name: str) -> int:
    """A field of /proc/meminfo (MemTotal, MemAvailable, ...), in KiB."""
    return _kib_field("/proc/meminfo", field_name)


def reset_peak_rss() -> None:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5) so later peaks measure the workload only."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:  # pragma: no cover - not Linux, or not allowed: growth then includes import peaks
        pass


class MemoryProbe:
    """Peak RSS growth of this process from :meth:`start` to :meth:`stop`, in bytes."""

    def start(self) -> MemoryProbe:
        reset_peak_rss()
        self.rss_before = proc_status_kib("VmRSS") * 1024
        self.cpu_before = _cpu_self()
        self.t0 = time.perf_counter()
        return self

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        peak = proc_status_kib("VmHWM") * 1024
        return {"wall": wall, "rss_before": self.rss_before, "peak_rss": peak,
                "rss_growth": max(0, peak - self.rss_before), "cpu": _cpu_self() - self.cpu_before}


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def emit(result: Mapping[str, Any]) -> None:
    """Child side: print the result as the last stdout line (the parent parses it)."""
    print("BENCH-RESULT " + json.dumps(result), flush=True)


# -- child processes --------------------------------------------------------------------------------

def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: throw-away AIRFLOW_HOME, quiet logs, the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    home = Path(tempfile.mkdtemp(prefix="tiktok-bench-home-"))
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p),
    })
    env.update(extra or {})
    return env


def run_child(args: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 900,
              python: str = PY, on_ready: Callable[[], None] | None = None) -> dict[str, Any]:
    """Run ``python <args>``; return the child's BENCH-RESULT plus its wall time and max RSS.

    With ``on_ready``, the child must call :func:`wait_for_go` once it has started (imports, connection):
    the parent then calls ``on_ready`` and lets the child go on, so whatever ``on_ready`` does happens just
    before the timed part, as it does just before a baseline command started without a Python start-up.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    errors = tempfile.TemporaryFile("w+")  # a file, not a pipe: a chatty child cannot block on stderr
    proc = subprocess.Popen([python, *args], env=dict(env or child_env()), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=errors, text=True, cwd=REPO)
    head: list[str] = []
    try:
        if on_ready is not None:
            assert proc.stdout is not None and proc.stdin is not None
            for line in proc.stdout:
                head.append(line)
                if line.startswith(READY_LINE):
                    on_ready()
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
                    break
        out, _ = proc.communicate(timeout=timeout)
        errors.seek(0)
        err = errors.read()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        errors.close()
    out = "".join(head) + out
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed ({proc.returncode}):\n{out[-2000:]}\n{err[-4000:]}")
    lines = [line for line in out.splitlines() if line.startswith("BENCH-RESULT ")]
    result: dict[str, Any] = json.loads(lines[-1].split(" ", 1)[1]) if lines else {}
    result["process_wall"] = wall
    result["process_cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return result


READY_LINE = "BENCH-READY"


def wait_for_go() -> None:
    """Child side of ``run_child(on_ready=...)``: say it is ready, wait for the parent's go."""
    print(READY_LINE, flush=True)
    if sys.stdin.readline().strip() != "go":
        raise RuntimeError("the parent did not say go")


def timed_command(cmd: Sequence[str], *, env: Mapping[str, str] | None = None, timeout: float = 900) -> float:
    """Wall seconds of an external command (which must succeed)."""
    t0 = time.perf_counter()
    subprocess.run(list(cmd), check=True, env=dict(env) if env else None, timeout=timeout,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - t0


# -- the emulator in its own process ---------------------------------------------------------------

@dataclass
class EmulatorProcess:
    """``benchmarks/emulator_proc.py`` (the TikTok emulator with bench knobs) as a separate process."""

    knobs: dict[str, Any] = field(default_factory=dict)
    cache: bool = False
    info: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def running(self) -> Iterator[EmulatorProcess]:
        with tempfile.TemporaryDirectory(prefix="tiktok-bench-emu-") as tmp:
            ready = Path(tmp) / "ready.json"
            cmd = [PY, str(BENCH_DIR / "emulator_proc.py"), "--ready-file", str(ready), "--knobs",
                   json.dumps(self.knobs)]
            if self.cache:
                cmd.append("--cache")
            log = open(Path(tmp) / "emulator.log", "wb")
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=child_env(), cwd=REPO)
            try:
                deadline = time.monotonic() + 60
                while not ready.exists():
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("emulator did not start: " + (Path(tmp) / "emulator.log").read_text())
                    time.sleep(0.05)
                self.info = json.loads(ready.read_text())
                self.info["pid"] = proc.pid
                yield self
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                log.close()

    @property
    def base_url(self) -> str:
        return str(self.info["base_url"])

    @property
    def api_url(self) -> str:
        return self.base_url + "/open_api/v1.3"

    @property
    def access_token(self) -> str:
        return str(self.info["access_token"])

    @property
    def advertiser_ids(self) -> list[str]:
        return list(self.info["advertiser_ids"])

    def conn_env(self, **extra: Any) -> dict[str, str]:
        """``AIRFLOW_CONN_TIKTOK_DEFAULT`` for the emulator, with ``extra`` added to the connection's extras."""
        conn = json.loads(json.dumps(self.info["connection"]))
        conn["extra"].update(extra)
        return {"AIRFLOW_CONN_TIKTOK_DEFAULT": json.dumps(conn)}

    def counters(self) -> dict[str, int]:
        import requests

        return dict(requests.get(self.info["control_url"] + "/counters", timeout=10).json())

    def reset_counters(self) -> None:
        import requests

        requests.post(self.info["control_url"] + "/reset", timeout=10).raise_for_status()


# -- results ---------------------------------------------------------------------------------------

@dataclass
class Figure:
    """One line of RESULTS.md."""

    bench: str
    metric: str
    value: float
    unit: str
    goal: str
    passed: bool | None
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None
    note: str = ""
    runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)


def bare_page_loop(url: str, params: Mapping[str, str], token: str, dest: str) -> None:
    """The baseline of the paging benchmarks: ``requests`` pages 1..total_page, raw bodies to ``dest``; emits
    the child's memory figures and ``pages``."""
    import requests

    session = requests.Session()
    probe = MemoryProbe().start()
    page, pages = 1, 0
    with open(dest, "wb") as fh:
        while True:
            resp = session.get(url, params={**params, "page": str(page)}, headers={"Access-Token": token},
                               timeout=60)
            resp.raise_for_status()
            fh.write(resp.content + b"\n")
            pages += 1
            if page >= resp.json()["data"]["page_info"]["total_page"]:
                break
            page += 1
    emit({**probe.stop(), "pages": pages})


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "MiB":
        return f"{value / MIB:.1f} MiB"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "requests":
        return f"{int(value)}"
    return f"{value:g} {unit}".strip()


def machine() -> dict[str, str]:
    import importlib.metadata as md

    mem_kib = meminfo_kib("MemTotal")
    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    curl = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "airflow": md.version("apache-airflow"),
        "curl": curl,
        "venv": sys.prefix,
    }
