from __future__ import annotations

import gzip
import json

import pytest
from airflow.sdk import ObjectStoragePath

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.utils.storage import (
    CsvSink,
    JsonLinesSink,
    ProgressLogger,
    atomic_write,
    resolve_destination,
)


def _dest(tmp_path, name="out/report.csv") -> ObjectStoragePath:
    return ObjectStoragePath(f"file://{tmp_path}/{name}")


def _leftovers(tmp_path):
    return sorted(p.name for p in (tmp_path / "out").iterdir())


def test_atomic_write_moves_into_place_and_overwrites(tmp_path):
    dest = _dest(tmp_path)
    for payload in (b"first,run\n", b"second\n"):
        with atomic_write(dest) as sink:
            sink.write(payload)
        assert dest.read_bytes() == payload
        assert sink.bytes_stored == len(payload) == sink.bytes_in
    assert _leftovers(tmp_path) == ["report.csv"]


def test_atomic_write_error_leaves_destination_untouched(tmp_path):
    dest = _dest(tmp_path)
    with atomic_write(dest) as sink:
        sink.write(b"good\n")
    with pytest.raises(RuntimeError), atomic_write(dest) as sink:
        sink.write(b"half a fi")
        raise RuntimeError("killed mid-stream")
    assert dest.read_bytes() == b"good\n"
    assert _leftovers(tmp_path) == ["report.csv"]


def test_atomic_write_error_on_first_write_creates_nothing(tmp_path):
    dest = _dest(tmp_path, "out/new.csv")
    with pytest.raises(KeyboardInterrupt), atomic_write(dest) as sink:
        sink.write(b"x")
        raise KeyboardInterrupt
    assert not dest.exists()
    assert _leftovers(tmp_path) == []


def test_gzip_round_trip_and_counters(tmp_path):
    dest = _dest(tmp_path, "out/report.jsonl.gz")
    with atomic_write(dest, compression="gzip") as sink:
        rows = JsonLinesSink(sink)
        rows.write_row({"a": 1, "name": "Ünïcode"})
        rows.write_rows([{"a": 2}, {"a": None}])
    raw = dest.read_bytes()
    assert sink.bytes_stored == len(raw)
    lines = gzip.decompress(raw).decode().splitlines()
    assert [json.loads(line) for line in lines] == [{"a": 1, "name": "Ünïcode"}, {"a": 2}, {"a": None}]
    assert rows.rows == 3 and sink.bytes_in == len(gzip.decompress(raw))


def test_csv_sink_quotes_with_csv_module(tmp_path):
    dest = _dest(tmp_path)
    with atomic_write(dest) as sink:
        writer = CsvSink(sink, ["id", "name"])
        writer.write_rows([{"id": "1", "name": 'a, "quoted"\nname'}, {"id": "2", "name": None}])
    assert dest.read_text() == 'id,name\n1,"a, ""quoted""\nname"\n2,\n'
    assert writer.rows == 2


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "/tmp/no-scheme.csv", "file:///tmp/folder/", 42, None],
)
def test_resolve_destination_rejects(bad):
    with pytest.raises(TikTokValidationError, match="destination"):
        resolve_destination(bad)


def test_resolve_destination_accepts_uri_and_path(tmp_path):
    assert resolve_destination(f"file://{tmp_path}/a.csv").name == "a.csv"
    path = _dest(tmp_path)
    assert resolve_destination(path) is path


def test_atomic_write_rejects_unknown_compression(tmp_path):
    with pytest.raises(TikTokValidationError, match="compression"), atomic_write(_dest(tmp_path), compression="zip"):
        pass


def test_progress_logger_reports_totals(caplog):
    progress = ProgressLogger("download", every=0.0)
    with caplog.at_level("INFO", logger="airflow_provider_tiktok.utils.storage"):
        progress.update(bytes_added=2048, rows_added=3)
        progress.done()
    assert progress.bytes == 2048 and progress.rows == 3
    assert "2,048 bytes" in caplog.text and "done" in caplog.text


def test_partials_live_in_a_hidden_staging_folder_and_earlier_attempts_are_removed(tmp_path):
    from airflow_provider_tiktok.utils.storage import STAGING_DIR, partial_path

    dest = ObjectStoragePath(f"file://{tmp_path}/out/report.csv")
    killed = partial_path(dest, "task-a")  # what a kill -9 left behind
    killed.parent.mkdir(parents=True)
    killed.write_bytes(b"half")
    other = partial_path(dest, "task-b")  # another task instance writing the same name: not ours to remove
    other.write_bytes(b"other")
    with atomic_write(dest, owner="task-a") as sink:
        assert not list((tmp_path / "out").glob("*.csv*")) and not list((tmp_path / "out").glob("*.partial"))
        sink.write(b"a,b\n")
    assert (tmp_path / "out" / "report.csv").read_bytes() == b"a,b\n"
    assert sorted(p.name for p in (tmp_path / "out" / STAGING_DIR).iterdir()) == [other.name]
    other.unlink()
    with atomic_write(dest, owner="task-a") as sink:
        sink.write(b"x\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.csv"]  # empty staging folder removed


def test_progress_shows_a_rate_only_when_it_says_something(caplog):
    import logging

    from airflow_provider_tiktok.utils.storage import ProgressLogger

    caplog.set_level(logging.INFO)
    tiny = ProgressLogger("tiny", logger=logging.getLogger("t"))
    tiny.update(bytes_added=120, rows_added=2)
    tiny.done()
    assert "MiB/s" not in caplog.text and "120 bytes, 2 rows" in caplog.text
    big = ProgressLogger("big", logger=logging.getLogger("t"))
    big.started -= 1.0  # one second for 100 MiB
    big.update(bytes_added=100 * 1_048_576)
    big.done()
    assert "MiB/s)" in caplog.records[-1].getMessage()
