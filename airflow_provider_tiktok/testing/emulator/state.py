"""Mutable emulator state: clock, apps, tokens, auth codes, async tasks, download links."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TypeVar

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.testing.emulator.config import EmulatorConfig


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
class _UserGrant:
    """Fields shared by the Accounts API / Login Kit access and refresh tokens."""

    token: str
    family: str  # "accounts" | "login_kit" (access tokens also "login_kit_client")
    client_id: str
    open_id: str
    scope: str
    expires_at: float
    revoked: bool = False


_Grant = TypeVar("_Grant", bound=_UserGrant)


@dataclass
class UserToken(_UserGrant):
    """Accounts API / Login Kit access token (expires)."""

    refresh_token: str | None = None


@dataclass
class RefreshToken(_UserGrant):
    """Refresh token of a :class:`UserToken`."""


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

    status: str = spec.TASK_SUCCESS  # SUCCESS or FAILED
    message: str = ""
    queuing_seconds: float | None = None
    processing_seconds: float | None = None

    @classmethod
    def parse(cls, value: Any) -> TaskOutcome:
        """Accept ``"SUCCESS"``, ``"FAILED"``, ``"FAILED:reason"``, a dict or a ``TaskOutcome``."""
        if isinstance(value, TaskOutcome):
            return value
        if isinstance(value, str):
            status, _, message = value.partition(":")
            status = status.strip().upper()
            if status not in (spec.TASK_SUCCESS, spec.TASK_FAILED):
                raise ValueError(f"task outcome must be SUCCESS or FAILED, got {value!r}")
            if status == spec.TASK_FAILED and not message:
                message = "Task failed: internal error when generating the report."
            return cls(status=status, message=message)
        if isinstance(value, dict):
            parsed = cls.parse(value.get("status", spec.TASK_SUCCESS))
            return cls(
                status=parsed.status,
                message=value.get("message", parsed.message),
                queuing_seconds=value.get("queuing_seconds"),
                processing_seconds=value.get("processing_seconds"),
            )
        raise TypeError(f"unsupported task outcome {value!r}")


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
            return spec.TASK_CANCELED
        elapsed = now - self.created_at
        if elapsed < self.queuing_seconds:
            return spec.TASK_QUEUING
        if elapsed < self.queuing_seconds + self.processing_seconds:
            return spec.TASK_PROCESSING
        return self.outcome.status

    def info(self, now: float) -> dict[str, Any]:
        status = self.status_at(now)
        return {
            "task_id": self.task_id,
            "index": self.index,
            "status": status,
            "message": self.outcome.message if status == spec.TASK_FAILED else "",
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

        def grant(kind: type[_Grant], token: str, expires_at: float) -> _Grant:
            return kind(token=token, family=family, client_id=client_id, open_id=open_id, scope=scope,
                        expires_at=expires_at)

        with self.lock:
            prefix_a, prefix_r = ("act.", "rft.") if family == "login_kit" else ("", "")
            access = grant(UserToken, prefix_a + self.secret(f"{family}-access"), now + self.config.access_token_ttl)
            refresh_expiry = now + self.config.refresh_token_ttl if refresh_expires_at is None else refresh_expires_at
            refresh = grant(RefreshToken, prefix_r + self.secret(f"{family}-refresh"), refresh_expiry)
            access.refresh_token = refresh.token
            self.user_tokens[access.token] = access
            self.refresh_tokens[refresh.token] = refresh
            return access, refresh

    def refresh_user_tokens(self, old: RefreshToken, rotate: bool) -> tuple[UserToken, RefreshToken]:
        """A new access token for ``old`` (checked by the caller).

        With ``rotate`` the used refresh token stops working and a new one inherits its expiry;
        otherwise the new access token keeps ``old``.
        """
        with self.lock:
            if rotate:
                old.revoked = True
                return self.issue_user_tokens(
                    old.family, old.client_id, old.open_id, old.scope, refresh_expires_at=old.expires_at
                )
            access, unused = self.issue_user_tokens(old.family, old.client_id, old.open_id, old.scope)
            self.refresh_tokens.pop(unused.token, None)
            access.refresh_token = old.token
            return access, old

    def revoke_user_token(self, token: UserToken) -> None:
        """Revoke an access token and the refresh token issued with it."""
        with self.lock:
            token.revoked = True
            refresh = self.refresh_tokens.get(token.refresh_token or "")
            if refresh is not None:
                refresh.revoked = True

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
