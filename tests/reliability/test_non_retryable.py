"""Errors no retry can fix fail the task at once: one request, ``AirflowFailException`` (Airflow skips its
retries), and a message that names the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from tests.reliability.conftest import leftovers, run_async_flow, run_sync_flow

#: code -> words of the fix the message must contain
FIXES = {
    40001: "authorized the app",
    40002: "fix",
    40105: "re-authorize",
    40102: "re-authorize",  # a Marketing token never expires: nothing to refresh, authorize again
    40118: "allowlist",
}
PATHS = {"async-create": "/report/task/create/", "async-check": "/report/task/check/",
         "sync-page": "/report/integrated/get/"}


@pytest.mark.parametrize("where", list(PATHS))
@pytest.mark.parametrize("code", list(FIXES))
def test_fails_fast_with_the_fix(emu: TikTokEmulator, tmp_path: Path, code: int, where: str) -> None:
    path = PATHS[where]
    emu.faults.add(path, Fault.code(code), on_call=1)
    with pytest.raises(AirflowFailException) as info:
        if where.startswith("async"):
            run_async_flow(emu, tmp_path)
        else:
            run_sync_flow(emu, tmp_path)
    assert emu.count(path) == 1, "a non-retryable error was retried"
    message = str(info.value)
    assert str(code) in message
    assert FIXES[code].lower() in message.lower(), message
    assert not any(p.suffix in (".csv", ".jsonl") for p in tmp_path.iterdir())
    assert leftovers(tmp_path) == []
