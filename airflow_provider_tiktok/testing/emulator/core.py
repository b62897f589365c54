"""Public entry point: ``TikTokEmulator``, an offline loopback emulator of TikTok's v1.3 APIs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C
import airflow_provider_tiktok.testing.emulator.handlers.reports as reports
from airflow_provider_tiktok.api.spec import API_FAMILIES
from airflow_provider_tiktok.testing.emulator.config import EmulatorConfig
from airflow_provider_tiktok.testing.emulator.data import ReportPlan
from airflow_provider_tiktok.testing.emulator.faults import FaultPlan, FaultSpec, normalize_key
from airflow_provider_tiktok.testing.emulator.ratelimit import (
    KeyedLimiter,
    LatencyModel,
    SlidingWindowLimiter,
    peak_per_window,
)
from airflow_provider_tiktok.testing.emulator.requestlog import RequestLog
from airflow_provider_tiktok.testing.emulator.routing import route_table
from airflow_provider_tiktok.testing.emulator.server import EmulatorHTTPServer
from airflow_provider_tiktok.testing.emulator.state import State, Task, TaskOutcome
from airflow_provider_tiktok.testing.emulator.validation import ReportQuery


class TikTokEmulator:
    """Loopback HTTP server faithful to TikTok's Business API v1.3, Accounts API and Login Kit v2.

    All constructor keyword arguments are knobs of :class:`EmulatorConfig`.  Use as a context
    manager or call :meth:`start` / :meth:`stop`.
    """

    def __init__(self, **knobs: Any) -> None:
        self.config = EmulatorConfig.from_kwargs(**knobs)
        self.state = State(self.config)
        self.faults = FaultPlan()
        self.app_limiter = SlidingWindowLimiter(self.config.app_qps)
        self.advertiser_limiter = SlidingWindowLimiter(self.config.advertiser_qps)
        self.endpoint_limiter = KeyedLimiter(self.config.endpoint_limit)
        self.latency = LatencyModel(self.config.latency_seconds, self.config.latency_per_row_seconds,
                                    self.config.latency_jitter, seed=self.config.seed)
        self.routes = route_table()
        self.request_log = RequestLog()
        #: Set while stopping: wakes requests stalled by a fault.
        self.stopping = threading.Event()
        self._server: EmulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._base_url = ""
        cfg = self.config
        # Pre-issued credentials so connections can be built without the browser step.
        self.access_token = self.state.issue_marketing_token(cfg.app_id, [a["advertiser_id"] for a in cfg.advertisers])
        self._accounts_pair = self.state.issue_user_tokens(
            "accounts", cfg.accounts_app_id, cfg.accounts_open_id, C.DEFAULT_ACCOUNTS_SCOPE
        )
        self._login_kit_pair = self.state.issue_user_tokens(
            "login_kit", cfg.login_kit_client_key, cfg.login_kit_open_id, C.DEFAULT_LOGIN_KIT_SCOPE
        )

    # --- lifecycle ----------------------------------------------------------------------------
    def start(self) -> TikTokEmulator:
        if self._server is not None:
            return self
        self.stopping.clear()
        self._server = EmulatorHTTPServer((self.config.host, self.config.port), self)
        port = self._server.server_address[1]
        self._base_url = f"http://{self.config.host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_until_stopped, name="tiktok-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()  # wakes stalled requests
        server.halt()
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.server_close()

    def __enter__(self) -> TikTokEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- identity ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("emulator is not started")
        return self._base_url

    @property
    def api_url(self) -> str:
        """``<base_url>/open_api/v1.3`` (append ``/report/task/check/`` etc.)."""
        return self.base_url + "/open_api/v1.3"

    @property
    def app_id(self) -> str:
        return self.config.app_id

    @property
    def app_secret(self) -> str:
        return self.config.app_secret

    @property
    def advertiser_ids(self) -> list[str]:
        return [a["advertiser_id"] for a in self.config.advertisers]

    @property
    def accounts_tokens(self) -> dict[str, str]:
        access, refresh = self._accounts_pair
        return {"access_token": access.token, "refresh_token": refresh.token, "open_id": access.open_id}

    @property
    def login_kit_tokens(self) -> dict[str, str]:
        access, refresh = self._login_kit_pair
        return {"access_token": access.token, "refresh_token": refresh.token, "open_id": access.open_id}

    # --- Airflow connection -----------------------------------------------------------------
    def connection_extra(self, family: str = "marketing") -> dict[str, str]:
        if family == "marketing":
            return {
                "api_family": "marketing",
                "access_token": self.access_token,
                "advertiser_ids": ",".join(self.advertiser_ids),
                "environment": "production",
                "base_url": self.base_url,
            }
        if family in ("accounts", "login_kit"):
            tokens = self.accounts_tokens if family == "accounts" else self.login_kit_tokens
            return {
                "api_family": family,
                "access_token": tokens["access_token"],
                "refresh_token": tokens["refresh_token"],
                "environment": "production",
                "base_url": self.base_url,
            }
        raise ValueError(f"family must be one of {API_FAMILIES}, got {family!r}")

    def connection_dict(self, conn_id: str = "tiktok_default", family: str = "marketing") -> dict[str, Any]:
        """Airflow connection in JSON form (``conn_id`` only names the env var in ``connection_env``)."""
        cfg = self.config
        login, password = {
            "marketing": (cfg.app_id, cfg.app_secret),
            "accounts": (cfg.accounts_app_id, cfg.accounts_app_secret),
            "login_kit": (cfg.login_kit_client_key, cfg.login_kit_client_secret),
        }.get(family, ("", ""))
        return {"conn_type": "tiktok", "login": login, "password": password, "extra": self.connection_extra(family)}

    def connection_json(self, conn_id: str = "tiktok_default", family: str = "marketing") -> str:
        return json.dumps(self.connection_dict(conn_id, family))

    def connection_env(self, conn_id: str = "tiktok_default", family: str = "marketing") -> dict[str, str]:
        return {f"AIRFLOW_CONN_{conn_id.upper()}": self.connection_json(conn_id, family)}

    # --- introspection -------------------------------------------------------------------------
    @property
    def requests(self) -> list[dict[str, Any]]:
        """Request log (secrets, tokens and codes redacted as ``***``)."""
        return self.request_log.records()

    @property
    def counters(self) -> dict[str, int]:
        return self.request_log.counters()

    def count(self, path: str) -> int:
        return self.request_log.count(normalize_key(path))

    def peak_qps(self, path: str | None = None, *, window: float = 1.0) -> int:
        """The most requests (of endpoint ``path``, or all) that arrived within any ``window`` seconds."""
        key = normalize_key(path) if path is not None else None
        return peak_per_window((r["t"] for r in self.request_log.records() if key is None or r["path"] == key),
                               window)

    def codes(self, path: str | None = None) -> dict[Any, int]:
        """How many answers carried each envelope ``code`` (of endpoint ``path``, or all)."""
        key = normalize_key(path) if path is not None else None
        counts: dict[Any, int] = {}
        for r in self.request_log.records():
            if key is None or r["path"] == key:
                counts[r.get("code")] = counts.get(r.get("code"), 0) + 1
        return counts

    def reset_log(self) -> None:
        """Clear the request log and counters (fault ``on_call`` numbers restart at 1)."""
        self.request_log.clear()

    @property
    def tasks(self) -> list[dict[str, Any]]:
        now = self.state.clock.now()
        with self.state.lock:
            return [t.info(now) for t in self.state.tasks.values()]

    def task(self, task_id: str) -> dict[str, Any]:
        return self._task(task_id).info(self.state.clock.now())

    def _task(self, task_id: str) -> Task:
        with self.state.lock:
            task = self.state.tasks.get(str(task_id))
        if task is None:
            raise KeyError(f"unknown task {task_id}")
        return task

    # --- scripting -------------------------------------------------------------------------------
    def inject(self, path: str, script: Mapping[int, FaultSpec]) -> FaultPlan:
        """Shortcut for ``emu.faults.inject(path, {call_no: spec})``."""
        return self.faults.inject(path, script)

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator clock forward (token expiry, task progress, download URL expiry)."""
        self.state.clock.advance(seconds)

    def set_task_outcome(
        self,
        task_id: str,
        status: str = "FAILED",
        message: str | None = None,
        *,
        queuing_seconds: float | None = None,
        processing_seconds: float | None = None,
    ) -> None:
        """Script an existing task's final status (and optionally its timing)."""
        outcome = TaskOutcome.parse(f"{status}:{message}" if message else status)
        task = self._task(task_id)
        with self.state.lock:
            task.outcome = outcome
            if queuing_seconds is not None:
                task.queuing_seconds = queuing_seconds
            if processing_seconds is not None:
                task.processing_seconds = processing_seconds

    def issue_auth_code(
        self,
        family: str = "marketing",
        redirect_uri: str = "http://localhost:8080/callback",
        scope: str | None = None,
        code_challenge: str | None = None,
    ) -> str:
        """An auth code as if the user approved in the browser (single-use, expires)."""
        cfg = self.config
        client = {"marketing": cfg.app_id, "accounts": cfg.accounts_app_id, "login_kit": cfg.login_kit_client_key}
        if family not in client:
            raise ValueError(f"family must be one of {API_FAMILIES}")
        default_scope = {"marketing": "", "accounts": C.DEFAULT_ACCOUNTS_SCOPE}.get(family, C.DEFAULT_LOGIN_KIT_SCOPE)
        return self.state.issue_auth_code(family, client[family], redirect_uri, scope or default_scope, code_challenge)

    # --- report data ---------------------------------------------------------------------------
    def make_plan(
        self, query: ReportQuery, *, sync: bool, row_limit: int | None = None, unbounded: bool = False
    ) -> ReportPlan:
        advertisers = []
        for adv_id in query.advertiser_ids:
            record = self.state.advertiser(adv_id) or {"advertiser_id": adv_id, "currency": "USD", "timezone": "UTC"}
            advertisers.append((record, self.state.advertiser_ordinal(adv_id), self.config.ads_for(adv_id)))
        return ReportPlan(
            query, seed=self.config.seed, advertisers=advertisers, sync=sync, row_limit=row_limit, unbounded=unbounded
        )

    def iter_expected_report_csv(self, task_id: str) -> Iterator[bytes]:
        """The exact bytes a CSV_STRING download (or CSV_DOWNLOAD file) of ``task_id`` serves."""
        return reports.iter_task_csv(self, self._task(task_id))

    def expected_report_csv(self, task_id: str) -> bytes:
        return b"".join(self.iter_expected_report_csv(task_id))
