"""``TikTokBaseHook``: reads a ``tiktok`` connection and owns the TikTok clients of one hook.

The TikTok operations themselves are methods of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook`
(mixed in from ``hooks/marketing.py``, ``hooks/accounts.py`` and ``hooks/oauth.py``); this class gives
them the connection (:attr:`config`), one pooled sync client (:meth:`get_conn`), one async client for
triggers (:meth:`aget_client`, async connection lookup) and :meth:`call` / :meth:`acall`.

Both clients draw from one rate budget (:meth:`rate_budget`) before every request: the connection extra
``rate_limit_url`` selects the cluster-wide ``RedisRateBudget``; otherwise every hook of the process shares
one :class:`~airflow_provider_tiktok.api.core.budget.LocalRateBudget` per (base URL, app id), at the
connection's ``max_qps`` (default: TikTok's Basic tier, 10 requests per second per endpoint, 2 for
``/report/task/create/``). See ``docs/rate-limits.md``.
"""

from __future__ import annotations

import json
import math
import threading
from functools import cached_property
from typing import Any, TypeVar

from airflow.sdk import BaseHook

from airflow_provider_tiktok.api.core.async_client import AsyncTikTokClient
from airflow_provider_tiktok.api.core.budget import LocalRateBudget, RateBudget, default_qps
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.connection import CONN_TYPE, DEFAULT_CONN_ID, HOOK_NAME, TikTokConnectionConfig
from airflow_provider_tiktok.hooks.tokens import token_manager

T = TypeVar("T")

#: What each API family's connection is made with (for the wrong-family error).
_FAMILY_LOGIN = {
    "marketing": "airflow-tiktok auth login --family marketing",
    "accounts": "airflow-tiktok auth login --family accounts",
    "login_kit": "airflow-tiktok auth login --family login_kit",
}


#: The rate budgets of this process, shared by every hook: one per (base URL or environment, app id[, URL]).
_BUDGETS: dict[tuple[str, ...], RateBudget] = {}
_BUDGETS_LOCK = threading.Lock()


def rate_settings(conn_id: str, extra: dict[str, Any]) -> tuple[float | None, str | None]:
    """The extras ``max_qps`` (a positive number) and ``rate_limit_url`` (a string), checked."""
    where = f"Connection {conn_id!r}"
    max_qps = extra.get("max_qps")
    if max_qps in (None, ""):
        max_qps = None
    else:
        try:
            max_qps = float(max_qps) if not isinstance(max_qps, bool) else math.nan
        except (TypeError, ValueError):
            max_qps = math.nan
        if not math.isfinite(max_qps) or max_qps <= 0:
            raise TikTokValidationError(
                f"{where}: field 'Max QPS' (extra max_qps) must be a positive number of requests per second "
                f"(your app's tier: 10 Basic, 20 Advanced, 30 Premium, 50 Ultimate), got {extra.get('max_qps')!r}")
    url = extra.get("rate_limit_url")
    if url in (None, ""):
        url = None
    elif not isinstance(url, str) or "://" not in url:
        raise TikTokValidationError(
            f"{where}: field 'Rate limit URL' (extra rate_limit_url) must be a URL such as redis://host:6379/0, "
            "or empty for the per-process budget")
    return max_qps, url


def process_budget(config: TikTokConnectionConfig, max_qps: float | None, rate_limit_url: str | None) -> RateBudget:
    """The budget of ``config``'s app in this process (created once, then shared by every hook)."""
    qps = default_qps(max_qps)
    where = config.base_url or config.environment
    key = (where, config.app_id or "", rate_limit_url or "")
    with _BUDGETS_LOCK:
        budget = _BUDGETS.get(key)
        if budget is None:
            if rate_limit_url:
                try:
                    from airflow_provider_tiktok.api.core.budget_redis import RedisRateBudget
                except ImportError as exc:
                    raise TikTokValidationError(
                        f"Connection {config.conn_id!r}: field 'Rate limit URL' (extra rate_limit_url) needs the "
                        f"cluster-wide budget airflow_provider_tiktok.api.core.budget_redis, which cannot be "
                        f"imported ({exc}); install its dependency or leave the field empty for the per-process "
                        "budget") from None
                budget = RedisRateBudget(rate_limit_url, qps, namespace=config.app_id or "")
            else:
                budget = LocalRateBudget(qps)
            _BUDGETS[key] = budget
    return budget


def _extra_dict(conn: Any) -> dict[str, Any]:
    extra = getattr(conn, "extra", None)
    if not extra:
        return {}
    if isinstance(extra, dict):
        return extra
    try:
        value = json.loads(extra)
    except ValueError:
        raise TikTokValidationError(
            f"Connection {conn.conn_id!r}: the Extra field is not valid JSON") from None
    if not isinstance(value, dict):
        raise TikTokValidationError(f"Connection {conn.conn_id!r}: the Extra field must be a JSON object")
    return value


class TikTokBaseHook(BaseHook):
    """Connection and clients of a :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook`.

    :param tiktok_conn_id: the connection id (default ``tiktok_default``).
    :param timeouts: connect / read timeouts of each request.
    :param retry: retry policy for rate limits, TikTok server errors and transport failures.
    """

    conn_name_attr = "tiktok_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = HOOK_NAME

    def __init__(self, tiktok_conn_id: str = DEFAULT_CONN_ID, *, timeouts: Timeouts | None = None,
                 retry: RetryPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tiktok_conn_id = tiktok_conn_id
        self.timeouts = timeouts
        self.retry = retry
        self._client: TikTokClient | None = None
        self._aclient: AsyncTikTokClient | None = None
        self._rate_settings: tuple[float | None, str | None] = (None, None)

    # -- connection -----------------------------------------------------------------------------

    @cached_property
    def config(self) -> TikTokConnectionConfig:
        conn = self.get_connection(self.tiktok_conn_id)
        return self._config_from(conn)

    async def aget_config(self) -> TikTokConnectionConfig:
        """Async connection lookup, for triggers (no sync ``get_connection`` in the event loop)."""
        if "config" in self.__dict__:
            return self.__dict__["config"]  # type: ignore[no-any-return]
        conn = await self.aget_connection(self.tiktok_conn_id)
        config = self._config_from(conn)
        self.__dict__["config"] = config
        return config

    def _config_from(self, conn: Any) -> TikTokConnectionConfig:
        if conn.conn_type and conn.conn_type != CONN_TYPE:
            raise TikTokValidationError(
                f"Connection {self.tiktok_conn_id!r} has type {conn.conn_type!r}; TikTokHook needs type "
                f"{CONN_TYPE!r}")
        extra = _extra_dict(conn)
        config = TikTokConnectionConfig.from_fields(self.tiktok_conn_id, conn.login, conn.password, extra)
        self._rate_settings = rate_settings(self.tiktok_conn_id, extra)
        return config

    @staticmethod
    def check_family(config: TikTokConnectionConfig, family: str, what: str) -> None:
        """Refuse a connection of another API family before any HTTP call."""
        if config.api_family != family:
            raise TikTokValidationError(
                f"connection {config.conn_id!r} has API family {config.api_family!r}; {what} needs a {family!r} "
                f"connection (create one with `{_FAMILY_LOGIN[family]}` or set its 'API family' field)")

    def family_config(self, family: str, what: str) -> TikTokConnectionConfig:
        """The connection, checked to be of ``family``."""
        config = self.config
        self.check_family(config, family, what)
        return config

    # -- clients --------------------------------------------------------------------------------

    def _client_kwargs(self, config: TikTokConnectionConfig) -> dict[str, Any]:
        manager = token_manager(self, config) if config.tokens_expire else None
        return dict(
            access_token=manager.access_token if manager is not None else config.access_token,
            app_id=config.app_id,
            app_secret=config.app_secret,
            environment=config.environment,
            base_url=config.base_url,
            timeouts=self.timeouts,
            retry=self.retry,
            on_token_expired=manager.on_token_expired if manager is not None else None,
            budget=self.rate_budget(config),
        )

    def rate_budget(self, config: TikTokConnectionConfig | None = None) -> RateBudget:
        """The rate budget every request of this hook draws from (shared by the whole process)."""
        config = config or self.config
        return process_budget(config, *self._rate_settings)

    def get_conn(self) -> TikTokClient:
        """The sync client (one pooled session per hook, closed by :meth:`close`)."""
        if self._client is None:
            self._client = TikTokClient(**self._client_kwargs(self.config))
        return self._client

    async def aget_client(self) -> AsyncTikTokClient:
        """The async client (one per hook, closed by :meth:`aclose`); create the hook inside the event loop."""
        if self._aclient is None:
            config = await self.aget_config()
            self._aclient = AsyncTikTokClient(**self._client_kwargs(config))
        return self._aclient

    def call(self, call: ApiCall[T]) -> T:
        """Send one TikTok request with the sync client (retries, token refresh, redaction)."""
        return self.get_conn().call(call)

    async def acall(self, call: ApiCall[T]) -> T:
        """Send one TikTok request with the async client."""
        client = await self.aget_client()
        return await client.call(call)

    def redact(self, text: str) -> str:
        """``text`` with every secret this hook knows masked."""
        return self._client.redact(text) if self._client is not None else text

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        if self._aclient is not None:
            await self._aclient.aclose()
            self._aclient = None


__all__ = ["TikTokBaseHook"]
