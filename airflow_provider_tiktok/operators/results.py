"""The one result schema of every operator that writes data (what users read from XCom).

Every writing operator returns a dict with exactly the keys of :data:`RESULT_KEYS` (values may be
``None`` where they do not apply), plus operator-specific keys listed in its docstring:

- ``uri``: where the data landed, one URI string (``ObjectStoragePath`` form, e.g. ``s3://b/k.csv``);
- ``rows``: data rows written (``None`` when unknown, e.g. XLSX);
- ``bytes`` / ``bytes_uncompressed``: bytes stored / bytes before compression;
- ``format``: ``csv``, ``jsonl`` or ``xlsx``; ``compression``: ``None`` or ``gzip``;
- ``start_date`` / ``end_date``: the report's inclusive date range (``YYYY-MM-DD``; ``None`` for lifetime);
- ``report_task_id``: TikTok's async report task id (``None`` for synchronous data);
- ``advertiser_id``: the advertiser (``None`` for business accounts / Business Center reports).
"""

from __future__ import annotations

from typing import Any

RESULT_KEYS = ("uri", "rows", "bytes", "bytes_uncompressed", "format", "compression", "start_date", "end_date",
               "report_task_id", "advertiser_id")

#: File format of each TikTok output format.
FORMAT_OF_OUTPUT = {"CSV_STRING": "csv", "CSV_DOWNLOAD": "csv", "XLSX_DOWNLOAD": "xlsx"}


def write_result(*, uri: Any, rows: int | None, bytes: int, bytes_uncompressed: int, format: str,
                 compression: str | None, start_date: Any = None, end_date: Any = None,
                 report_task_id: str | None = None, advertiser_id: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The XCom result of a writing operator: :data:`RESULT_KEYS` first, then ``extra``."""
    result: dict[str, Any] = {
        "uri": str(uri), "rows": rows, "bytes": bytes, "bytes_uncompressed": bytes_uncompressed,
        "format": format, "compression": compression,
        "start_date": str(start_date) if start_date else None, "end_date": str(end_date) if end_date else None,
        "report_task_id": report_task_id, "advertiser_id": advertiser_id,
    }
    clash = sorted(set(extra) & set(result))
    if clash:
        raise TypeError(f"extra result keys {clash} clash with the shared schema")
    result.update(extra)
    return result


__all__ = ["FORMAT_OF_OUTPUT", "RESULT_KEYS", "write_result"]
