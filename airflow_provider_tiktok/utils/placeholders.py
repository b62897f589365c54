"""``{placeholder}`` destinations: one file per advertiser, window or entity from one templated path."""

from __future__ import annotations

import string
from collections.abc import Collection, Mapping
from typing import Any

from airflow.sdk import ObjectStoragePath

from airflow_provider_tiktok.api.core.errors import TikTokValidationError


def fill_placeholders(destination: Any, values: Mapping[str, str], allowed: Collection[str]) -> Any:
    """``destination`` (a string or ``ObjectStoragePath``) with its ``{name}``s filled from ``values``.

    A name outside ``allowed`` or unbalanced braces is a :class:`TikTokValidationError` listing the names that
    work; a destination without braces is returned as is.
    """
    text = str(destination)
    if "{" not in text:
        return destination
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise TikTokValidationError(f"destination {text!r} has unbalanced braces: {exc}") from None
    unknown = sorted(names - set(allowed))
    if unknown:
        raise TikTokValidationError(f"destination placeholders {unknown} are unknown; use {sorted(allowed)}")
    rendered = text.format(**values)
    return ObjectStoragePath(rendered) if isinstance(destination, ObjectStoragePath) else rendered


__all__ = ["fill_placeholders"]
