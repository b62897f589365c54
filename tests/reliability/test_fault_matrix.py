"""Fault matrix: every transient fault TikTok (or the network) produces, injected by the emulator at every
endpoint the operators call (async and sync reports, advertisers, business accounts), is survived — and the
output is byte-identical to a clean run.

Faults hit the first call of the endpoint (for the sync report also the second page). 40201 ("not ready") is
injected only where TikTok sends it (``/report/task/download/``); the expired download URL only on the file URL.
The file URL is pre-signed object storage, which answers HTTP errors, never TikTok envelopes: only the HTTP and
network faults apply there.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from airflow_provider_tiktok.hooks.oauth import TikTokOAuthHookMixin
from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from airflow_provider_tiktok.testing.context import InMemoryTokenStore
from tests.reliability.conftest import STALL_SECONDS, leftovers, run_async_flow, run_sync_flow, task_context

EXPIRED = b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired' \
          b'</Message></Error>'
TRANSIENT = {
    "40100": Fault.code(40100), "40133": Fault.code(40133), "50000": Fault.code(50000),
    "50002": Fault.code(50002), "51010": Fault.code(51010), "http500": Fault.http(500), "http502": Fault.http(502),
    "http503": Fault.http(503), "http504": Fault.http(504), "reset": Fault.reset(),
    "stall": Fault.stall(STALL_SECONDS), "truncated": Fault.truncate(),
}
# (flow, endpoint, call number, output format)
ENDPOINTS = {
    "async-create": ("async", "/report/task/create/", 1, "CSV_STRING"),
    "async-check": ("async", "/report/task/check/", 1, "CSV_STRING"),
    "async-download-csv-string": ("async", "/report/task/download/", 1, "CSV_STRING"),
    "async-download-link": ("async", "/report/task/download/", 1, "CSV_DOWNLOAD"),
    "async-file-url": ("async", "/files/", 1, "CSV_DOWNLOAD"),
    "sync-advertiser-info": ("sync", "/advertiser/info/", 1, None),
    "sync-page-1": ("sync", "/report/integrated/get/", 1, None),
    "sync-page-2": ("sync", "/report/integrated/get/", 2, None),
    "advertisers-list": ("advertisers", "/oauth2/advertiser/get/", 1, None),
    "business-get": ("business", "/business/get/", 1, None),
    "business-video-list-page-2": ("business-videos", "/business/video/list/", 2, None),
    "business-comment-list-call-2": ("business-comments", "/business/comment/list/", 2, None),
    # Entity lists: (flow "entities", path, call, entity); ads page through 3 pages of 3.
    "entities-campaigns": ("entities", "/campaign/get/", 1, "campaigns"),
    "entities-adgroups": ("entities", "/adgroup/get/", 1, "adgroups"),
    "entities-ads-page-1": ("entities", "/ad/get/", 1, "ads"),
    "entities-ads-page-2": ("entities", "/ad/get/", 2, "ads"),
    "entities-images": ("entities", "/file/image/ad/search/", 1, "images"),
    "entities-videos": ("entities", "/file/video/ad/search/", 1, "videos"),
    "entities-custom-audiences": ("entities", "/dmp/custom_audience/list/", 1, "custom_audiences"),
    "entities-pixels": ("entities", "/pixel/list/", 1, "pixels"),
}
ENVELOPE_CODES = {"40100", "40133", "50000", "50002", "51010"}
CASES = [(e, f) for e in ENDPOINTS for f in TRANSIENT if not (e == "async-file-url" and f in ENVELOPE_CODES)]
# A 40201 from /report/task/download/ (status said SUCCESS, the file is not published yet) is waited out.
CASES += [("async-download-csv-string", "40201"), ("async-download-link", "40201"), ("async-file-url", "expired-url")]
EXTRA = {"40201": Fault.code(40201), "expired-url": Fault.http(403, EXPIRED)}

_clean: dict[tuple[str, str | None], bytes] = {}


def run_advertisers_flow(folder: Path) -> bytes:
    from airflow_provider_tiktok.operators.advertisers import TikTokListAdvertisersOperator

    records = TikTokListAdvertisersOperator(task_id="advertisers", return_as="records").execute(task_context())
    (folder / "advertisers.json").write_text(json.dumps(records))
    return (folder / "advertisers.json").read_bytes()


def run_business_flow(emu: TikTokEmulator, folder: Path) -> bytes:
    from airflow_provider_tiktok.operators.business import TikTokBusinessAccountMetricsOperator

    conn_id = f"tiktok_accounts_{uuid.uuid4().hex[:8]}"  # no token pair stored by another test's emulator
    conn = emu.connection_dict(conn_id, "accounts")
    conn["extra"]["business_id"] = emu.config.accounts_open_id
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
        patch.setattr(TikTokOAuthHookMixin, "token_store", InMemoryTokenStore())  # not about token persistence
        TikTokBusinessAccountMetricsOperator(task_id="business", tiktok_conn_id=conn_id,
                                             destination=(folder / "b.jsonl").as_uri()).execute(task_context())
    return (folder / "b.jsonl").read_bytes()


def run_entities_flow(folder: Path, entity: str) -> bytes:
    from airflow_provider_tiktok.operators.entities import TikTokEntitiesToStorageOperator

    dest = folder / f"{entity}.jsonl"
    TikTokEntitiesToStorageOperator(task_id="entities", entity=entity, advertiser_id="7100000000000000001",
                                    page_size=3 if entity == "ads" else None, include_deleted=entity == "ads",
                                    destination=dest.as_uri()).execute(task_context())
    return dest.read_bytes()


def run_business_content_flow(emu: TikTokEmulator, folder: Path, kind: str) -> bytes:
    """Videos (3 cursor pages) or the comments of two videos (several pages, replies included) as JSONL."""
    from airflow_provider_tiktok.operators.business_content import TikTokBusinessContentToStorageOperator

    conn_id = f"tiktok_content_{uuid.uuid4().hex[:8]}"
    conn = emu.connection_dict(conn_id, "accounts")
    conn["extra"]["business_id"] = emu.config.accounts_open_id
    extra = {"video_ids": ["7400000000000000001", "7400000000000000002"], "include_replies": True} \
        if kind == "comments" else {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
        patch.setattr(TikTokOAuthHookMixin, "token_store", InMemoryTokenStore())
        TikTokBusinessContentToStorageOperator(task_id=f"business_{kind}", tiktok_conn_id=conn_id, content=kind,
                                               destination=(folder / "c.jsonl").as_uri(), **extra
                                               ).execute(task_context())
    return (folder / "c.jsonl").read_bytes()


def _run(emu: TikTokEmulator, folder: Path, flow: str, output_format: str | None) -> bytes:
    if flow == "async":
        return run_async_flow(emu, folder, output_format or "CSV_STRING")
    if flow == "advertisers":
        return run_advertisers_flow(folder)
    if flow == "business":
        return run_business_flow(emu, folder)
    if flow in ("business-videos", "business-comments"):
        return run_business_content_flow(emu, folder, flow.split("-")[1])
    if flow == "entities":
        return run_entities_flow(folder, output_format or "ads")
    return run_sync_flow(emu, folder)


def clean_output(emu: TikTokEmulator, tmp_path: Path, flow: str, output_format: str | None) -> bytes:
    key = (flow, output_format)
    if key not in _clean:
        folder = tmp_path / "clean"
        folder.mkdir()
        _clean[key] = _run(emu, folder, flow, output_format)
        emu.reset_log()
    return _clean[key]


def _case_id(case: object) -> str:
    values = case.values if hasattr(case, "values") else case
    return f"{values[0]}-{values[1]}"


@pytest.mark.parametrize(("endpoint", "fault"), CASES, ids=[_case_id(c) for c in CASES])
def test_fault_is_survived_with_identical_output(emu: TikTokEmulator, tmp_path: Path, endpoint: str,
                                                 fault: str) -> None:
    flow, path, call_no, output_format = ENDPOINTS[endpoint]
    expected = clean_output(emu, tmp_path, flow, output_format)
    assert expected, "the clean run wrote nothing"
    emu.faults.add(path, TRANSIENT.get(fault) or EXTRA[fault], on_call=call_no)
    folder = tmp_path / "faulted"
    folder.mkdir()

    got = _run(emu, folder, flow, output_format)

    assert emu.count(path) > call_no, f"the fault at {path} call {call_no} was never hit"
    assert got == expected
    assert leftovers(folder) == []
    if flow == "async":
        assert emu.count("/report/task/create/") == 1 + (path == "/report/task/create/"), "duplicate report task"
