"""Synchronous TikTok client on ``requests`` (one pooled Session per client)."""

from __future__ import annotations

import contextlib
import http.client
from collections.abc import Iterator
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter

from airflow_provider_tiktok.api.core.base import USER_AGENT, ClientBase
from airflow_provider_tiktok.api.core.call import ApiCall, PreparedRequest, check_http_status, decode, decode_business
from airflow_provider_tiktok.api.core.errors import (
    TikTokDownloadURLExpiredError,
    TikTokError,
    TikTokHTTPError,
    TikTokTransportError,
    transport_summary,
)

T = TypeVar("T")

#: Exceptions of ``requests`` that mean "no usable answer" (retryable transport failures).
TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)

JSON_LIMIT = 64 * 1024 * 1024  # a JSON answer larger than this is not a TikTok envelope


def transport_error(exc: BaseException, path: str, redact: Any) -> TikTokTransportError:
    """Wrap a library exception without its text's URL (which may hold a secret in the query)."""
    return TikTokTransportError(transport_summary(exc, redact), path=path)


class StreamedResponse:
    """An open streaming answer: either a file body or a decoded JSON envelope (``json_data``)."""

    def __init__(self, response: requests.Response, path: str, redact: Any, json_data: Any = None) -> None:
        self._response = response
        self._path = path
        self._redact = redact
        self.json_data = json_data
        self.status = response.status_code
        self.headers = response.headers

    @property
    def is_json(self) -> bool:
        return self.json_data is not None

    def iter_bytes(self, chunk_size: int = 1024 * 1024) -> Iterator[bytes]:
        try:
            yield from self._response.iter_content(chunk_size=chunk_size)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(exc, self._path, self._redact) from None

    def iter_reused(self, chunk_size: int = 1024 * 1024) -> Iterator[bytes | bytearray]:
        """The body in pieces of ``chunk_size`` bytes, all read into one reused buffer.

        A piece is valid until the next one is requested: the caller must have used it (written it,
        counted it) by then. It saves the copies and allocations of :meth:`iter_bytes` (urllib3 hands out
        one new ``bytes`` per HTTP chunk): with an identity-encoded body, bytes go from the socket straight
        into the buffer (``readinto``). A compressed body falls back to :meth:`iter_bytes`.
        """
        raw = getattr(self._response, "raw", None)
        fp = getattr(raw, "_fp", None)  # the http.client response: it undoes chunked encoding in readinto
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if fp is None or not hasattr(fp, "readinto") or encoding not in ("", "identity"):
            yield from self.iter_bytes(chunk_size)
            return
        declared = self.headers.get("Content-Length")
        buffer = bytearray(chunk_size)
        view = memoryview(buffer)
        total = 0
        try:
            while True:
                filled = 0
                while filled < chunk_size:
                    n = fp.readinto(view[filled:])
                    if not n:
                        break
                    filled += n
                total += filled
                if filled == chunk_size:
                    yield buffer
                    continue
                if filled:
                    yield buffer[:filled]
                break
        except (OSError, http.client.HTTPException) as exc:
            raise transport_error(exc, self._path, self._redact) from None
        finally:
            view.release()
        if declared is not None and declared.isdigit() and total != int(declared):
            raise TikTokTransportError(f"connection closed after {total} of {declared} bytes", path=self._path,
                                       http_status=self.status)


def _is_json(response: requests.Response) -> bool:
    return "json" in response.headers.get("Content-Type", "").lower()


class TikTokClient(ClientBase):
    """Calls TikTok's API; see :class:`~airflow_provider_tiktok.api.core.base.ClientBase` for the options.

    Use as a context manager (or call :meth:`close`) to release pooled connections.
    """

    def __init__(self, *, session: requests.Session | None = None, pool_size: int = 10, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.trust_env = True
        session.headers["User-Agent"] = USER_AGENT
        self.session = session

    def __enter__(self) -> TikTokClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    # -- plain calls ----------------------------------------------------------------------------

    def call(self, call: ApiCall[T]) -> T:
        """Send ``call`` with retries; return its parsed result or raise a :class:`TikTokError`."""
        try:
            return self._call_with_retry(call)
        except TikTokError as exc:
            if not self._should_refresh(call, exc):
                raise
            self._refreshed_token()
            return self._call_with_retry(call)

    def _call_with_retry(self, call: ApiCall[T]) -> T:
        for attempt in self.retry.retrying():
            with attempt:
                return self._send_once(call)
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def _send_once(self, call: ApiCall[T]) -> T:
        prepared = self._prepare(call)
        self._await_turn(call)
        try:
            try:
                response = self._request(prepared, stream=False)
                body = response.content
            except TRANSPORT_ERRORS as exc:
                raise transport_error(exc, call.path, self.redact) from None
            result = decode(call, response.status_code, body, self.redact)
        except TikTokError as exc:
            self.pacer.record(exc)
            raise
        self.pacer.record(None)
        return result

    def _request(self, prepared: PreparedRequest, *, stream: bool) -> requests.Response:
        return self.session.request(
            **prepared.send_kwargs(),
            timeout=(self.timeouts.connect, self.timeouts.read),
            stream=stream,
            allow_redirects=False,
        )

    # -- streaming ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def stream(self, call: ApiCall[Any], *, retry: bool = True) -> Iterator[StreamedResponse]:
        """Open ``call`` for streaming (report downloads).

        Retries until an answer arrives (one attempt with ``retry=False``: the caller retries). A JSON
        answer is decoded (and raises for ``code != 0``); anything else is left open for
        :meth:`StreamedResponse.iter_bytes`. Failures while reading the body are
        :class:`TikTokTransportError`: restart the download to retry them.
        """
        if retry:
            for attempt in self.retry.retrying():
                with attempt:
                    response, json_data = self._open_stream(call)
        else:
            response, json_data = self._open_stream(call)
        try:
            yield StreamedResponse(response, call.path, self.redact, json_data)
        finally:
            response.close()

    def _open_stream(self, call: ApiCall[Any]) -> tuple[requests.Response, Any]:
        prepared = self._prepare(call)
        self._await_turn(call)
        try:
            try:
                response = self._request(prepared, stream=True)
            except TRANSPORT_ERRORS as exc:
                raise transport_error(exc, call.path, self.redact) from None
            try:
                json_data = None
                if response.status_code >= 400 or _is_json(response):
                    body = self._read_small(response, call.path)
                    json_data = call.parse(decode_business(response.status_code, body, call.path, self.redact))
            except BaseException:
                response.close()
                raise
        except TikTokError as exc:
            self.pacer.record(exc)
            raise
        self.pacer.record(None)
        return response, json_data

    def _read_small(self, response: requests.Response, path: str) -> bytes:
        try:
            body: bytes = response.raw.read(JSON_LIMIT + 1, decode_content=True)
        except Exception as exc:  # urllib3 errors while reading the body
            raise transport_error(exc, path, self.redact) from None
        if len(body) > JSON_LIMIT:
            raise TikTokTransportError("JSON answer larger than expected", http_status=response.status_code,
                                       path=path)
        return body

    @contextlib.contextmanager
    def open_url(self, url: str, *, retry: bool = True) -> Iterator[StreamedResponse]:
        """Stream a pre-signed file URL (an async report's ``download_url``); no token is sent.

        ``retry=False`` makes one attempt (the caller retries).

        Raises :class:`TikTokDownloadURLExpiredError` when the URL has expired (HTTP 403/410).
        """
        safe = url.split("?", 1)[0]
        self.redact.add(url.split("?", 1)[1] if "?" in url else None)

        def _open() -> requests.Response:
            try:
                response = self.session.get(url, stream=True, timeout=(self.timeouts.connect, self.timeouts.read),
                                            headers={"User-Agent": USER_AGENT})
            except TRANSPORT_ERRORS as exc:
                raise transport_error(exc, safe, self.redact) from None
            if response.status_code in (401, 403, 410):
                response.close()
                raise TikTokDownloadURLExpiredError(
                    f"download URL refused with HTTP {response.status_code} (expired or invalid)",
                    http_status=response.status_code, path=safe)
            if response.status_code >= 400:
                body = self._read_small(response, safe)
                response.close()
                check_http_status(response.status_code, body, safe, self.redact)
                raise TikTokHTTPError(f"HTTP {response.status_code}", http_status=response.status_code, path=safe)
            return response

        if retry:
            for attempt in self.retry.retrying():
                with attempt:
                    response = _open()
        else:
            response = _open()
        try:
            yield StreamedResponse(response, safe, self.redact)
        finally:
            response.close()


__all__ = ["StreamedResponse", "TikTokClient"]
