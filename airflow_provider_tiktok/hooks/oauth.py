"""OAuth token operations of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook`.

Authorize an app (:meth:`~TikTokOAuthHookMixin.start_authorization`, :meth:`~TikTokOAuthHookMixin.exchange_code`),
refresh, revoke and inspect a connection's tokens. The ``airflow-tiktok`` CLI calls only these methods.

Outside a task, the Task SDK reaches neither the metadata DB's connections nor its Variables (see
:class:`~airflow_provider_tiktok.hooks.tokens.AirflowVariableBackend`), so this module also runs Airflow's
own CLI (:func:`~airflow_provider_tiktok.hooks.tokens.run_airflow`): ``airflow connections get`` finds a
connection stored only in the metadata DB, ``airflow connections import`` saves one after ``auth login``.
Both are public, work offline and keep secrets off command lines (a 0600 temporary file, or a pipe).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from airflow.providers.common.compat.sdk import AirflowNotFoundException

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.base import REFRESHABLE_AUTH_CODES
from airflow_provider_tiktok.api.core.call import BaseUrls
from airflow_provider_tiktok.api.core.errors import TikTokAuthError, TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing import advertisers as marketing
from airflow_provider_tiktok.api.oauth.flow import AuthorizationRequest, TokenSet
from airflow_provider_tiktok.connection import CONN_TYPE, DEFAULT_CONN_ID, TikTokConnectionConfig
from airflow_provider_tiktok.hooks.tokens import (
    AirflowStoreError,
    AirflowVariableBackend,
    StoredTokens,
    VariableBackend,
    cli_tail,
    in_task,
    mask,
    run_airflow,
    token_manager,
    variable_key,
)

if TYPE_CHECKING:
    from airflow_provider_tiktok.hooks.base import TikTokBaseHook

    _Base = TikTokBaseHook
else:
    _Base = object

H = TypeVar("H", bound="TikTokOAuthHookMixin")

#: OAuth requests from a terminal are not worth a long backoff.
INTERACTIVE_RETRY = RetryPolicy(max_attempts=3, initial_wait=0.5, max_wait=2.0, jitter=0.2)
#: How long an interactive refresh whose token was rejected waits for a task that may have rotated it.
INTERACTIVE_ROTATION_WAIT = 3.0


# -- Airflow's CLI, for the metadata DB outside tasks ------------------------------------------------

def airflow_connection(conn_id: str) -> dict[str, Any] | None:
    """``airflow connections get`` (every secrets backend, then the metadata DB); ``None`` when unknown."""
    result = run_airflow("connections", "get", conn_id, "--output", "json", check=False)
    if result.returncode != 0:
        if "not found" in (result.stdout + result.stderr).lower():
            return None
        raise AirflowStoreError(f"`airflow connections get {conn_id}` failed: {cli_tail(result)}")
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]  # skip any log line
    rows: list[dict[str, Any]] = json.loads(lines[-1]) if lines else []
    return rows[0] if rows else None


def config_from_airflow(conn_id: str, conn: Mapping[str, Any]) -> TikTokConnectionConfig:
    """The connection shown by ``airflow connections get``, validated like the hook's."""
    if conn.get("conn_type") not in (None, "", CONN_TYPE):
        raise TikTokValidationError(
            f"Connection {conn_id!r} has type {conn['conn_type']!r}; TikTokHook needs type {CONN_TYPE!r}")
    extra = conn.get("extra_dejson") or {}
    mask(conn.get("password"), extra.get("access_token"), extra.get("refresh_token"))
    return TikTokConnectionConfig.from_fields(conn_id, conn.get("login"), conn.get("password"), extra)


# -- the mixin ---------------------------------------------------------------------------------------

class TikTokOAuthHookMixin(_Base):
    """Authorize, refresh, revoke and inspect the tokens of a ``tiktok`` connection.

    Relies on the hook's ``tiktok_conn_id``, ``config``, ``get_conn()`` and ``call()``.
    """

    #: Where refreshed pairs are stored (default: the Airflow Variable ``tiktok_token__<conn_id>``).
    token_store: VariableBackend | None = None
    #: Seconds a rejected refresh waits for another process's new pair (default 15).
    token_rotation_wait: float | None = None

    # -- constructors -------------------------------------------------------------------------------

    @classmethod
    def _new(cls: type[H], conn_id: str, interactive: bool, hook_kwargs: dict[str, Any]) -> H:
        if interactive:  # a person is waiting: short retries and rotation waits
            hook_kwargs.setdefault("retry", INTERACTIVE_RETRY)
        hook = cls(conn_id, **hook_kwargs)
        if interactive:
            hook.token_rotation_wait = INTERACTIVE_ROTATION_WAIT
        return hook

    @classmethod
    def from_config(cls: type[H], config: TikTokConnectionConfig, *, interactive: bool = False,
                    **hook_kwargs: Any) -> H:
        """A hook for an explicit connection config (no Airflow lookup)."""
        hook = cls._new(config.conn_id, interactive, hook_kwargs)
        hook.__dict__["config"] = config  # the hook's cached ``config``
        return hook

    @classmethod
    def for_login(cls: type[H], family: str, app_id: str, app_secret: str, *, conn_id: str = DEFAULT_CONN_ID,
                  environment: str = "production", base_url: str | None = None, interactive: bool = False,
                  **hook_kwargs: Any) -> H:
        """A hook for authorizing an app before its connection exists (``airflow-tiktok auth login``)."""
        mask(app_secret)
        config = TikTokConnectionConfig.from_fields(
            conn_id, app_id, app_secret, {"api_family": family, "environment": environment, "base_url": base_url})
        return cls.from_config(config, interactive=interactive, **hook_kwargs)

    @classmethod
    def from_airflow(cls: type[H], conn_id: str = DEFAULT_CONN_ID, *, interactive: bool = False,
                     **hook_kwargs: Any) -> H:
        """A hook for connection ``conn_id`` wherever Airflow keeps it, also outside a task.

        The hook's own lookup (``BaseHook.get_connection``) covers secrets backends and environment
        variables; outside a task it cannot see the metadata DB, so ``airflow connections get`` does.
        """
        hook = cls._new(conn_id, interactive, hook_kwargs)
        try:
            hook.config  # noqa: B018 - resolves and caches the connection
        except AirflowNotFoundException:
            conn = None if in_task() else airflow_connection(conn_id)
            if conn is None:
                raise TikTokValidationError(
                    f"connection {conn_id!r} not found in Airflow (secrets backends, environment variables, "
                    "metadata DB)") from None
            hook.__dict__["config"] = config_from_airflow(conn_id, conn)
        return hook

    # -- authorization ------------------------------------------------------------------------------

    def start_authorization(self, redirect_uri: str, scope: str | None = None, *,
                            pkce: bool = True) -> AuthorizationRequest:
        """A fresh ``state`` (and Login Kit PKCE pair) plus the URL to send the user to."""
        config = self.config
        config.require("app_id")
        urls = BaseUrls.resolve(config.environment, config.base_url)
        return oauth.start_authorization(config.api_family, urls, str(config.app_id), redirect_uri, scope, pkce=pkce)

    def exchange_code(self, request: AuthorizationRequest, redirect: str | Mapping[str, Any]) -> TokenSet:
        """Check the redirect's ``state`` (and error) against ``request``, then trade its code for tokens."""
        config = self.config
        config.require("app_id", "app_secret")
        callback = oauth.parse_callback(redirect, request.state)
        tokens = self.call(oauth.exchange_code(request, config.app_id, config.app_secret, callback.code))
        mask(*tokens.secrets())
        return tokens

    def save_to_airflow(self, connection: Mapping[str, Any], tokens: TokenSet) -> None:
        """Store ``connection`` (Airflow JSON form) as ``tiktok_conn_id`` in the metadata DB, with its token pair.

        ``airflow connections import --overwrite`` writes the connection; for families whose tokens expire,
        the token Variable then gets the pair with its expiry, so the hook knows it from the first run.
        """
        entry = {**connection, "extra": json.dumps(connection.get("extra") or {})}
        run_airflow("connections", "import", "--overwrite", payload={self.tiktok_conn_id: entry})
        if tokens.refresh_token:
            store = self.token_store if self.token_store is not None else AirflowVariableBackend()
            store.set(variable_key(self.tiktok_conn_id), StoredTokens.issued(tokens).to_json())

    # -- tokens of the connection ----------------------------------------------------------------------

    def _expiring_config(self, action: str) -> TikTokConnectionConfig:
        config = self.config
        if not config.tokens_expire:
            raise TikTokValidationError(
                f"connection {config.conn_id!r} uses the Marketing API, whose tokens do not expire and cannot be "
                f"{action}; if it stopped working, re-authorize: "
                f"{oauth.reauthorize_command(config.conn_id, 'marketing', config.app_id)}")
        return config

    def stored_tokens(self) -> StoredTokens:
        """The pair in use now (the token Variable, or the connection's), without refreshing it."""
        config = self.config
        if not config.tokens_expire:
            return StoredTokens(config.access_token)
        return token_manager(self, config).load()

    def refresh_tokens(self, force: bool = True) -> StoredTokens:
        """Refresh now (``force``) or only when the access token expires within the margin; the stored pair."""
        manager = token_manager(self, self._expiring_config("refreshed"))
        if force:
            return manager.refresh(force=True)
        manager.access_token()
        return manager.current

    def revoke_tokens(self) -> list[str]:
        """Revoke the access token in use (its refresh token dies with it); advertisers that lost access."""
        config = self.config
        config.require("app_id", "app_secret")
        token = self.stored_tokens().access_token
        if not token:
            raise TikTokValidationError(f"connection {config.conn_id!r} has no access token to revoke")
        self.get_conn().redact.add(token)
        data = self.call(oauth.revoke(config.api_family, config.app_id, config.app_secret, token))
        return [str(a) for a in data.get("advertiser_ids") or []] if isinstance(data, dict) else []

    def token_info(self) -> dict[str, Any]:
        """Accounts API ``/tt_user/token_info/``: ``app_id``, ``creator_id`` (the account's open_id), ``scope``.

        Refreshes first when the token is about to expire, and once when TikTok calls it expired or invalid.
        """
        config = self.config
        if config.api_family != "accounts":
            raise TikTokValidationError(f"connection {config.conn_id!r} has API family {config.api_family!r}; "
                                        "token_info (/tt_user/token_info/) needs an 'accounts' connection")
        config.require("app_id", "app_secret")
        manager = token_manager(self, config)
        token = manager.access_token() or ""
        try:
            info: dict[str, Any] = self.call(oauth.accounts_token_info(config.app_id, token))
        except TikTokAuthError as exc:
            if exc.code not in REFRESHABLE_AUTH_CODES:
                raise
            info = self.call(oauth.accounts_token_info(config.app_id, manager.on_token_expired(token)))
        return info

    def user_info(self, access_token: str | None = None) -> dict[str, Any]:
        """Login Kit ``/v2/user/info/``: ``open_id`` and ``display_name`` of the access token's user.

        Sends ``access_token`` (default: the stored one) as is, never refreshing it on the way, so the answer
        says whether that very token works (:class:`TikTokOAuthError` ``access_token_invalid`` when not).
        """
        config = self.family_config("login_kit", "user_info (/v2/user/info/)")
        token = access_token or self.stored_tokens().access_token
        if not token:
            raise TikTokValidationError(f"connection {config.conn_id!r} has no access token; authorize with: "
                                        f"{oauth.reauthorize_command(config.conn_id, 'login_kit', config.app_id)}")
        return self.call(oauth.login_kit_user_info(token))

    def whoami(self) -> dict[str, Any]:
        """What the connection's credentials reach, for ``airflow-tiktok auth whoami``.

        Always ``conn_id``, ``api_family``, ``app_id``. Marketing: ``advertisers`` (``advertiser_id``,
        ``advertiser_name``). Accounts API: ``open_id`` and ``scope``. Login Kit: ``client_valid`` (the
        client key and secret work), ``open_id`` and ``display_name`` (``/v2/user/info/``, token not
        refreshed). Both of these: ``expires_at`` / ``refresh_expires_at`` (``None``
        when unknown).
        """
        config = self.config
        config.require("app_id", "app_secret")
        result: dict[str, Any] = {"conn_id": config.conn_id, "api_family": config.api_family, "app_id": config.app_id}
        if config.api_family == "marketing":
            advertisers = self.call(marketing.authorized_advertisers(config.app_id, config.app_secret))
            result["advertisers"] = [{"advertiser_id": a.advertiser_id, "advertiser_name": a.advertiser_name}
                                     for a in advertisers]
            return result
        if config.api_family == "accounts":
            info = self.token_info()
            result.update(open_id=info.get("creator_id"), scope=info.get("scope"))
        else:
            self.call(oauth.login_kit_client_credentials(config.app_id, config.app_secret or ""))
            result["client_valid"] = True
            user = self.user_info()
            result.update(open_id=user.get("open_id"), display_name=user.get("display_name"))
        stored = token_manager(self, config).current
        result.update(expires_at=stored.expires_at, refresh_expires_at=stored.refresh_expires_at)
        return result


__all__ = [
    "INTERACTIVE_RETRY", "INTERACTIVE_ROTATION_WAIT", "TikTokOAuthHookMixin", "airflow_connection",
    "config_from_airflow",
]
