"""A CeleryExecutor cluster on loopback for the system tests: Redis, Postgres and Airflow's own processes.

- :func:`debian_binary` finds a Debian package's program, installing the package with apt-get when missing
  (as root, like CI); :func:`ensure_python_packages` pip-installs into the running venv what is missing.
- :class:`RedisServer` and :class:`PostgresServer` run throw-away servers in a temp dir on free loopback ports
  (Postgres as the ``postgres`` user when we are root: it refuses to run as root).
- :class:`CeleryCluster` is an :class:`~.conftest.AirflowStack` on the CeleryExecutor with a Postgres metadata
  database; ``start_worker`` starts ``airflow celery worker`` processes that tell themselves apart through
  ``--celery-hostname``, the log-server port and the task instances' ``hostname`` (``hostname_callable``).
- :func:`kill_tree` is ``kill -9`` of a process and everything it started.
- :func:`throttle_downloads` makes the emulator's report downloads slow while an event is set.
"""

from __future__ import annotations

import glob
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from airflow_provider_tiktok.testing.emulator.interface import Route
from airflow_provider_tiktok.testing.emulator.routing import RouteTable
from airflow_provider_tiktok.testing.emulator.wire import Response

from .conftest import AIRFLOW, AirflowStack, free_port

#: Written into ``$AIRFLOW_HOME/config`` (on every Airflow process's sys.path).
HOSTNAME_MODULE = '''"""Task instances record the Celery worker's name (set per worker) as their hostname."""
import os
import socket


def worker_name():
    return os.environ.get("TIKTOK_TEST_WORKER_NAME") or socket.getfqdn()
'''
#: A cluster policy: the example DAGs wait minutes between retries; the test cannot.
LOCAL_SETTINGS = '''"""Cluster policy of the test cluster: retry after 2 seconds, without exponential backoff."""
from datetime import timedelta


def task_policy(task):
    task.retry_delay = timedelta(seconds=2)
    task.retry_exponential_backoff = 0
'''


# -- installing what the cluster needs ---------------------------------------------------------------------------

def debian_binary(package: str, candidates: Iterable[str]) -> str:
    """The first existing program of ``candidates`` (globs), installing Debian's ``package`` when none exists."""
    def find() -> str | None:
        for pattern in candidates:
            hits = sorted(glob.glob(pattern)) if "*" in pattern else [shutil.which(pattern) or ""]
            hits = [h for h in hits if h and os.access(h, os.X_OK)]
            if hits:
                return hits[-1]
        return None

    found = find()
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.skip(f"{package} is missing and cannot be installed here (needs apt-get as root): "
                    f"apt-get install -y {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run([apt, "update"], env=env, capture_output=True, text=True, timeout=600)
    install = subprocess.run([apt, "install", "-y", "--no-install-recommends", package], env=env,
                             capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    found = find()
    if install.returncode == 0 and found:
        return found
    if "Failed to fetch" in update.stderr or "Could not resolve" in update.stderr:
        pytest.skip(f"apt mirror unreachable, cannot install {package}: {update.stderr.strip()[-300:]}")
    pytest.fail(f"apt-get install {package} failed ({install.returncode}): {install.stderr.strip()[-1000:]}")


def ensure_python_packages(*requirements: str) -> None:
    """pip-install into the running venv every requirement (``name[extra]>=x``) that is not satisfied."""
    from importlib.metadata import PackageNotFoundError, version

    from packaging.requirements import Requirement

    def satisfied(text: str) -> bool:
        req = Requirement(text)
        try:
            return req.specifier.contains(version(req.name), prereleases=True)
        except PackageNotFoundError:
            return False

    missing = [req for req in requirements if not satisfied(req)]
    if not missing:
        return
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements],
                             capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        pytest.fail(f"pip install {' '.join(missing)} failed: {install.stderr.strip()[-1500:]}")
    importlib.invalidate_caches()


def _wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on port {port} within {timeout}s")


def _stop(proc: subprocess.Popen[bytes] | None, timeout: float = 15) -> None:
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# -- services ---------------------------------------------------------------------------------------------------

class RedisServer:
    """``redis-server`` on a free loopback port, no persistence."""

    def __init__(self, workdir: Path) -> None:
        self.binary = debian_binary("redis-server", ["redis-server", "/usr/bin/redis-server"])
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.workdir)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port, self.proc, "redis-server", 20, self.log)
        return self

    def stop(self) -> None:
        _stop(self.proc)


class PostgresServer:
    """A fresh Postgres cluster (``initdb``) in a temp dir, trust auth on 127.0.0.1, one database ``airflow``.

    Postgres refuses to run as root: as root the cluster belongs to the ``postgres`` user (``runuser``).
    """

    def __init__(self) -> None:
        bindir = Path(debian_binary("postgresql", ["/usr/lib/postgresql/*/bin/initdb", "initdb"])).parent
        self.initdb, self.postgres = str(bindir / "initdb"), str(bindir / "postgres")
        self.createdb = str(bindir / "createdb") if (bindir / "createdb").exists() else "createdb"
        self.port = free_port()
        #: SQLAlchemy URLs (psycopg 3 for both: Airflow 3 also opens an asyncio engine).
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/airflow"
        self.async_url = f"postgresql+psycopg_async://postgres@127.0.0.1:{self.port}/airflow"
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/airflow"
        # Not under pytest's tmp dir: that one is private to root, and the server may run as another user.
        self.root = Path(tempfile.mkdtemp(prefix="tiktok-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.user = "postgres" if os.geteuid() == 0 else None
        self.proc: subprocess.Popen[bytes] | None = None

    def _as_user(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", self.user, "--", *cmd] if self.user else list(cmd)

    def start(self) -> PostgresServer:
        if self.user:
            shutil.chown(self.root, self.user)
        init = subprocess.run(self._as_user(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                            "--no-sync", "-E", "UTF8"),
                              capture_output=True, text=True, timeout=180)
        if init.returncode != 0:
            raise AssertionError(f"initdb failed ({init.returncode}): {init.stderr[-2000:]}")
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self._as_user(self.postgres, "-D", str(self.data), "-p", str(self.port), "-h", "127.0.0.1",
                              "-k", str(self.data), "-c", "fsync=off", "-c", "synchronous_commit=off",
                              "-c", "full_page_writes=off", "-c", "max_connections=300"),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port, self.proc, "postgres", 60, self.log)
        deadline = time.monotonic() + 30
        while True:  # listening is not accepting: retry until the server is out of startup
            made = subprocess.run(self._as_user(self.createdb, "-h", "127.0.0.1", "-p", str(self.port),
                                                "-U", "postgres", "airflow"), capture_output=True, text=True,
                                  timeout=30)
            if made.returncode == 0:
                return self
            if time.monotonic() > deadline:
                raise AssertionError(f"createdb failed: {made.stderr[-1000:]}")
            time.sleep(0.5)

    def stop(self) -> None:
        _stop(self.proc, timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


# -- Airflow on the CeleryExecutor ----------------------------------------------------------------------------

class CeleryCluster(AirflowStack):
    """Airflow's processes on the CeleryExecutor (broker Redis, metadata and results in Postgres)."""

    def __init__(self, home: Path, dags_folder: Path, *, redis_url: str, postgres: PostgresServer,
                 extra_env: Mapping[str, str] | None = None) -> None:
        super().__init__(home, dags_folder, extra_env)
        self.dsn = postgres.dsn
        self.env.update({
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres.url,
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": postgres.async_url,
            "AIRFLOW__CELERY__BROKER_URL": redis_url,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + postgres.url,
            "AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER": "1",
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tiktok_cluster_identity.worker_name",
            # A killed worker's task instances stop heartbeating: fail them (and retry) after 15 s, not 5 min.
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "15",
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
            "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
        })
        config = home / "config"
        config.mkdir(parents=True, exist_ok=True)
        (config / "tiktok_cluster_identity.py").write_text(HOSTNAME_MODULE)
        (config / "airflow_local_settings.py").write_text(LOCAL_SETTINGS)
        self.workers: dict[str, int] = {}
        self._killed: list[subprocess.Popen[bytes]] = []
        self._token: str | None = None

    def start_worker(self, name: str, concurrency: int = 3) -> None:
        """``airflow celery worker`` named ``name`` (Celery hostname and task instance hostname)."""
        env = {**self.env, "TIKTOK_TEST_WORKER_NAME": name,
               "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
        log = (self.home / f"{name}.log").open("wb")
        self._logs.append(log)
        self.procs[name] = subprocess.Popen(
            [AIRFLOW, "celery", "worker", "--celery-hostname", name, "--concurrency", str(concurrency),
             "--pid", str(self.home / f"{name}.pid"), "--without-mingle", "--without-gossip"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers[name] = self.procs[name].pid

    def wait_workers(self, timeout: float = 120) -> None:
        """Until every worker says it is ready (Celery's ``ready.`` line)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if all(" ready." in self.log_text(name) for name in self.workers):
                return
            time.sleep(0.5)
        raise AssertionError("celery workers not ready:\n" + "\n".join(
            f"--- {name}:\n{self.log_text(name)[-2000:]}" for name in self.workers))

    def forget(self, name: str) -> None:
        """A process the test killed on purpose: no longer checked by ``check_alive`` (its group still stopped)."""
        proc = self.procs.pop(name, None)
        if proc is not None:
            self._killed.append(proc)

    def stop(self) -> None:
        super().stop()
        for proc in self._killed:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)

    def rest(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        """One call of Airflow's REST API (``/api/v2``) as the all-admin SimpleAuthManager user.

        Quicker than the CLI (each ``airflow`` command imports Airflow again: seconds on a busy machine).
        """
        if self._token is None:
            answer = httpx.post(f"{self.base_url}/auth/token", timeout=30)
            if answer.status_code >= 400:  # older SimpleAuthManager: GET
                answer = httpx.get(f"{self.base_url}/auth/token", timeout=30)
            self._token = answer.json()["access_token"]
        answer = httpx.request(method, f"{self.base_url}/api/v2{path}", json=body, timeout=60,
                               headers={"Authorization": f"Bearer {self._token}"})
        if answer.status_code >= 400:
            raise AssertionError(f"{method} /api/v2{path}: HTTP {answer.status_code} {answer.text[:1000]}")
        return answer.json()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.dsn, connect_timeout=10, autocommit=True) as db:
            rows = db.execute(sql.replace("?", "%s"), params).fetchall()
        return [tuple(r) for r in rows]


def kill_tree(pid: int) -> list[int]:
    """``kill -9`` ``pid`` and every process below it (Celery pool, task supervisors, task runners)."""
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return []
    procs = [root, *root.children(recursive=True)]
    for proc in procs:
        try:
            proc.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)
    return [p.pid for p in procs]


# -- a slow TikTok download --------------------------------------------------------------------------------------

def _throttled(body: bytes | Iterable[bytes], slow: threading.Event, bytes_per_second: int) -> Iterator[bytes]:
    piece = max(1024, bytes_per_second // 10)
    for chunk in [body] if isinstance(body, bytes) else body:
        for start in range(0, len(chunk), piece):
            if slow.is_set():
                time.sleep(piece / bytes_per_second)
            yield chunk[start:start + piece]


def throttle_downloads(emu: Any, slow: threading.Event, bytes_per_second: int) -> None:
    """While ``slow`` is set, report bodies (``/report/task/download/`` CSV and ``download_url`` files) trickle."""
    def wrap(route: Route) -> Route:
        def handler(emulator: Any, req: Any) -> Response:
            resp = route.handler(emulator, req)
            if resp.content_type.startswith("text/csv"):
                resp.body = _throttled(resp.body, slow, bytes_per_second)
            return resp
        return Route(handler, auth=route.auth)

    table = emu.routes
    key = ("GET", "/report/task/download/")
    emu.routes = RouteTable(business={**table.business, key: wrap(table.business[key])}, oauth=table.oauth,
                            pages=table.pages, file=wrap(table.file))
