"""Atomic, streaming writes to any Airflow ``ObjectStoragePath`` (local, s3://, gs://, ...).

Every file the provider writes goes through :func:`atomic_write`: bytes stream into a temporary
object in a staging folder beside the destination (``.tiktok-partial/``), which is moved into place
only when the writer finished without an error. A failed or killed task therefore never leaves a
partial file at the destination, and a rerun overwrites the previous file instead of duplicating it.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import logging
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from airflow.sdk import ObjectStoragePath

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.jsonlines import encode_json_lines

log = logging.getLogger(__name__)

COMPRESSIONS = (None, "gzip")
PARTIAL_SUFFIX = ".partial"
#: Folder beside each destination that holds its temporary objects while they are written.
STAGING_DIR = ".tiktok-partial"


def resolve_destination(destination: Any, *, conn_id: str | None = None) -> ObjectStoragePath:
    """Turn a user's destination into an ``ObjectStoragePath`` naming a file, or say what is wrong.

    :param destination: an ``ObjectStoragePath`` or a URI string such as ``file:///data/r.csv`` or
        ``s3://bucket/tiktok/r.csv``.
    :param conn_id: Airflow connection for the object store (when given as a string).
    """
    if isinstance(destination, ObjectStoragePath):
        path = destination
    elif isinstance(destination, str) and destination.strip():
        text = destination.strip()
        if "://" not in text:
            raise TikTokValidationError(
                f"destination must be a URI with a scheme, e.g. file:///data/report.csv or "
                f"s3://bucket/report.csv; got {destination!r}")
        if text.endswith("/"):
            raise TikTokValidationError(f"destination must name a file, not a folder: {destination!r}")
        try:
            path = ObjectStoragePath(text, conn_id=conn_id)
        except Exception as exc:  # unknown scheme, bad URI: fsspec raises various types
            raise TikTokValidationError(
                f"destination {destination!r} is not a valid ObjectStoragePath: {exc}") from None
    else:
        raise TikTokValidationError(
            f"destination must be an ObjectStoragePath or a URI string, got {type(destination).__name__}")
    if not path.name:
        raise TikTokValidationError(f"destination must name a file, not a folder: {str(path)!r}")
    return path


def check_compression(compression: str | None) -> str | None:
    if compression not in COMPRESSIONS:
        raise TikTokValidationError(f"compression must be None or 'gzip', got {compression!r}")
    return compression


class CountingWriter(io.RawIOBase):
    """A write-only binary stream that counts the bytes it passes on."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self.bytes_written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data)
        self._target.write(view)
        self.bytes_written += view.nbytes
        return view.nbytes


class Sink:
    """What :func:`atomic_write` yields: a binary ``write`` plus byte counters."""

    def __init__(self, stored: CountingWriter, stream: Any, compressed: bool) -> None:
        self._stored = stored
        self._stream = stream
        self.compressed = compressed
        self.bytes_in = 0  # bytes given to write() (before compression)

    def write(self, data: bytes) -> int:
        self.bytes_in += len(data)
        self._stream.write(data)
        return len(data)

    @property
    def bytes_stored(self) -> int:
        """Bytes that reached the object (after compression); final once the writer closed."""
        return self._stored.bytes_written

    def _close(self) -> None:
        if self.compressed:
            self._stream.close()  # writes the gzip trailer into the counting writer


def partial_path(destination: ObjectStoragePath, owner: str | None = None) -> ObjectStoragePath:
    """The temporary object for ``destination``: unique, in the staging folder beside it (same filesystem).

    It lives in ``<folder>/.tiktok-partial/``, so neither a listing nor a glob of the destination's
    folder (``<folder>/*.csv``) ever sees it; ``owner`` (one Airflow task instance) prefixes its name
    so a later attempt of the same task can remove what a killed one left.
    """
    prefix = f"{owner}." if owner else ""
    return destination.parent / STAGING_DIR / f"{prefix}{destination.name}.{uuid.uuid4().hex[:12]}{PARTIAL_SUFFIX}"


def remove_stale_partials(destination: ObjectStoragePath, owner: str) -> int:
    """Delete what earlier (killed) attempts of ``owner`` left for ``destination``; return how many."""
    removed = 0
    staging = destination.parent / STAGING_DIR
    with contextlib.suppress(Exception):  # no staging folder yet: nothing to remove
        for stale in staging.glob(f"{owner}.{destination.name}.*{PARTIAL_SUFFIX}"):
            with contextlib.suppress(Exception):
                stale.unlink()
                removed += 1
    if removed:
        log.info("Removed %d temporary object(s) an earlier attempt left for %s", removed, destination)
    return removed


def _drop_empty_staging(destination: ObjectStoragePath) -> None:
    staging = destination.parent / STAGING_DIR
    with contextlib.suppress(Exception):  # not empty (another writer), or object stores: no folders
        if staging.exists() and not any(staging.iterdir()):
            staging.rmdir()


@contextlib.contextmanager
def atomic_write(destination: ObjectStoragePath, *, compression: str | None = None,
                 owner: str | None = None) -> Iterator[Sink]:
    """Write ``destination`` all at once or not at all.

    Yields a :class:`Sink`; when the ``with`` block ends without an error the temporary object is
    moved onto ``destination`` (replacing it). On any error (including Airflow's termination of a
    killed task) the temporary object is deleted and the destination is left as it was. With
    ``owner``, temporary objects that earlier attempts of the same owner left behind (``kill -9``)
    are removed first.
    """
    check_compression(compression)
    if owner:
        remove_stale_partials(destination, owner)
    temp = partial_path(destination, owner)
    with contextlib.suppress(Exception):  # object stores have no folders; local paths need them
        temp.parent.mkdir(parents=True, exist_ok=True)
    raw = temp.open("wb")
    stored = CountingWriter(raw)
    stream: Any = gzip.GzipFile(fileobj=stored, mode="wb", mtime=0) if compression == "gzip" else stored
    sink = Sink(stored, stream, compressed=compression == "gzip")
    try:
        yield sink
        sink._close()
        raw.close()
        temp.rename(destination)
    except BaseException:
        with contextlib.suppress(Exception):
            raw.close()
        with contextlib.suppress(Exception):
            temp.unlink()
        raise
    finally:
        _drop_empty_staging(destination)


class JsonLinesSink:
    """Writes one compact JSON object per line (UTF-8)."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self.rows = 0

    def write_row(self, row: Mapping[str, Any]) -> None:
        self.write_rows([row])

    def write_rows(self, rows: Any) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        if rows:
            self._sink.write(encode_json_lines(rows))  # msgspec: ~10x json.JSONEncoder
            self.rows += len(rows)


class CsvSink:
    """Writes rows with the ``csv`` module; the header comes from ``fieldnames``."""

    def __init__(self, sink: Sink, fieldnames: Sequence[str]) -> None:
        self._sink = sink
        self._buffer = io.StringIO()
        self._writer = csv.DictWriter(self._buffer, fieldnames=list(fieldnames), extrasaction="ignore",
                                      lineterminator="\n")
        self._writer.writeheader()
        self._flush()
        self.rows = 0

    def _flush(self) -> None:
        self._sink.write(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def write_row(self, row: Mapping[str, Any]) -> None:
        self.write_rows([row])

    def write_rows(self, rows: Any) -> None:
        count = 0
        for row in rows:
            self._writer.writerow(row)
            count += 1
        if count:
            self._flush()
            self.rows += count


class ProgressLogger:
    """Logs ``label``'s progress (bytes, rows, elapsed) at most every ``every`` seconds."""

    def __init__(self, label: str, *, every: float = 5.0, logger: logging.Logger | None = None) -> None:
        self.label = label
        self.every = every
        self.log = logger or log
        self.started = time.monotonic()
        self._last = self.started
        self.bytes = 0
        self.rows = 0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def update(self, *, bytes_added: int = 0, rows_added: int = 0) -> None:
        self.bytes += bytes_added
        self.rows += rows_added
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            self._emit("in progress")

    def done(self) -> None:
        self._emit("done")

    def _emit(self, state: str) -> None:
        elapsed = self.elapsed
        rate = self.bytes / elapsed / 1_048_576 if elapsed > 0 else 0.0
        # The rate of a tiny or instant transfer says nothing: shown from 1 MiB and half a second on.
        speed = f" ({rate:.1f} MiB/s)" if self.bytes >= 1_048_576 and elapsed >= 0.5 else ""
        self.log.info("%s %s: %s bytes%s, %s rows, %.1fs elapsed", self.label, state, f"{self.bytes:,}", speed,
                      f"{self.rows:,}", elapsed)
