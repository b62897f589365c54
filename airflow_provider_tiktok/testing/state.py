"""Mutable emulator state: clock, apps, tokens, auth codes, async tasks, download links."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_tiktok.testing import constants as C
from airflow_provider_tiktok.testing.config import EmulatorConfig


class Clock:
    """Wall clock plus an offset that tests can advance (``emu.advance_clock``)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += float(seconds)


@dataclass
class MarketingToken:
    """Long-term advertiser token: never expires, dies only when revoked."""

    token: str
    app_id: str
    advertiser_ids: list[str]
    scope: list[int]
    revoked: bool = False


@dataclass
class UserToken:
    """Accounts API / Login Kit access token (expires)."""

    token: str
    family: str  # "accounts" | "login_kit"
    client_id: str
    open_id: str
    scope: str
    expires_at: float
    refresh_token: str | None = None
    revoked: bool = False


@dataclass
class RefreshToken:
    token: str
    family: str
    client_id: str
    open_id: str
    scope: str
    expires_at: float
    revoked: bool = False


@dataclass
class AuthCode:
    code: str
    family: str  # "marketing" | "accounts" | "login_kit"
    client_id: str
    redirect_uri: str
    scope: str
    expires_at: float
    code_challenge: str | None = None
    used: bool = False


@dataclass
class TaskOutcome:
    """Scripted result of an async task."""

    status: str = C.SUCCESS  # SUCCESS or FAILED
    message: str = ""
    queuing_seconds: float | None = None
    processing_seconds: float | None = None

    @classmethod
    def parse(cls, spec: Any) -> TaskOutcome:
        """Accept ``"SUCCESS"``, ``"FAILED"``, ``"FAILED:reason"``, a dict or a ``TaskOutcome``."""
        if isinstance(spec, TaskOutcome):
            return spec
        if isinstance(spec, str):
            status, _, message = spec.partition(":")
            status = status.strip().upper()
            if status not in (C.SUCCESS, C.FAILED):
                raise ValueError(f"task outcome must be SUCCESS or FAILED, got {spec!r}")
            if status == C.FAILED and not message:
                message = "Task failed: internal error when generating the report."
            return cls(status=status, message=message)
        if isinstance(spec, dict):
            parsed = cls.parse(spec.get("status", C.SUCCESS))
            return cls(
                status=parsed.status,
                message=spec.get("message", parsed.message),
                queuing_seconds=spec.get("queuing_seconds"),
                processing_seconds=spec.get("processing_seconds"),
            )
        raise TypeError(f"unsupported task outcome {spec!r}")


@dataclass
class Task:
    task_id: str
    index: int
    owner_token: str
    advertiser_ids: list[str]
    params: dict[str, Any]
    query: Any  # validation.ReportQuery
    created_at: float
    queuing_seconds: float
    processing_seconds: float
    outcome: TaskOutcome
    canceled_at: float | None = None
    #: report_rows / report_bytes knobs captured at creation (the CSV must not change later).
    report_rows: int | None = None
    report_bytes: int | None = None

    def status_at(self, now: float) -> str:
        if self.canceled_at is not None:
            return C.CANCELED
        elapsed = now - self.created_at
        if elapsed < self.queuing_seconds:
            return C.QUEUING
        if elapsed < self.queuing_seconds + self.processing_seconds:
            return C.PROCESSING
        return self.outcome.status

    def info(self, now: float) -> dict[str, Any]:
        status = self.status_at(now)
        return {
            "task_id": self.task_id,
            "index": self.index,
            "status": status,
            "message": self.outcome.message if status == C.FAILED else "",
            "advertiser_ids": list(self.advertiser_ids),
            "params": dict(self.params),
            "output_format": self.params.get("output_format", "CSV_STRING"),
        }


@dataclass
class FileLink:
    """A signed-URL-like download link for CSV_DOWNLOAD / XLSX_DOWNLOAD tasks."""

    token: str
    task_id: str
    file_name: str
    output_format: str
    expires_at: float


@dataclass
class State:
    """Everything the handlers mutate; guarded by ``lock``."""

    config: EmulatorConfig
    clock: Clock = field(default_factory=Clock)
    lock: threading.RLock = field(default_factory=threading.RLock)
    marketing_tokens: dict[str, MarketingToken] = field(default_factory=dict)
    user_tokens: dict[str, UserToken] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    auth_codes: dict[str, AuthCode] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    files: dict[str, FileLink] = field(default_factory=dict)
    task_overrides: dict[str, TaskOutcome] = field(default_factory=dict)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- identifiers ------------------------------------------------------------
    def secret(self, kind: str, length: int = 40) -> str:
        """Deterministic (per seed and issue order) opaque hex string."""
        n = next(self._counter)
        digest = hashlib.sha256(f"{self.config.seed}:{kind}:{n}".encode()).hexdigest()
        return digest[:length]

    def new_task_id(self) -> str:
        return str(7300000000000000000 + len(self.tasks) + 1)

    # --- advertisers --------------------------------------------------------------
    def advertiser(self, advertiser_id: str) -> dict[str, str] | None:
        for adv in self.config.advertisers:
            if adv["advertiser_id"] == advertiser_id:
                return adv
        return None

    def advertiser_ordinal(self, advertiser_id: str) -> int:
        """Stable small integer for an advertiser (used inside generated entity ids)."""
        for i, adv in enumerate(self.config.advertisers):
            if adv["advertiser_id"] == advertiser_id:
                return i + 1
        return int(hashlib.sha256(advertiser_id.encode()).hexdigest(), 16) % 900 + 100

    # --- issuing --------------------------------------------------------------------
    def issue_marketing_token(self, app_id: str, advertiser_ids: list[str], token: str | None = None) -> str:
        with self.lock:
            token = token or self.secret("marketing-token")
            self.marketing_tokens[token] = MarketingToken(
                token=token, app_id=app_id, advertiser_ids=list(advertiser_ids), scope=list(C.DEFAULT_MARKETING_SCOPE)
            )
            return token

    def issue_user_tokens(
        self,
        family: str,
        client_id: str,
        open_id: str,
        scope: str,
        refresh_expires_at: float | None = None,
    ) -> tuple[UserToken, RefreshToken]:
        """Issue an access + refresh token pair (Login Kit tokens carry act./rft. prefixes)."""
        now = self.clock.now()
        with self.lock:
            prefix_a, prefix_r = ("act.", "rft.") if family == "login_kit" else ("", "")
            access = UserToken(
                token=prefix_a + self.secret(f"{family}-access"),
                family=family,
                client_id=client_id,
                open_id=open_id,
                scope=scope,
                expires_at=now + self.config.access_token_ttl,
            )
            refresh = RefreshToken(
                token=prefix_r + self.secret(f"{family}-refresh"),
                family=family,
                client_id=client_id,
                open_id=open_id,
                scope=scope,
                expires_at=refresh_expires_at
                if refresh_expires_at is not None
                else now + self.config.refresh_token_ttl,
            )
            access.refresh_token = refresh.token
            self.user_tokens[access.token] = access
            self.refresh_tokens[refresh.token] = refresh
            return access, refresh

    def issue_client_token(self, client_id: str) -> UserToken:
        """Login Kit client_credentials token (``clt.`` prefix, 2 h)."""
        with self.lock:
            tok = UserToken(
                token="clt." + self.secret("client-token"),
                family="login_kit_client",
                client_id=client_id,
                open_id="",
                scope="",
                expires_at=self.clock.now() + self.config.client_token_ttl,
            )
            self.user_tokens[tok.token] = tok
            return tok

    def issue_auth_code(
        self,
        family: str,
        client_id: str,
        redirect_uri: str,
        scope: str = "",
        code_challenge: str | None = None,
    ) -> str:
        with self.lock:
            code = self.secret(f"{family}-code", 32)
            self.auth_codes[code] = AuthCode(
                code=code,
                family=family,
                client_id=client_id,
                redirect_uri=redirect_uri,
                scope=scope,
                expires_at=self.clock.now() + self.config.auth_code_ttl,
                code_challenge=code_challenge or None,
            )
            return code

    def consume_auth_code(self, code: str, family: str, client_id: str) -> AuthCode | None:
        """Single-use: returns the code record once; unknown/used/expired/foreign codes give None."""
        with self.lock:
            rec = self.auth_codes.get(code)
            if rec is None or rec.used or rec.family != family or rec.client_id != client_id:
                return None
            rec.used = True
            if self.clock.now() > rec.expires_at:
                return None
            return rec
