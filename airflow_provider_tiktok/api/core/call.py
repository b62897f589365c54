"""One description of a TikTok request, executed by either the sync or the async client.

An :class:`ApiCall` says *what* to send (method, path, parameters, body) and how to read the answer.
:func:`prepare` turns it into URL, headers and body; :func:`decode_business` / :func:`decode_login_kit`
turn the HTTP answer into data or a typed :class:`~airflow_provider_tiktok.api.core.errors.TikTokError`.
Both clients share these functions, so request building, envelope parsing and the error taxonomy
cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.errors import (
    TikTokError,
    TikTokHTTPError,
    TikTokOAuthError,
    TikTokRateLimitError,
    TikTokTransportError,
    TikTokValidationError,
    error_class_for_code,
)
from airflow_provider_tiktok.api.core.redact import Redactor

try:  # a dependency of Airflow 3's task SDK; the stdlib is the fallback (same objects, ~2x slower)
    import msgspec

    _decode = msgspec.json.Decoder().decode

    def fast_json_decode(body: bytes) -> Any:
        """Decode a JSON body (``msgspec``: dicts, lists, str, int, float, bool, None as ``json.loads``)."""
        try:
            return _decode(body)
        except msgspec.DecodeError as exc:
            raise ValueError(str(exc)) from None
except ImportError:  # pragma: no cover - Airflow 3 always installs msgspec
    fast_json_decode = json.loads  # type: ignore[assignment]

T = TypeVar("T")
Family = Literal["business", "login_kit"]


def _identity(data: Any) -> Any:
    return data


@dataclass(frozen=True)
class ApiCall(Generic[T]):
    """A request to TikTok.

    :param method: ``GET`` or ``POST``.
    :param path: endpoint path with leading and trailing slash, e.g. ``/report/task/check/``.
    :param params: query parameters; lists, dicts and booleans are JSON-encoded as TikTok expects.
    :param json_body: JSON body (business API POSTs).
    :param form: form-encoded body (Login Kit).
    :param family: ``business`` (``/open_api/v1.3`` envelope) or ``login_kit`` (OAuth v2 bodies).
    :param authenticated: send the ``Access-Token`` header.
    :param bearer_token: send ``Authorization: Bearer <token>`` instead (Login Kit v2 data endpoints); the
        client's own access token, and its refresh on expiry, are then not used.
    :param parse: turns the envelope's ``data`` (or the Login Kit body) into the result.
    """

    method: Literal["GET", "POST"]
    path: str
    params: Mapping[str, Any] | None = None
    json_body: Mapping[str, Any] | None = None
    form: Mapping[str, Any] | None = None
    family: Family = "business"
    authenticated: bool = True
    parse: Callable[[Any], T] = field(default=_identity)
    bearer_token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not (self.path.startswith("/") and self.path.endswith("/")):
            raise TikTokValidationError(f"TikTok paths start and end with '/': got {self.path!r}")


@dataclass(frozen=True)
class BaseUrls:
    """Where each API family is served.

    With ``override`` (the emulator or a proxy) every family is served below that one root.
    """

    business: str
    login_kit: str
    marketing_authorize: str
    tiktok_authorize: str

    @classmethod
    def resolve(cls, environment: str = "production", override: str | None = None) -> BaseUrls:
        if override:
            root = override.rstrip("/")
            if not root.startswith(("http://", "https://")):
                raise TikTokValidationError(
                    f"base URL override must start with http:// or https://, got {override!r}"
                )
            return cls(root + spec.BUSINESS_PREFIX, root, root + spec.MARKETING_AUTHORIZE_PATH,
                       root + spec.TIKTOK_AUTHORIZE_PATH)
        if environment not in spec.BUSINESS_HOSTS:
            raise TikTokValidationError(
                f"environment must be one of {sorted(spec.BUSINESS_HOSTS)}, got {environment!r}"
            )
        return cls(
            spec.BUSINESS_HOSTS[environment] + spec.BUSINESS_PREFIX,
            spec.LOGIN_KIT_HOST,
            spec.MARKETING_AUTHORIZE_HOST + spec.MARKETING_AUTHORIZE_PATH,
            spec.TIKTOK_AUTHORIZE_HOST + spec.TIKTOK_AUTHORIZE_PATH,
        )

    def url_for(self, call: ApiCall[Any]) -> str:
        root = self.business if call.family == "business" else self.login_kit
        return root + call.path


@dataclass(frozen=True)
class PreparedRequest:
    method: str
    url: str
    params: dict[str, str]
    headers: dict[str, str]
    json_body: Mapping[str, Any] | None
    form: dict[str, str] | None

    def send_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``requests.Session.request`` / ``httpx.AsyncClient.request``."""
        return {"method": self.method, "url": self.url, "params": self.params or None, "headers": self.headers,
                "json": self.json_body, "data": self.form}


def encode_value(value: Any) -> str:
    """TikTok's GET encoding: arrays, objects and booleans as compact JSON, the rest as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def encode_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    return {k: encode_value(v) for k, v in (params or {}).items() if v is not None}


def prepare(call: ApiCall[Any], urls: BaseUrls, access_token: str | None, user_agent: str) -> PreparedRequest:
    headers = {"User-Agent": user_agent, "Accept": "application/json"}
    if call.bearer_token is not None:
        headers["Authorization"] = f"Bearer {call.bearer_token}"
    elif call.authenticated:
        if not access_token:
            raise TikTokValidationError(
                f"{call.path} needs an access token: set the connection's Access token field"
            )
        headers["Access-Token"] = access_token
    json_body = None
    form = None
    if call.json_body is not None:
        json_body = {k: v for k, v in call.json_body.items() if v is not None}
    if call.form is not None:
        form = encode_params(call.form)
    return PreparedRequest(call.method, urls.url_for(call), encode_params(call.params), headers, json_body, form)


def _load_json(body: bytes, status: int, path: str) -> Any:
    try:
        return fast_json_decode(body)
    except ValueError:
        pass  # msgspec is strict (no NaN, no lone surrogates): let the stdlib judge the odd body
    try:
        return json.loads(body)
    except ValueError as exc:
        raise TikTokTransportError(
            f"response body is not valid JSON ({len(body)} bytes; truncated or not from TikTok)",
            http_status=status, path=path,
        ) from exc


def check_http_status(status: int, body: bytes, path: str, redact: Redactor) -> None:
    """Raise for HTTP statuses that mean the request never reached TikTok's API logic."""
    if status < 400:
        return
    snippet = redact(body[:200].decode("utf-8", "replace").strip())
    if status == 429:
        raise TikTokRateLimitError(f"HTTP 429 Too Many Requests: {snippet}", http_status=status, path=path)
    if status >= 500:
        raise TikTokTransportError(f"server answered HTTP {status}: {snippet}", http_status=status, path=path)
    raise TikTokHTTPError(f"HTTP {status}: {snippet}", http_status=status, path=path)


def raise_for_envelope(envelope: Any, status: int, path: str, redact: Redactor) -> Any:
    """Return the envelope's ``data``, or raise the error its ``code`` describes."""
    if not isinstance(envelope, dict) or "code" not in envelope:
        raise TikTokTransportError("response is not a TikTok envelope", http_status=status, path=path)
    code = int(envelope["code"])
    request_id = envelope.get("request_id")
    if code == 0:
        return envelope.get("data") or {}
    message = redact(str(envelope.get("message") or "no message"))
    raise error_class_for_code(code)(message, code=code, request_id=request_id, http_status=status, path=path)


def decode_business(status: int, body: bytes, path: str, redact: Redactor) -> Any:
    check_http_status(status, body, path, redact)
    return raise_for_envelope(_load_json(body, status, path), status, path, redact)


def decode_login_kit(status: int, body: bytes, path: str, redact: Redactor) -> Any:
    """Login Kit answers top-level JSON; errors are ``{error, error_description, log_id}``."""
    if status >= 500:
        check_http_status(status, body, path, redact)
    if not body.strip():
        if status < 400:
            return {}
        check_http_status(status, body, path, redact)
    payload = _load_json(body, status, path)
    if isinstance(payload, dict) and payload.get("error"):
        error = payload["error"]
        if isinstance(error, dict):  # v2 data endpoints nest {code, message, log_id} under "error"
            if error.get("code") in (None, "ok"):
                return payload
            raise TikTokOAuthError(str(error.get("code")), redact(str(error.get("message", ""))),
                                   log_id=error.get("log_id"), http_status=status, path=path)
        raise TikTokOAuthError(str(error), redact(str(payload.get("error_description", ""))),
                               log_id=payload.get("log_id"), http_status=status, path=path)
    check_http_status(status, body, path, redact)
    return payload


def decode(call: ApiCall[T], status: int, body: bytes, redact: Redactor) -> T:
    if call.family == "login_kit":
        data = decode_login_kit(status, body, call.path, redact)
    else:
        data = decode_business(status, body, call.path, redact)
    return call.parse(data)


def redacted_url(prepared: PreparedRequest, redact: Redactor) -> str:
    """The request line for logs: path plus query with secrets masked."""
    query = "&".join(f"{k}={v}" for k, v in redact.mapping(prepared.params).items())
    return f"{prepared.method} {prepared.url}" + (f"?{query}" if query else "")


__all__ = [
    "ApiCall",
    "BaseUrls",
    "PreparedRequest",
    "TikTokError",
    "decode",
    "encode_params",
    "encode_value",
    "prepare",
    "redacted_url",
]
