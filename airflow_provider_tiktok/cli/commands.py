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
from typing import TYPE_CHECKING, Any, TextIO

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.oauth.flow import TokenSet, callback_params
from airflow_provider_tiktok.cli.callback import CallbackListener
from airflow_provider_tiktok.cli.output import connection_dict, masked, write_private_json

if TYPE_CHECKING:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook


def _hook_class() -> type[TikTokHook]:
    """``TikTokHook``, imported on use: ``airflow-tiktok --help`` should not load Airflow."""
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    return TikTokHook


def _hook(conn_id: str) -> TikTokHook:
    """The hook of an existing connection (any Airflow secrets backend or the metadata DB; we are no task)."""
    return _hook_class().from_airflow(conn_id, interactive=True)


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
    with _hook_class().for_login(args.family, args.app_id, secret, conn_id=args.conn_id,
                                 environment=args.environment, base_url=args.base_url, interactive=True) as hook:
        tokens = _authorize(args, hook, out, stdin)
        _describe(tokens, args.family, out)
        conn = connection_dict(family=args.family, app_id=args.app_id, app_secret=secret, tokens=tokens,
                               environment=args.environment, base_url=args.base_url)
        _deliver_connection(args, hook, conn, tokens, out)
    return 0


def _authorize(args: argparse.Namespace, hook: TikTokHook, out: TextIO, stdin: TextIO) -> TokenSet:
    """Send the user to TikTok, receive the redirect (listener or paste), trade its code for tokens."""
    request = hook.start_authorization(args.redirect_uri, args.scope, pkce=not args.no_pkce)
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
    return hook.exchange_code(request, params)


def _deliver_connection(args: argparse.Namespace, hook: TikTokHook, conn: dict[str, Any], tokens: TokenSet,
                        out: TextIO) -> None:
    from airflow_provider_tiktok.hooks.tokens import variable_key

    if args.output_file:
        path = Path(args.output_file).expanduser()
        write_private_json(path, {args.conn_id: conn})
        print(f"Wrote connection {args.conn_id!r} to {path} (mode 0600); import it with "
              f"`airflow connections import {path}`.", file=out)
    if args.airflow_add:
        hook.save_to_airflow(conn, tokens)
        print(f"Saved connection {args.conn_id!r} in Airflow"
              + (f" and its token expiry in Variable {variable_key(args.conn_id)!r}." if tokens.refresh_token
                 else "."), file=out)
    shown = conn if args.show_secrets else masked(conn)
    print(f"\nConnection {args.conn_id!r} (AIRFLOW_CONN_{args.conn_id.upper()} JSON form):", file=out)
    print(json.dumps(shown, indent=2), file=out)
    if not args.show_secrets:
        ways = [way for way, used in (("--airflow-add", args.airflow_add), ("--output-file PATH", args.output_file))
                if not used] + ["--show-secrets"]
        print(f"Secrets are hidden: add {', '.join(ways[:-1]) + ', or ' if len(ways) > 1 else ''}{ways[-1]} to "
              "see them.", file=out)


# -- commands on an existing connection ------------------------------------------------------------

def refresh(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from airflow_provider_tiktok.hooks.tokens import variable_key

    with _hook(args.conn_id) as hook:
        tokens = hook.refresh_tokens(force=True)
    print(f"Refreshed connection {args.conn_id!r}: access token valid until {_when(tokens.expires_at)}, "
          f"refresh token until {_when(tokens.refresh_expires_at)}; stored in Variable "
          f"{variable_key(args.conn_id)!r}.", file=out)
    if args.show_secrets:
        print(f"access_token={tokens.access_token}\nrefresh_token={tokens.refresh_token}", file=out)
    return 0


def revoke(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    with _hook(args.conn_id) as hook:
        lost = hook.revoke_tokens()
        config = hook.config
    print(f"Revoked the token of connection {args.conn_id!r}" + (f" (advertisers {', '.join(lost)})" if lost else "")
          + f". To use it again: {oauth.reauthorize_command(args.conn_id, config.api_family, config.app_id)}",
          file=out)
    return 0


def whoami(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    with _hook(args.conn_id) as hook:
        info = hook.whoami()
    print(f"Connection {args.conn_id!r}: {info['api_family']} app {info['app_id']}", file=out)
    if info["api_family"] == "marketing":
        print(f"The token can access {len(info['advertisers'])} advertiser(s):", file=out)
        for adv in info["advertisers"]:
            print(f"  {adv['advertiser_id']}  {adv['advertiser_name'] or ''}", file=out)
        return 0
    if info["api_family"] == "accounts":
        print(f"TikTok account (business_id / open_id): {info['open_id']}; scope: {info['scope']}", file=out)
    else:
        print(f"The client key and secret are valid; the access token belongs to {info['display_name']} "
              f"(open_id {info['open_id']}).", file=out)
    print(f"Access token valid until {_when(info['expires_at']) if info['expires_at'] else 'unknown'}; "
          f"refresh token until {_when(info['refresh_expires_at']) if info['refresh_expires_at'] else 'unknown'}.",
          file=out)
    return 0


COMMANDS = {"login": login, "refresh": refresh, "revoke": revoke, "whoami": whoami}
