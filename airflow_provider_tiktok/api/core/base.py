"""What the sync and async clients share: configuration, token handling, redaction, pacing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from airflow_provider_tiktok import __version__
from airflow_provider_tiktok.api.core.budget import RateBudget, endpoint_class
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls, PreparedRequest, prepare, redacted_url
from airflow_provider_tiktok.api.core.errors import TikTokAuthError, TikTokTokenExpiredError
from airflow_provider_tiktok.api.core.redact import Redactor, install_http_log_filter, is_sensitive_key
from airflow_provider_tiktok.api.core.retry import Pacer, RetryPolicy, Timeouts

log = logging.getLogger("airflow_provider_tiktok.api")

USER_AGENT = f"airflow-provider-tiktok/{__version__}"

#: Auth codes after which a refreshable token is refreshed once: expired (40102), invalid (40105).
REFRESHABLE_AUTH_CODES = frozenset({40102, 40105})

#: Called with the token that TikTok reported expired; returns a fresh one (or raises).
TokenRefresher = Callable[[str], str]


class ClientBase:
    """Configuration common to :class:`TikTokClient` and :class:`AsyncTikTokClient`.

    :param access_token: the ``Access-Token`` to send (a string, or a callable returning the current one).
    :param app_id: Marketing ``app_id`` / Accounts ``client_id`` / Login Kit ``client_key``.
    :param app_secret: the matching secret (only OAuth endpoints need it).
    :param environment: ``production`` or ``sandbox``.
    :param base_url: serve every family below this root instead (emulator, proxy).
    :param timeouts: connect / read timeouts of every request.
    :param retry: the retry policy.
    :param on_token_expired: for families whose tokens expire: called once when TikTok answers 40102,
        must return a new token; the request is then repeated once.
    :param pacer: spaces requests out after rate-limit answers (one per client by default).
    :param budget: a :class:`~airflow_provider_tiktok.api.core.budget.RateBudget` drawn from before every
        send, retries included (keyed by :func:`~airflow_provider_tiktok.api.core.budget.endpoint_class`);
        share one between clients so that together they stay inside the app's QPS. None: not limited.
    """

    def __init__(
        self,
        *,
        access_token: str | Callable[[], str | None] | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        environment: str = "production",
        base_url: str | None = None,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        on_token_expired: TokenRefresher | None = None,
        redactor: Redactor | None = None,
        pacer: Pacer | None = None,
        budget: RateBudget | None = None,
    ) -> None:
        install_http_log_filter()
        self.urls = BaseUrls.resolve(environment, base_url)
        self.app_id = app_id
        self.app_secret = app_secret
        self.timeouts = timeouts or Timeouts()
        self.retry = retry or RetryPolicy()
        self.on_token_expired = on_token_expired
        self.redact = redactor or Redactor()
        self.pacer = pacer or Pacer()
        self.budget = budget
        self._access_token = access_token
        self.redact.add(app_secret)
        if isinstance(access_token, str):
            self.redact.add(access_token)

    @property
    def access_token(self) -> str | None:
        token = self._access_token() if callable(self._access_token) else self._access_token
        self.redact.add(token)
        return token

    @access_token.setter
    def access_token(self, token: str | None) -> None:
        self.redact.add(token)
        self._access_token = token

    def _prepare(self, call: ApiCall[Any]) -> PreparedRequest:
        self.redact.add(call.bearer_token)
        prepared = prepare(call, self.urls, self.access_token if call.authenticated else None, USER_AGENT)
        for container in (call.params, call.json_body, call.form):
            for key, value in (container or {}).items():
                if isinstance(value, str) and is_sensitive_key(key):
                    self.redact.add(value)  # e.g. a refresh token or auth code passed as a parameter
        log.debug("TikTok request %s", redacted_url(prepared, self.redact))
        return prepared

    def _await_turn(self, call: ApiCall[Any]) -> None:
        """Block until ``call`` may be sent: the pacer's gap after rate limits, then the rate budget."""
        self.pacer.wait()
        if self.budget is not None:
            self.budget.acquire(endpoint_class(call.path))

    async def _aawait_turn(self, call: ApiCall[Any]) -> None:
        """Async twin of :meth:`_await_turn` (the event loop stays free)."""
        await self.pacer.await_turn()
        if self.budget is not None:
            await self.budget.aacquire(endpoint_class(call.path))

    def _should_refresh(self, call: ApiCall[Any], exc: BaseException) -> bool:
        """Refresh once when TikTok says the token expired (40102) or is invalid (40105).

        Only clients given ``on_token_expired`` refresh: families whose tokens expire. A Marketing
        token answering 40105 needs re-authorization, which no refresh can give.
        """
        if not call.authenticated or self.on_token_expired is None:
            return False
        return isinstance(exc, TikTokTokenExpiredError) or (isinstance(exc, TikTokAuthError) and exc.code in
                                                             REFRESHABLE_AUTH_CODES)

    def _refreshed_token(self) -> str:
        assert self.on_token_expired is not None
        stale = self.access_token or ""
        fresh = self.on_token_expired(stale)
        self.redact.add(fresh)
        if not callable(self._access_token):
            self._access_token = fresh
        log.info("TikTok access token refreshed after an expiry answer; repeating the request once")
        return fresh
