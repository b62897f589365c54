"""Keep secrets out of logs and exception texts.

Two layers: values under sensitive *keys* (``secret``, ``access_token``, ``code_verifier``, ...) are
replaced wherever a mapping is rendered, and known secret *values* (the app secret and every token the
client has seen) are replaced inside any string, e.g. an error message that echoes a URL.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"

#: Substrings that make a key sensitive (compared on the lower-cased key).
SENSITIVE_KEY_PARTS = ("secret", "token", "password", "auth_code", "code_verifier", "authorization")
#: Exact keys that are sensitive although no part above matches.
SENSITIVE_KEYS = frozenset({"code"})

#: Shorter values are not replaced inside strings (too likely to hit ordinary text).
MIN_SECRET_LENGTH = 5


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in SENSITIVE_KEYS or any(part in lowered for part in SENSITIVE_KEY_PARTS)


class Redactor:
    """Replaces registered secret values inside strings; thread-safe."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Register values that must never be shown (also with the process-wide log filter)."""
        fresh = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        if fresh and self is not _PROCESS_REDACTOR:
            _PROCESS_REDACTOR.add(*fresh)
        with self._lock:
            if fresh - self._secrets:
                self._secrets |= fresh
                ordered = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def __call__(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern is not None and text else text

    def mapping(self, data: Mapping[str, Any] | None) -> dict[str, Any]:
        """A copy of ``data`` safe to log: sensitive keys masked, secret values replaced."""
        return redact_mapping(data, self)


def redact_mapping(data: Mapping[str, Any] | None, redactor: Redactor | None = None) -> dict[str, Any]:
    if not data:
        return {}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if is_sensitive_key(str(key)):
            out[key] = MASK
        elif isinstance(value, Mapping):
            out[key] = redact_mapping(value, redactor)
        elif isinstance(value, str) and redactor is not None:
            out[key] = redactor(value)
        else:
            out[key] = value
    return out


#: Every secret any client registered; used to scrub HTTP libraries' own debug logs.
_PROCESS_REDACTOR = Redactor()

#: Loggers of the HTTP libraries we use, which log request URLs (with query strings) at DEBUG.
HTTP_LIBRARY_LOGGERS = ("urllib3.connectionpool", "httpx", "httpcore")


class SecretLogFilter(logging.Filter):
    """Rewrites log records of HTTP libraries so registered secrets never reach a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        cleaned = _PROCESS_REDACTOR(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FILTER = SecretLogFilter()


def install_http_log_filter() -> None:
    """Attach :class:`SecretLogFilter` to the HTTP libraries' loggers (idempotent)."""
    for name in HTTP_LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
