"""Keep Accounts API / Login Kit tokens working unattended: refresh, persist, share between tasks.

Where the tokens live
    The connection holds the app credentials and the *initial* pair (``airflow-tiktok auth login``).
    Airflow 3 tasks cannot update connections, so refreshed pairs go to the Variable ``tiktok_token__<conn_id>``
    (masked: the name contains "token"), JSON of :class:`StoredTokens` (times in Unix seconds, UTC). ``seed``
    hashes the connection token the pair descends from: a re-authorized connection wins over an older
    Variable. :class:`AirflowVariableBackend` reads and writes it with public Airflow interfaces only.

When it refreshes
    Before a request, when the access token expires within ``margin`` (5 min); and once when TikTok
    answers 40102 (expired) or 40105 (invalid) although we thought the token valid.

Concurrency (refresh tokens may rotate: using one invalidates it)
    No lock: the Variable is the point of comparison. A task re-reads it right before refreshing (another
    task may have stored a valid pair). A task whose refresh is rejected (40107 / ``invalid_grant``)
    re-reads it for up to ``rotation_wait`` seconds and uses a newer pair if one appears; only then is the
    refresh token dead (the error names ``airflow-tiktok auth login``). After storing, a task reads the
    Variable back, so a dropped write fails loudly (3.1's ``Variable.set`` logs failures, not raises).
    Alternative: the refresh DAG (``example_dags/example_tiktok_token_refresh.py``) on a 1-slot pool.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from airflow.sdk import Variable, get_current_context
from airflow.sdk.log import mask_secret

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokError
from airflow_provider_tiktok.api.oauth.flow import TokenSet
from airflow_provider_tiktok.connection import TikTokConnectionConfig

log = logging.getLogger(__name__)

VARIABLE_PREFIX = "tiktok_token__"
VARIABLE_DESCRIPTION = "TikTok OAuth tokens, refreshed by airflow-provider-tiktok. Do not edit."
DEFAULT_MARGIN = 300.0
DEFAULT_ROTATION_WAIT = 15.0
AIRFLOW_CLI_TIMEOUT = 300.0


class AirflowStoreError(TikTokError):
    """Airflow could not read or store a token Variable or a connection (the message says why)."""


def variable_key(conn_id: str) -> str:
    """The Variable holding ``conn_id``'s current token pair (masked by Airflow: it contains "token")."""
    return f"{VARIABLE_PREFIX}{conn_id}"


def fingerprint(token: str | None) -> str | None:
    """A short one-way hash identifying the connection token a stored pair descends from."""
    return hashlib.sha256(f"tiktok-seed:{token}".encode()).hexdigest()[:16] if token else None


def mask(*values: str | None) -> None:
    """Register values with Airflow's secrets masker (task logs never show them)."""
    for value in filter(None, values):
        mask_secret(value)


def in_task() -> bool:
    """True while an Airflow task runs in this process (the Task SDK has its context)."""
    try:
        get_current_context()
    except RuntimeError:  # "Current context was requested but no context was found!"
        return False
    return True


@dataclass(frozen=True)
class StoredTokens:
    access_token: str | None = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    refresh_expires_at: float | None = None
    seed: str | None = None
    updated_at: float | None = None

    @classmethod
    def issued(cls, tokens: TokenSet, now: float | None = None) -> StoredTokens:
        """The stored form of a pair just issued by an authorization (its own seed)."""
        return cls(tokens.access_token, tokens.refresh_token, tokens.expires_at, tokens.refresh_expires_at,
                   seed=fingerprint(tokens.refresh_token or tokens.access_token),
                   updated_at=time.time() if now is None else now)

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


# -- Airflow's CLI, for the metadata DB outside tasks ------------------------------------------------

def run_airflow(*args: str, payload: Any = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``airflow <args>``, a ``payload`` in a 0600 JSON file appended to them (never on the command line).

    With ``check``, a non-zero exit raises :class:`AirflowStoreError` with the command's last lines.
    """
    sibling = Path(sys.executable).with_name("airflow")  # this environment's Airflow, else the one on PATH
    executable = str(sibling) if sibling.exists() else shutil.which("airflow")
    if not executable:
        raise AirflowStoreError("the `airflow` command was not found next to this Python or on PATH")
    argv = [executable, *args]
    env = {**os.environ, "NO_COLOR": "1"}  # plain JSON from `--output json`, no terminal colours
    name = None
    try:
        if payload is not None:
            fd, name = tempfile.mkstemp(prefix="tiktok-airflow-", suffix=".json")
            os.chmod(name, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(payload, handle)
            argv.append(name)
        result = subprocess.run(argv, capture_output=True, text=True, timeout=AIRFLOW_CLI_TIMEOUT, env=env,  # noqa: S603
                                check=False)  # fixed argv: the airflow executable, our arguments, a file name
    finally:
        if name:
            Path(name).unlink(missing_ok=True)
    if check and result.returncode != 0:
        raise AirflowStoreError(f"`airflow {' '.join(args[:2])}` failed: {cli_tail(result)}")
    return result


def cli_tail(result: subprocess.CompletedProcess[str]) -> str:
    """The last lines an ``airflow`` command printed (its error), for messages."""
    lines = (result.stderr or result.stdout or "").strip().splitlines()
    return " | ".join(lines[-3:]) or f"exit status {result.returncode}"


class AirflowVariableBackend:
    """Airflow Variables through public interfaces: the Task SDK in a task, the ``airflow`` CLI elsewhere.

    Outside a task ``airflow.sdk.Variable`` (3.1.8 and 3.3.2 alike) reads only environment variables and
    external secrets backends, not the metadata DB where tasks store the pair, and ``set`` raises
    ``ImportError`` (no supervisor). The narrowest public interface that works there offline is Airflow's
    CLI (``variables get`` searches every backend in Airflow's order; ``variables import`` writes the DB).
    Neither path caches: the Task SDK's secrets cache (``[secrets] use_cache``) exists only in the DAG
    processor, where a read may be up to ``cache_ttl_seconds`` old; even that only costs a rejected
    refresh, which is answered by re-reading, never by writing.
    """

    @property
    def confirms_writes(self) -> bool:
        """Outside a task :meth:`set` checks ``airflow variables import``'s report; in a task it cannot."""
        return not in_task()

    def get(self, key: str) -> str | None:
        if in_task():
            value: Any = Variable.get(key, default=None)
            return None if value is None else str(value)
        result = run_airflow("variables", "get", key, check=False)
        if result.returncode != 0:
            if "does not exist" in (result.stdout + result.stderr):
                return None
            raise AirflowStoreError(f"`airflow variables get {key}` failed: {cli_tail(result)}")
        lines = result.stdout.strip().splitlines()  # our values are one-line JSON
        return lines[-1] if lines else None

    def set(self, key: str, value: str) -> None:
        if in_task():
            Variable.set(key, value, description=VARIABLE_DESCRIPTION)
            return
        result = run_airflow("variables", "import", "--action-on-existing-key", "overwrite",
                             payload={key: {"value": value, "description": VARIABLE_DESCRIPTION}})
        if "1 of 1 variables successfully updated" not in result.stdout:
            raise AirflowStoreError(f"`airflow variables import` did not store {key}: {cli_tail(result)}")


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
        self.backend: VariableBackend = backend if backend is not None else AirflowVariableBackend()
        self.margin = margin
        self.rotation_wait = rotation_wait
        self.poll_interval = poll_interval
        self.clock = clock
        self._current: StoredTokens | None = None
        mask(seed_access, seed_refresh)

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

    @property
    def current(self) -> StoredTokens:
        """The pair last read or stored by this manager (read once if none yet)."""
        return self._current or self.load()

    def access_token(self) -> str | None:
        """The token to send now (the client calls this before every request)."""
        tokens = self.current
        if tokens.access_valid(self.clock(), self._margin(tokens)):
            return tokens.access_token
        return self.refresh().access_token

    def on_token_expired(self, stale_access: str) -> str:
        """The client's 40102/40105 callback: refresh once (unless another task already did); the new token."""
        token = self.refresh(stale_access=stale_access).access_token
        assert token is not None
        return token

    def _usable(self, tokens: StoredTokens, stale_access: str | None) -> bool:
        now = self.clock()
        if stale_access is not None:  # TikTok refused this token: any other valid token will do
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
        if not getattr(self.backend, "confirms_writes", False):
            self._check_stored(tokens)
        until = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(tokens.expires_at)) if tokens.expires_at else "?"
        log.info("Refreshed the TikTok access token of connection %s (valid until %s); saved in Variable %s",
                 self.conn_id, until, self.key)
        return tokens

    def _check_stored(self, tokens: StoredTokens) -> None:
        """Read the Variable back: it must hold this pair, or one another task stored after it."""
        latest = self.load()
        if latest.access_token == tokens.access_token or (latest.updated_at or 0) >= (tokens.updated_at or 0):
            return
        self._current = tokens  # this hook goes on with the new pair if the caller carries on
        raise AirflowStoreError(
            f"the refreshed token pair of connection {self.conn_id!r} was not saved: Variable {self.key!r} does not "
            "read it back (is the Variable in a secrets backend, which Airflow reads first? See Variable.set's "
            f"log). If later runs find the refresh token dead, re-authorize: "
            f"{oauth.reauthorize_command(self.conn_id, self.family, self.app_id)}")


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
    """A token manager for ``config``; ``timeouts`` / ``retry`` go to the refresh client, the rest to the manager."""
    client_kwargs = {k: v for k in ("timeouts", "retry") if (v := kwargs.pop(k, None)) is not None}
    return TokenManager(conn_id=config.conn_id, family=config.api_family, seed_access=config.access_token,
                        seed_refresh=config.refresh_token, refresher=client_refresher(config, **client_kwargs),
                        app_id=config.app_id, **kwargs)


def token_manager(hook: Any, config: TikTokConnectionConfig) -> TokenManager:
    """The hook's token manager (one per hook instance, created on first use), with the hook's options.

    ``token_store`` and ``token_rotation_wait`` are declared by ``TikTokOAuthHookMixin``.
    """
    manager = getattr(hook, "_tiktok_token_manager", None)
    if manager is None or manager.conn_id != config.conn_id:
        options = {"timeouts": getattr(hook, "timeouts", None), "retry": getattr(hook, "retry", None),
                   "backend": getattr(hook, "token_store", None),
                   "rotation_wait": getattr(hook, "token_rotation_wait", None)}
        manager = manager_for_config(config, **{k: v for k, v in options.items() if v is not None})
        hook._tiktok_token_manager = manager
    return manager


__all__ = [
    "VARIABLE_PREFIX", "AirflowStoreError", "AirflowVariableBackend", "StoredTokens", "TokenManager",
    "VariableBackend", "client_refresher", "fingerprint", "in_task", "manager_for_config", "token_manager",
    "variable_key",
]
