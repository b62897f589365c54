"""``TikTokHook``: reads a ``tiktok`` connection and builds TikTok API clients.

The hook is thin glue: the protocol lives in :mod:`airflow_provider_tiktok.api`. Operators and sensors
call :meth:`TikTokHook.get_conn` (sync client); triggers call :meth:`TikTokHook.aget_client` (async
client, with an async connection lookup so the triggerer's event loop never blocks).
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, TypeVar

from airflow.sdk import BaseHook

from airflow_provider_tiktok.api.core.async_client import AsyncTikTokClient
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.api.marketing import advertisers as marketing
from airflow_provider_tiktok.connection import (
    CONN_FIELDS,
    CONN_TYPE,
    DEFAULT_CONN_ID,
    HOOK_NAME,
    UI_FIELD_BEHAVIOUR,
    TikTokConnectionConfig,
    parse_advertiser_ids,
)
from airflow_provider_tiktok.hooks.tokens import token_manager

T = TypeVar("T")


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


class TikTokHook(BaseHook):
    """Interact with TikTok's APIs through an Airflow connection of type ``tiktok``.

    :param tiktok_conn_id: the connection id (default ``tiktok_default``).
    :param timeouts: connect / read timeouts of each request.
    :param retry: retry policy for rate limits, TikTok server errors and transport failures.
    """

    conn_name_attr = "tiktok_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = HOOK_NAME

    def __init__(
        self,
        tiktok_conn_id: str = DEFAULT_CONN_ID,
        *,
        timeouts: Timeouts | None = None,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tiktok_conn_id = tiktok_conn_id
        self.timeouts = timeouts
        self.retry = retry
        self._client: TikTokClient | None = None

    # -- connection -----------------------------------------------------------------------------

    @cached_property
    def config(self) -> TikTokConnectionConfig:
        conn = self.get_connection(self.tiktok_conn_id)
        return self._config_from(conn)

    async def aget_config(self) -> TikTokConnectionConfig:
        """Async connection lookup, for triggers (no sync ``get_connection`` in the event loop)."""
        if "config" in self.__dict__:
            return self.__dict__["config"]
        conn = await self.aget_connection(self.tiktok_conn_id)
        config = self._config_from(conn)
        self.__dict__["config"] = config
        return config

    def _config_from(self, conn: Any) -> TikTokConnectionConfig:
        if conn.conn_type and conn.conn_type != CONN_TYPE:
            raise TikTokValidationError(
                f"Connection {self.tiktok_conn_id!r} has type {conn.conn_type!r}; TikTokHook needs type "
                f"{CONN_TYPE!r}")
        return TikTokConnectionConfig.from_fields(self.tiktok_conn_id, conn.login, conn.password, _extra_dict(conn))

    # -- clients --------------------------------------------------------------------------------

    def _client_kwargs(self, config: TikTokConnectionConfig) -> dict[str, Any]:
        return dict(
            access_token=self._access_token_source(config),
            app_id=config.app_id,
            app_secret=config.app_secret,
            environment=config.environment,
            base_url=config.base_url,
            timeouts=self.timeouts,
            retry=self.retry,
            on_token_expired=self._token_refresher(config),
        )

    def _access_token_source(self, config: TikTokConnectionConfig) -> Any:
        """The access token to send: Marketing's static token, or the token store's callable (refreshing)."""
        if not config.tokens_expire:
            return config.access_token
        return token_manager(self, config).access_token

    def _token_refresher(self, config: TikTokConnectionConfig) -> Any:
        """Refresh once on 40102 (Accounts API / Login Kit); Marketing tokens do not expire."""
        if not config.tokens_expire:
            return None
        return token_manager(self, config).on_token_expired

    def get_conn(self) -> TikTokClient:
        """The sync client (one pooled session per hook)."""
        if self._client is None:
            self._client = TikTokClient(**self._client_kwargs(self.config))
        return self._client

    async def aget_client(self) -> AsyncTikTokClient:
        """A new async client; use it as ``async with await hook.aget_client() as client``."""
        config = await self.aget_config()
        return AsyncTikTokClient(**self._client_kwargs(config))

    def call(self, call: ApiCall[T]) -> T:
        return self.get_conn().call(call)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- helpers --------------------------------------------------------------------------------

    def resolve_advertiser_ids(self, explicit: Any = None) -> list[str]:
        """The given advertiser ids, or the connection's default list; an error if neither."""
        ids = parse_advertiser_ids(explicit)
        if ids:
            return ids
        if self.config.advertiser_ids:
            return list(self.config.advertiser_ids)
        raise TikTokValidationError(
            f"no advertiser id given and connection {self.tiktok_conn_id!r} has no default 'Advertiser IDs'")

    def get_authorized_advertisers(self) -> list[marketing.Advertiser]:
        self.config.require("app_id", "app_secret", "access_token")
        return self.call(marketing.authorized_advertisers(self.config.app_id, self.config.app_secret))

    def test_connection(self) -> tuple[bool, str]:
        """One cheap authenticated call; never raises."""
        try:
            config = self.config
            if config.api_family == "marketing":
                advertisers = self.get_authorized_advertisers()
                return True, f"Connected: the token can access {len(advertisers)} advertiser(s)."
            return self._test_oauth_family(config)
        except TikTokError as exc:
            return False, str(exc)
        except Exception as exc:  # test_connection reports, it does not raise
            text = self._client.redact(str(exc)) if self._client else str(exc)
            return False, f"{type(exc).__name__}: {text}"

    def _test_oauth_family(self, config: TikTokConnectionConfig) -> tuple[bool, str]:
        from airflow_provider_tiktok.api import oauth

        config.require("app_id", "app_secret")
        client = self.get_conn()
        if config.api_family == "accounts":
            config.require("access_token")
            info = client.call(oauth.accounts_token_info(config.app_id, client.access_token or ""))
            return True, f"Connected: token of TikTok account {info.get('creator_id')}."
        client.call(oauth.login_kit_client_credentials(config.app_id, config.app_secret or ""))
        return True, "Connected: the Login Kit client key and secret are valid."

    # -- connection form (Airflow < 3.2 calls these; 3.2+ reads conn-fields from provider info) --

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        return {key.replace("-", "_"): value for key, value in UI_FIELD_BEHAVIOUR.items()}

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget, BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import PasswordField, StringField
        from wtforms.validators import Optional, any_of

        widgets: dict[str, Any] = {}
        for name, definition in CONN_FIELDS.items():
            schema = definition["schema"]
            kwargs: dict[str, Any] = {"description": definition.get("description", "")}
            if schema.get("format") == "password":
                widgets[name] = PasswordField(lazy_gettext(definition["label"]), widget=BS3PasswordFieldWidget(),
                                              validators=[Optional()], **kwargs)
                continue
            validators: list[Any] = [Optional()]
            if "enum" in schema:
                validators.append(any_of(schema["enum"]))
            if "default" in schema:
                kwargs["default"] = schema["default"]
            widgets[name] = StringField(lazy_gettext(definition["label"]), widget=BS3TextFieldWidget(),
                                        validators=validators, **kwargs)
        return widgets


__all__ = ["TikTokHook"]
