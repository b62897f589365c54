"""The ``airflow-tiktok auth`` subcommands: login, refresh, revoke, whoami.

Nothing here prints a secret unless ``--show-secrets`` is given: the app secret is read from an
environment variable or a hidden prompt, tokens are shown as ``***``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import time
import webbrowser
from pathlib import Path
from typing import Any, TextIO

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.call import BaseUrls
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.retry import RetryPolicy
from airflow_provider_tiktok.api.marketing import advertisers as marketing
from airflow_provider_tiktok.api.oauth.flow import TokenSet, callback_params
from airflow_provider_tiktok.cli.callback import CallbackListener
from airflow_provider_tiktok.cli.output import (
    airflow_import,
    connection_dict,
    import_connection,
    masked,
    write_private_json,
)
from airflow_provider_tiktok.connection import TikTokConnectionConfig

#: OAuth requests are not worth a long backoff in an interactive command.
CLI_RETRY = RetryPolicy(max_attempts=3, initial_wait=0.5, max_wait=2.0, jitter=0.2)
#: How long a rejected refresh waits for a task that may have rotated the token at the same moment.
CLI_ROTATION_WAIT = 3.0


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts)) if ts else "never (does not expire)"


def read_app_secret(args: argparse.Namespace, stdin: TextIO) -> str:
    """The app secret from ``$<--app-secret-env>``, a hidden prompt, or the first line of piped stdin."""
    value = os.environ.get(args.app_secret_env)
    if not value:
        if stdin.isatty():
            value = getpass.getpass(f"App secret for {args.app_id} (input hidden): ")
        else:
            value = stdin.readline().strip()
    if not value:
        raise TikTokValidationError(
            f"no app secret: set ${args.app_secret_env}, or type it at the prompt (it is never echoed)")
    return value


def _describe(tokens: TokenSet, family: str, out: TextIO) -> None:
    if family == "marketing":
        print(f"Long-term Marketing API token for {len(tokens.advertiser_ids)} advertiser(s): "
              f"{', '.join(tokens.advertiser_ids) or '-'} (scope ids {tokens.scope or '-'}).", file=out)
        print("It does not expire; if the advertiser revokes it, run this login again.", file=out)
        return
    who = f" for open_id {tokens.open_id}" if tokens.open_id else ""
    print(f"Authorized{who}; scope: {tokens.scope or '-'}.", file=out)
    print(f"Access token valid until {_when(tokens.expires_at)}; refresh token until "
          f"{_when(tokens.refresh_expires_at)}. The hook refreshes automatically.", file=out)


def login(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    secret = read_app_secret(args, stdin)
    urls = BaseUrls.resolve(args.environment, args.base_url)
    request = oauth.start_authorization(args.family, urls, args.app_id, args.redirect_uri, args.scope,
                                        pkce=not args.no_pkce)
    if args.paste:
        print(f"Open this URL in a browser and approve:\n\n  {request.url}\n", file=out, flush=True)
        print("Then paste the full URL the browser was redirected to:", file=out, flush=True)
        params = callback_params(stdin.readline())
    else:
        with CallbackListener(args.redirect_uri) as listener:
            print(f"Open this URL in a browser and approve (waiting for {args.redirect_uri}):\n\n"
                  f"  {request.url}\n", file=out, flush=True)
            if args.open_browser:
                webbrowser.open(request.url)
            params = listener.wait(args.timeout)
    callback = oauth.parse_callback(params, request.state)
    with TikTokClient(app_id=args.app_id, app_secret=secret, environment=args.environment,
                      base_url=args.base_url, retry=CLI_RETRY) as client:
        tokens = client.call(oauth.exchange_code(request, args.app_id, secret, callback.code))
    _describe(tokens, args.family, out)
    conn = connection_dict(family=args.family, app_id=args.app_id, app_secret=secret, tokens=tokens,
                           environment=args.environment, base_url=args.base_url)
    _deliver_connection(args, conn, tokens, out)
    return 0


def _deliver_connection(args: argparse.Namespace, conn: dict[str, Any], tokens: TokenSet, out: TextIO) -> None:
    from airflow_provider_tiktok.hooks.tokens import initial_tokens, variable_key

    if args.output_file:
        path = Path(args.output_file).expanduser()
        write_private_json(path, {args.conn_id: conn})
        print(f"Wrote connection {args.conn_id!r} to {path} (mode 0600); import it with "
              f"`airflow connections import {path}`.", file=out)
    if args.airflow_add:
        import_connection(args.conn_id, conn)
        if tokens.refresh_token:
            airflow_import("variables", {variable_key(args.conn_id): initial_tokens(tokens).to_json()})
        print(f"Saved connection {args.conn_id!r} in Airflow"
              + (f" and its token expiry in Variable {variable_key(args.conn_id)!r}." if tokens.refresh_token
                 else "."), file=out)
    shown = conn if args.show_secrets else masked(conn)
    print(f"\nConnection {args.conn_id!r} (AIRFLOW_CONN_{args.conn_id.upper()} JSON form):", file=out)
    print(json.dumps(shown, indent=2), file=out)
    if not args.show_secrets:
        print("Secrets are hidden: add --airflow-add, --output-file PATH, or --show-secrets to see them.", file=out)


# -- commands on an existing connection ------------------------------------------------------------

def _load(conn_id: str) -> TikTokConnectionConfig:
    """The connection from every Airflow secrets backend, including the metadata DB (we are not a task)."""
    from airflow.models import Connection

    try:
        conn = Connection.get_connection_from_secrets(conn_id)
    except Exception as exc:  # AirflowNotFoundException moved between 3.1 and 3.3
        raise TikTokValidationError(f"connection {conn_id!r} not found in Airflow: {type(exc).__name__}") from None
    return TikTokConnectionConfig.from_fields(conn_id, conn.login, conn.password, conn.extra_dejson)


def _client(config: TikTokConnectionConfig, manager: Any = None) -> TikTokClient:
    """A client for the connection; with a token manager, it refreshes (and persists) like the hook."""
    return TikTokClient(access_token=manager.access_token if manager else config.access_token,
                        on_token_expired=manager.on_token_expired if manager else None, app_id=config.app_id,
                        app_secret=config.app_secret, environment=config.environment, base_url=config.base_url,
                        retry=CLI_RETRY)


def refresh(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from airflow_provider_tiktok.hooks.tokens import manager_for_config

    config = _load(args.conn_id)
    if config.api_family not in oauth.REFRESHABLE_FAMILIES:
        raise TikTokValidationError(
            f"connection {args.conn_id!r} uses the Marketing API, whose tokens do not expire and cannot be "
            f"refreshed; if it stopped working, re-authorize: "
            f"{oauth.reauthorize_command(args.conn_id, 'marketing', config.app_id)}")
    manager = manager_for_config(config, retry=CLI_RETRY, rotation_wait=CLI_ROTATION_WAIT)
    tokens = manager.refresh(force=True)
    print(f"Refreshed connection {args.conn_id!r}: access token valid until {_when(tokens.expires_at)}, "
          f"refresh token until {_when(tokens.refresh_expires_at)}; stored in Variable {manager.key!r}.", file=out)
    if args.show_secrets:
        print(f"access_token={tokens.access_token}\nrefresh_token={tokens.refresh_token}", file=out)
    return 0


def revoke(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from airflow_provider_tiktok.hooks.tokens import manager_for_config

    config = _load(args.conn_id)
    config.require("app_id", "app_secret")
    token = config.access_token
    if config.api_family in oauth.REFRESHABLE_FAMILIES:
        token = manager_for_config(config, rotation_wait=CLI_ROTATION_WAIT).load().access_token
    if not token:
        raise TikTokValidationError(f"connection {args.conn_id!r} has no access token to revoke")
    with _client(config) as client:
        client.redact.add(token)
        data = client.call(oauth.revoke(config.api_family, config.app_id, config.app_secret, token))
    lost = ", ".join((data or {}).get("advertiser_ids") or []) if isinstance(data, dict) else ""
    print(f"Revoked the token of connection {args.conn_id!r}" + (f" (advertisers {lost})" if lost else "")
          + f". To use it again: {oauth.reauthorize_command(args.conn_id, config.api_family, config.app_id)}",
          file=out)
    return 0


def whoami(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from airflow_provider_tiktok.hooks.tokens import manager_for_config

    config = _load(args.conn_id)
    config.require("app_id", "app_secret")
    print(f"Connection {args.conn_id!r}: {config.api_family} app {config.app_id}", file=out)
    if config.api_family == "marketing":
        with _client(config) as client:
            advertisers = client.call(marketing.authorized_advertisers(config.app_id, config.app_secret))
        print(f"The token can access {len(advertisers)} advertiser(s):", file=out)
        for adv in advertisers:
            print(f"  {adv.advertiser_id}  {adv.advertiser_name or ''}", file=out)
        return 0
    manager = manager_for_config(config, retry=CLI_RETRY, rotation_wait=CLI_ROTATION_WAIT)
    with _client(config, manager) as client:
        if config.api_family == "accounts":
            info = client.call(oauth.accounts_token_info(config.app_id, client.access_token or ""))
            print(f"TikTok account (business_id / open_id): {info.get('creator_id')}; scope: {info.get('scope')}",
                  file=out)
        else:
            client.call(oauth.login_kit_client_credentials(config.app_id, config.app_secret or ""))
            print("The client key and secret are valid.", file=out)
    stored = manager.load()
    print(f"Access token valid until {_when(stored.expires_at) if stored.expires_at else 'unknown'}; "
          f"refresh token until {_when(stored.refresh_expires_at) if stored.refresh_expires_at else 'unknown'}.",
          file=out)
    return 0


COMMANDS = {"login": login, "refresh": refresh, "revoke": revoke, "whoami": whoami}
