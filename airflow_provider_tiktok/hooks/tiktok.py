"""``TikTokHook``: the provider's API surface, one method per TikTok operation.

Operators, sensors, triggers and the CLI call these methods and read :mod:`airflow_provider_tiktok.api`
models and status types; none of them builds a client or a request. The methods live in mixins by
API family:

- :class:`~airflow_provider_tiktok.hooks.marketing.TikTokMarketingHookMixin`: advertisers, async report
  tasks (create / state / wait / cancel / download, with ``aget_report_task_state`` and
  ``acancel_report_task`` for triggers) and synchronous report pages;
- :class:`~airflow_provider_tiktok.hooks.accounts.TikTokAccountsHookMixin`: business accounts;
- :class:`~airflow_provider_tiktok.hooks.oauth.TikTokOAuthHookMixin`: token operations;
- :class:`~airflow_provider_tiktok.hooks.base.TikTokBaseHook`: the connection and the clients.

Use it as a context manager, or call :meth:`close` (:meth:`aclose` in triggers) when done.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokOAuthError
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.connection import CONN_FIELDS, UI_FIELD_BEHAVIOUR
from airflow_provider_tiktok.hooks.accounts import TikTokAccountsHookMixin
from airflow_provider_tiktok.hooks.base import TikTokBaseHook
from airflow_provider_tiktok.hooks.entities import TikTokEntitiesHookMixin
from airflow_provider_tiktok.hooks.marketing import TikTokMarketingHookMixin
from airflow_provider_tiktok.hooks.oauth import TikTokOAuthHookMixin

#: What "Test" in the connection form may spend on one call.
TEST_TIMEOUTS = Timeouts(connect=5.0, read=15.0)
TEST_RETRY = RetryPolicy(max_attempts=2, max_elapsed=10.0, initial_wait=0.5, max_wait=1.0, jitter=0.0)


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).isoformat(timespec="seconds")


class TikTokHook(TikTokEntitiesHookMixin, TikTokMarketingHookMixin, TikTokAccountsHookMixin, TikTokOAuthHookMixin,
                 TikTokBaseHook):
    """Interact with TikTok's APIs through an Airflow connection of type ``tiktok``.

    :param tiktok_conn_id: the connection id (default ``tiktok_default``).
    :param timeouts: connect / read timeouts of each request.
    :param retry: retry policy for rate limits, TikTok server errors and transport failures.
    """

    def __enter__(self) -> TikTokHook:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def test_connection(self) -> tuple[bool, str]:
        """One cheap authenticated call; never raises.

        The UI waits for the answer: short timeouts and one quick retry instead of the task defaults, so an
        unreachable TikTok or a wrong ``base_url`` is reported in seconds.
        """
        if self._client is None:
            self.timeouts = self.timeouts or TEST_TIMEOUTS
            self.retry = self.retry or TEST_RETRY
        try:
            config = self.config
            if config.api_family == "marketing":
                advertisers = self.get_authorized_advertisers()
                return True, f"Connected: the token can access {len(advertisers)} advertiser(s)."
            return self._test_oauth_family(config)
        except TikTokError as exc:
            return False, str(exc)
        except Exception as exc:  # test_connection reports, it does not raise
            return False, f"{type(exc).__name__}: {self.redact(str(exc))}"

    def _test_oauth_family(self, config: Any) -> tuple[bool, str]:
        config.require("app_id", "app_secret")
        if config.api_family == "accounts":
            config.require("access_token")
            return True, f"Connected: token of TikTok account {self.token_info().get('creator_id')}."
        return self._test_login_kit(config)

    def _test_login_kit(self, config: Any) -> tuple[bool, str]:
        """Client key and secret, then the access token (``/v2/user/info/``) and the refresh token's expiry.

        The refresh token itself is not spent: refreshing rotates the pair, which a test must not do.
        """
        from airflow_provider_tiktok.api import oauth

        try:
            self.call(oauth.login_kit_client_credentials(config.app_id, config.app_secret or ""))
        except TikTokOAuthError as exc:
            return False, f"TikTok refused the client key / client secret (Login and Password fields): {exc}"
        again = oauth.reauthorize_command(config.conn_id, "login_kit", config.app_id)
        stored = self.stored_tokens()
        valid = "The client key and secret are valid"
        if not stored.access_token:
            return False, f"{valid}, but the connection has no access token; authorize with: {again}"
        now = time.time()
        if stored.refresh_expires_at is not None and stored.refresh_expires_at <= now:
            return False, f"{valid}, but the refresh token expired at {_when(stored.refresh_expires_at)}; " \
                          f"re-authorize with: {again}"
        if stored.expires_at is not None and stored.expires_at <= now:
            if stored.refresh_token:
                return True, (f"Connected: {valid.lower()}; the access token expired at {_when(stored.expires_at)} "
                              "and tasks will refresh it with the refresh token (not spent by this test).")
            return False, f"{valid}, but the access token expired and there is no refresh token; re-authorize " \
                          f"with: {again}"
        try:
            user = self.user_info(stored.access_token)
        except TikTokOAuthError as exc:
            fix = ("if it has expired, tasks refresh it with the refresh token" if stored.refresh_token else
                   "there is no refresh token to renew it")
            return False, (f"{valid}, but TikTok refused the access token ({exc.error}; {fix}); "
                           f"re-authorize with: {again}")
        who = user.get("display_name") or "?"
        return True, (f"Connected: {valid.lower()} and the access token belongs to {who} "
                      f"(open_id {user.get('open_id')}).")

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
