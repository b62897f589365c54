"""JSON Lines encoding: one compact UTF-8 JSON object per line, with ``msgspec`` (stdlib ``json`` as fallback).

``msgspec`` (a dependency of Airflow 3's task SDK) encodes a 1,000-row page about ten times faster than
``json.JSONEncoder``. The bytes are the same compact JSON (``separators=(",", ":")``, non-ASCII kept as
UTF-8, keys in insertion order), except that floats use ``msgspec``'s shortest form (``1e16``, not
``1e+16``) and a non-finite float becomes ``null`` instead of the invalid ``NaN``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

_stdlib_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

try:
    import msgspec

    _encoder = msgspec.json.Encoder()

    def encode_json_lines(rows: Iterable[Mapping[str, Any]]) -> bytes:
        """``rows`` as JSON Lines (each line ends with ``\\n``; no rows: ``b""``)."""
        items = rows if isinstance(rows, list) else list(rows)
        try:
            return _encoder.encode_lines(items)
        except (TypeError, ValueError, OverflowError):  # a value msgspec does not know: let the stdlib judge
            return _stdlib_lines(items)

except ImportError:  # pragma: no cover - Airflow 3 always installs msgspec

    def encode_json_lines(rows: Iterable[Mapping[str, Any]]) -> bytes:
        """``rows`` as JSON Lines (each line ends with ``\\n``; no rows: ``b""``)."""
        return _stdlib_lines(list(rows))


def _stdlib_lines(rows: list[Mapping[str, Any]]) -> bytes:
    return "".join(_stdlib_encode(row) + "\n" for row in rows).encode("utf-8")


__all__ = ["encode_json_lines"]
