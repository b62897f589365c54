"""A one-shot loopback HTTP listener that receives TikTok's OAuth redirect.

It binds to 127.0.0.1 only (never all interfaces), serves the redirect URI's path, stores the query
and answers a page that shows no code or token. ``state`` is checked by the caller.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from airflow_provider_tiktok.api.core.errors import TikTokValidationError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
_PAGE = (b"<!doctype html><title>TikTok authorization</title><p>Authorization received. "
         b"You can close this tab and return to the terminal.</p>")


def loopback_address(redirect_uri: str) -> tuple[int, str]:
    """``(port, path)`` of a loopback redirect URI; an error for anything else."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or not parts.port:
        raise TikTokValidationError(
            f"the callback listener needs a loopback redirect URI such as http://127.0.0.1:8765/callback "
            f"(registered in the app), got {redirect_uri!r}; use --paste for other redirect URIs")
    return parts.port, parts.path or "/"


class CallbackListener:
    """Start before sending the user to TikTok; :meth:`wait` returns the redirect's query parameters."""

    def __init__(self, redirect_uri: str) -> None:
        self.port, self.path = loopback_address(redirect_uri)
        self._received = threading.Event()
        self._params: dict[str, str] = {}
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path.rstrip("/") != listener.path.rstrip("/"):
                    self.send_error(404)
                    return
                params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_PAGE)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(_PAGE)
                listener._deliver(params)

            def log_message(self, format: str, *args: Any) -> None:  # silent: the query holds the code
                return

        try:
            self._server = HTTPServer(("127.0.0.1", self.port), Handler)
        except OSError as exc:
            raise TikTokValidationError(
                f"cannot listen on 127.0.0.1:{self.port} ({exc.strerror}): free the port or pick another "
                "registered redirect URI") from None
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="tiktok-oauth-callback", daemon=True)

    def _deliver(self, params: dict[str, str]) -> None:
        if not self._received.is_set():
            self._params = params
            self._received.set()

    def __enter__(self) -> CallbackListener:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def wait(self, timeout: float) -> dict[str, str]:
        if not self._received.wait(timeout):
            raise TikTokValidationError(
                f"no authorization callback arrived within {timeout:.0f} s: open the URL, approve, or use --paste")
        return dict(self._params)
