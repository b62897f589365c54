"""Keep Accounts API / Login Kit tokens working unattended: refresh, persist, share between tasks.

Where the tokens live
    The connection holds the app credentials and the *initial* token pair (written by
    ``airflow-tiktok auth login``). Airflow 3 tasks cannot update connections, so every refreshed pair
    is stored in the Airflow Variable ``tiktok_token__<conn_id>`` (the name contains "token", so Airflow
    masks its value; DB Variables are Fernet-encrypted). Its value is JSON::

        {"access_token": "...", "refresh_token": "...", "expires_at": 1767225600,
         "refresh_expires_at": 1798761600, "seed": "<hash of the connection token it descends from>",
         "updated_at": 1767139200}

    Times are Unix seconds (UTC). When the connection is re-authorized (its token no longer matches
    ``seed``) the Variable is ignored and the new connection tokens win.

When it refreshes
    Before a request, when the access token expires within ``margin`` (5 min); and once when TikTok
    answers 40102 (expired) although we thought the token valid.

Concurrency (refresh tokens may rotate: using one invalidates it)
    There is no lock: every task refreshes on its own. A task whose refresh is rejected (40107 /
    ``invalid_grant``) re-reads the Variable for up to ``rotation_wait`` seconds; when another task has
    stored a newer pair meanwhile, it uses that pair. Only when nothing newer appears is the refresh
    token considered dead, and the error names the ``airflow-tiktok auth login`` command. The
    alternative is the dedicated refresh DAG (``example_dags/example_tiktok_token_refresh.py``) on a
    1-slot pool, which refreshes well before expiry so tasks never need to.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.connection import TikTokConnectionConfig

log = logging.getLogger(__name__)

VARIABLE_PREFIX = "tiktok_token__"
DEFAULT_MARGIN = 300.0
DEFAULT_ROTATION_WAIT = 15.0


def variable_key(conn_id: str) -> str:
    """The Variable holding ``conn_id``'s current token pair (masked by Airflow: it contains "token")."""
    return f"{VARIABLE_PREFIX}{conn_id}"


def fingerprint(token: str | None) -> str | None:
    """A short one-way hash identifying the connection token a stored pair descends from."""
    return hashlib.sha256(f"tiktok-seed:{token}".encode()).hexdigest()[:16] if token else None


def mask(*values: str | None) -> None:
    """Register values with Airflow's secrets masker (task logs never show them)."""
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:  # pragma: no cover - Airflow < 3.1 is not supported
        return
    for value in values:
        if value:
            mask_secret(value)


@dataclass(frozen=True)
class StoredTokens:
    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    refresh_expires_at: float | None = None
    seed: str | None = None
    updated_at: float | None = None

    def access_valid(self, now: float, margin: float) -> bool:
        """True when the access token may be used; an unknown expiry counts as valid until TikTok says 40102."""
        return bool(self.access_token) and (self.expires_at is None or self.expires_at - now > margin)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoredTokens:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


class VariableBackend(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


def _in_task() -> bool:
    try:
        from airflow.sdk.execution_time import task_runner
    except ImportError:  # pragma: no cover
        return False
    return getattr(task_runner, "SUPERVISOR_COMMS", None) is not None


class AirflowVariableBackend:
    """Airflow Variables: through the Task SDK inside a task, the metadata DB elsewhere (CLI, tests)."""

    description = "TikTok OAuth tokens, refreshed by airflow-provider-tiktok. Do not edit."

    def get(self, key: str) -> str | None:
        if _in_task():
            from airflow.sdk import Variable

            try:  # a stale cached value would defeat the re-read-and-retry logic
                from airflow.sdk.execution_time.cache import SecretCache

                SecretCache.invalidate_variable(key)
            except (ImportError, AttributeError):  # pragma: no cover
                pass
            value: Any = Variable.get(key, default=None)
            return None if value is None else str(value)
        from airflow.models import Variable as DbVariable

        stored: Any = DbVariable.get(key, default_var=None)
        return None if stored is None else str(stored)

    def set(self, key: str, value: str) -> None:
        if _in_task():
            from airflow.sdk import Variable

            Variable.set(key, value, description=self.description)
            return
        from airflow.models import Variable as DbVariable

        DbVariable.set(key, value, description=self.description)


class TokenManager:
    """Hands out a valid access token for one connection, refreshing and persisting as needed.

    :param refresher: exchanges a refresh token for a new :class:`TokenSet` (TikTok call).
    :param backend: where the pair is persisted (Airflow Variables by default).
    :param margin: refresh when the access token expires within this many seconds.
    :param rotation_wait: how long a task whose refresh was rejected waits for another task's new pair.
    """

    def __init__(self, *, conn_id: str, family: str, seed_access: str | None, seed_refresh: str | None,
                 refresher: Callable[[str], TokenSet], backend: VariableBackend | None = None,
                 app_id: str | None = None, margin: float = DEFAULT_MARGIN,
                 rotation_wait: float = DEFAULT_ROTATION_WAIT, poll_interval: float = 0.25,
                 clock: Callable[[], float] = time.time) -> None:
        self.conn_id = conn_id
        self.family = family
        self.app_id = app_id
        self.key = variable_key(conn_id)
        self._seed = StoredTokens(seed_access, seed_refresh, seed=fingerprint(seed_refresh or seed_access))
        self._refresher = refresher
        self.backend = backend or AirflowVariableBackend()
        self.margin = margin
        self.rotation_wait = rotation_wait
        self.poll_interval = poll_interval
        self.clock = clock
        self._current: StoredTokens | None = None
        mask(seed_access, seed_refresh)

    # -- reading ----------------------------------------------------------------------------------

    def load(self) -> StoredTokens:
        """The newest pair: the Variable unless the connection was re-authorized since."""
        raw = self.backend.get(self.key)
        tokens = self._seed
        if raw:
            try:
                stored = StoredTokens.from_json(raw)
            except (ValueError, TypeError):
                log.warning("Variable %s does not hold a TikTok token pair; using connection %s", self.key,
                            self.conn_id)
            else:
                if self._seed.seed is None or stored.seed == self._seed.seed:
                    tokens = stored
                else:
                    log.info("Connection %s was re-authorized; ignoring the older pair in Variable %s",
                             self.conn_id, self.key)
        mask(tokens.access_token, tokens.refresh_token)
        self._current = tokens
        return tokens

    def access_token(self) -> str | None:
        """The token to send now (the client calls this before every request)."""
        tokens = self._current or self.load()
        if tokens.access_valid(self.clock(), self._margin(tokens)):
            return tokens.access_token
        return self.refresh().access_token

    def on_token_expired(self, stale_access: str) -> str:
        """The client's 40102 callback: refresh once (unless another task already did) and return the token."""
        token = self.refresh(stale_access=stale_access).access_token
        assert token is not None
        return token

    # -- refreshing -------------------------------------------------------------------------------

    def _usable(self, tokens: StoredTokens, stale_access: str | None) -> bool:
        now = self.clock()
        if stale_access is not None:  # TikTok said this token expired: any other valid token will do
            return tokens.access_token != stale_access and tokens.access_valid(now, 0)
        return tokens.access_valid(now, self._margin(tokens))

    def _margin(self, tokens: StoredTokens) -> float:
        """``margin``, but at most half the token's lifetime (short-lived tokens must not refresh on every call)."""
        if tokens.expires_at is not None and tokens.updated_at is not None:
            return min(self.margin, max(0.0, (tokens.expires_at - tokens.updated_at) / 2))
        return self.margin

    def refresh(self, stale_access: str | None = None, *, force: bool = False) -> StoredTokens:
        """Renew the pair (re-reading the store first) and persist it; see the module docstring."""
        deadline = time.monotonic() + self.rotation_wait
        for _ in range(10):
            current = self.load()
            if not force and self._usable(current, stale_access):
                return current
            force = False
            self._check_refreshable(current)
            assert current.refresh_token is not None
            try:
                fresh = self._refresher(current.refresh_token)
            except Exception as exc:
                if not oauth.is_refresh_token_rejection(exc):
                    raise
                # 40103 = expired: no other task can have fixed that. Otherwise it may have been rotated.
                newer = None if getattr(exc, "code", None) == 40103 else self._wait_for_newer(current, deadline)
                if newer is None:
                    raise oauth.reauthorization_error(
                        self.conn_id, self.family,
                        f"TikTok rejected the refresh token of connection {self.conn_id!r} ({exc.__class__.__name__}"
                        f": {getattr(exc, 'message', exc)}) and no other task stored a newer one", exc, self.app_id,
                    ) from None
                continue
            return self._store(fresh, current)
        raise oauth.reauthorization_error(self.conn_id, self.family, "the token pair kept changing during refresh",
                                          app_id=self.app_id)

    def _check_refreshable(self, tokens: StoredTokens) -> None:
        if not tokens.refresh_token:
            raise oauth.reauthorization_error(
                self.conn_id, self.family, f"connection {self.conn_id!r} has no refresh token", app_id=self.app_id)
        if tokens.refresh_expires_at is not None and tokens.refresh_expires_at <= self.clock():
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(tokens.refresh_expires_at))
            raise oauth.reauthorization_error(
                self.conn_id, self.family, f"the refresh token of connection {self.conn_id!r} expired at {when} "
                "(refresh tokens last one year)", app_id=self.app_id)

    def _wait_for_newer(self, seen: StoredTokens, deadline: float) -> StoredTokens | None:
        """Poll the store until another task has saved a pair newer than ``seen`` (or time runs out)."""
        while True:
            latest = self.load()
            if latest.refresh_token != seen.refresh_token or latest.access_token != seen.access_token:
                log.info("Another task refreshed the token of connection %s; using its pair", self.conn_id)
                return latest
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.poll_interval * (0.5 + random.random()))

    def _store(self, fresh: TokenSet, previous: StoredTokens) -> StoredTokens:
        mask(*fresh.secrets())
        tokens = StoredTokens(
            access_token=fresh.access_token,
            refresh_token=fresh.refresh_token or previous.refresh_token,
            expires_at=fresh.expires_at,
            refresh_expires_at=fresh.refresh_expires_at if fresh.refresh_token else previous.refresh_expires_at,
            seed=previous.seed or self._seed.seed,
            updated_at=self.clock(),
        )
        self.backend.set(self.key, tokens.to_json())
        self._current = tokens
        until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(tokens.expires_at)) if tokens.expires_at else "?"
        log.info("Refreshed the TikTok access token of connection %s (valid until %s); saved in Variable %s",
                 self.conn_id, until, self.key)
        return tokens

    def save_initial(self, tokens: TokenSet) -> StoredTokens:
        """Store a pair from a fresh authorization (CLI), so its expiry is known from the start."""
        mask(*tokens.secrets())
        stored = initial_tokens(tokens, self.clock())
        self.backend.set(self.key, stored.to_json())
        self._current = stored
        return stored


def initial_tokens(tokens: TokenSet, now: float | None = None) -> StoredTokens:
    """The stored form of a pair that was just written to the connection (its own seed)."""
    return StoredTokens(tokens.access_token, tokens.refresh_token, tokens.expires_at, tokens.refresh_expires_at,
                        seed=fingerprint(tokens.refresh_token or tokens.access_token),
                        updated_at=time.time() if now is None else now)


def client_refresher(config: TikTokConnectionConfig, **client_kwargs: Any) -> Callable[[str], TokenSet]:
    """A refresher calling the family's refresh endpoint with the connection's app credentials."""
    def _refresh(refresh_token: str) -> TokenSet:
        config.require("app_id", "app_secret")
        call = oauth.refresh_tokens(config.api_family, config.app_id, config.app_secret, refresh_token)
        with TikTokClient(app_id=config.app_id, app_secret=config.app_secret, environment=config.environment,
                          base_url=config.base_url, **client_kwargs) as client:
            client.redact.add(refresh_token)
            return client.call(call)

    return _refresh


def manager_for_config(config: TikTokConnectionConfig, **kwargs: Any) -> TokenManager:
    client_kwargs = {k: v for k in ("timeouts", "retry") if (v := kwargs.pop(k, None)) is not None}
    return TokenManager(conn_id=config.conn_id, family=config.api_family, seed_access=config.access_token,
                        seed_refresh=config.refresh_token, refresher=client_refresher(config, **client_kwargs),
                        app_id=config.app_id, **kwargs)


def token_manager(hook: Any, config: TikTokConnectionConfig) -> TokenManager:
    """The hook's token manager (one per hook instance, created on first use)."""
    manager = getattr(hook, "_tiktok_token_manager", None)
    if manager is None or manager.conn_id != config.conn_id:
        manager = manager_for_config(config, timeouts=getattr(hook, "timeouts", None),
                                     retry=getattr(hook, "retry", None))
        hook._tiktok_token_manager = manager
    return manager


__all__ = [
    "VARIABLE_PREFIX",
    "AirflowVariableBackend",
    "StoredTokens",
    "TokenManager",
    "VariableBackend",
    "client_refresher",
    "fingerprint",
    "initial_tokens",
    "manager_for_config",
    "token_manager",
    "variable_key",
]
