"""Public entry point: ``TikTokEmulator``, an offline loopback emulator of TikTok's v1.3 APIs."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from airflow_provider_tiktok.testing import constants as C
from airflow_provider_tiktok.testing import handlers_accounts, handlers_loginkit, handlers_marketing, handlers_reports
from airflow_provider_tiktok.testing.config import EmulatorConfig
from airflow_provider_tiktok.testing.data import ReportPlan
from airflow_provider_tiktok.testing.faults import FaultPlan, FaultSpec, normalize_key
from airflow_provider_tiktok.testing.ratelimit import SlidingWindowLimiter
from airflow_provider_tiktok.testing.server import EmulatorHTTPServer
from airflow_provider_tiktok.testing.state import State, Task, TaskOutcome
from airflow_provider_tiktok.testing.validation import ReportQuery
from airflow_provider_tiktok.testing.wire import Route

FAMILIES = ("marketing", "accounts", "login_kit")
MAX_LOG_RECORDS = 100_000


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
        self.business_routes: dict[tuple[str, str], Route] = {
            **handlers_marketing.ROUTES,
            **handlers_reports.ROUTES,
            **handlers_accounts.ROUTES,
        }
        self.known_business_paths = frozenset(path for _method, path in self.business_routes)
        self.oauth_routes = dict(handlers_loginkit.OAUTH_ROUTES)
        self.page_routes = dict(handlers_loginkit.PAGE_ROUTES)
        self.file_route = handlers_reports.FILE_ROUTE
        self._log_lock = threading.Lock()
        # Bounded so a long-running CLI emulator does not grow without limit.
        self._requests: deque[dict[str, Any]] = deque(maxlen=MAX_LOG_RECORDS)
        self._counters: dict[str, int] = {}
        self._stopping = threading.Event()
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
        self._stopping.clear()
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
        self._stopping.set()  # wakes stalled requests
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
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

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
    def advertisers(self) -> list[dict[str, str]]:
        keys = ("advertiser_id", "advertiser_name", "timezone", "currency")
        return [{k: a.get(k, "") for k in keys} for a in self.config.advertisers]

    @property
    def advertiser_ids(self) -> list[str]:
        return [a["advertiser_id"] for a in self.config.advertisers]

    @property
    def forbidden_advertiser_ids(self) -> list[str]:
        """Existing advertisers the pre-issued token has no permission for (-> 40001)."""
        return list(self.config.forbidden_advertisers)

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
        raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")

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
    def _count(self, key: str) -> int:
        with self._log_lock:
            self._counters[key] = self._counters.get(key, 0) + 1
            return self._counters[key]

    def _log(self, record: dict[str, Any]) -> None:
        with self._log_lock:
            self._requests.append(record)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Request log (secrets, tokens and codes redacted as ``***``)."""
        with self._log_lock:
            return [dict(r) for r in self._requests]

    @property
    def counters(self) -> dict[str, int]:
        with self._log_lock:
            return dict(self._counters)

    def count(self, path: str) -> int:
        with self._log_lock:
            return self._counters.get(normalize_key(path), 0)

    def reset_log(self) -> None:
        """Clear the request log and counters (fault ``on_call`` numbers restart at 1)."""
        with self._log_lock:
            self._requests.clear()
            self._counters.clear()

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
            raise ValueError(f"family must be one of {FAMILIES}")
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
        return handlers_reports.iter_task_csv(self, self._task(task_id))

    def expected_report_csv(self, task_id: str) -> bytes:
        return b"".join(self.iter_expected_report_csv(task_id))
