"""``airflow-tiktok``: authorize TikTok apps and manage the tokens of ``tiktok`` connections.

Examples::

    export TIKTOK_APP_SECRET=...          # or type it at the hidden prompt
    airflow-tiktok auth login --family accounts --conn-id tiktok_accounts --app-id 7000000000000000002 \\
        --redirect-uri http://127.0.0.1:8765/callback --airflow-add
    airflow-tiktok auth whoami --conn-id tiktok_accounts
    airflow-tiktok auth refresh --conn-id tiktok_accounts
    airflow-tiktok auth revoke --conn-id tiktok_accounts

Exit status: 0 success, 1 TikTok refused (the message says what to do), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from airflow_provider_tiktok.api import oauth
from airflow_provider_tiktok.api.core.errors import TikTokError, TikTokValidationError
from airflow_provider_tiktok.api.spec import ENVIRONMENTS
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID

DEFAULT_REDIRECT = "http://127.0.0.1:8765/callback"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="airflow-tiktok", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    top = parser.add_subparsers(dest="group", required=True)
    auth = top.add_parser("auth", help="OAuth: authorize, refresh, revoke, inspect tokens")
    sub = auth.add_subparsers(dest="command", required=True)

    login = sub.add_parser("login", help="authorize an app and write the Airflow connection")
    login.add_argument("--family", choices=oauth.FAMILIES, required=True,
                       help="marketing: advertisers (and TTCM); accounts: TikTok business accounts; "
                       "login_kit: TikTok for Developers apps")
    login.add_argument("--conn-id", default=DEFAULT_CONN_ID)
    login.add_argument("--app-id", required=True, help="Marketing app_id / Accounts client_id / Login Kit client_key")
    login.add_argument("--app-secret-env", default="TIKTOK_APP_SECRET", metavar="VAR",
                       help="environment variable holding the app secret (else a hidden prompt)")
    login.add_argument("--redirect-uri", default=DEFAULT_REDIRECT,
                       help="a redirect URI registered in the app; loopback URIs get a local listener")
    login.add_argument("--scope", help="comma-separated scopes (Accounts API / Login Kit)")
    login.add_argument("--environment", choices=sorted(ENVIRONMENTS), default="production")
    login.add_argument("--base-url", help="emulator or proxy root instead of TikTok")
    login.add_argument("--paste", action="store_true",
                       help="do not listen; paste the redirected URL (for non-loopback redirect URIs)")
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the callback")
    login.add_argument("--open-browser", action="store_true", help="open the authorization URL in a browser")
    login.add_argument("--no-pkce", action="store_true", help="Login Kit web apps that do not use PKCE")
    login.add_argument("--output-file", metavar="PATH", help="write the connection (connections-import JSON, 0600)")
    login.add_argument("--airflow-add", action="store_true",
                       help="save the connection (and token Variable) in Airflow's metadata DB")
    login.add_argument("--show-secrets", action="store_true", help="print the secret and tokens")

    for name, text in (("refresh", "refresh the access token now and store the new pair"),
                       ("revoke", "revoke the connection's access token"),
                       ("whoami", "show which advertisers / TikTok account the token reaches")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--conn-id", default=DEFAULT_CONN_ID)
        if name == "refresh":
            cmd.add_argument("--show-secrets", action="store_true", help="print the new tokens")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None,
         stdin: TextIO | None = None) -> int:
    from airflow_provider_tiktok.cli.commands import COMMANDS

    out, err, stdin = out or sys.stdout, err or sys.stderr, stdin or sys.stdin
    args = build_parser().parse_args(argv)
    conn_id = getattr(args, "conn_id", None)
    family = getattr(args, "family", None)
    try:
        return COMMANDS[args.command](args, out, stdin)
    except TikTokValidationError as exc:
        print(f"error: {exc}", file=err)
        return 2
    except TikTokError as exc:
        print(f"error: {exc}", file=err)
        app_id = getattr(args, "app_id", None)
        if conn_id and (family is None or app_id is None):  # the connection knows what the arguments did not say
            family, app_id = _known_family_and_app(conn_id, family, app_id)
        advice = oauth.auth_advice(exc, conn_id, family, app_id)
        if advice:
            print(f"what to do: {advice}", file=err)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=err)
        return 130


def _known_family_and_app(conn_id: str, family: str | None, app_id: str | None) -> tuple[str | None, str | None]:
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    try:
        config = TikTokHook.from_airflow(conn_id).config
    except Exception:  # the advice then keeps its placeholders
        return family, app_id
    return family or config.api_family, app_id or config.app_id


__all__ = ["build_parser", "main"]
