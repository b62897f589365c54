"""Secrets scan: known secret values never appear in logs, task logs, exception texts, XComs or CLI output.

* ``test_flows_…`` (fast, in-process): the async and sync report flows (success, non-retryable failure,
  retries exhausted), ``TikTokHook.test_connection`` and the CLI, with DEBUG logging on (urllib3 / httpx debug
  lines included); scans captured log records, stdout/stderr, exception ``str``/``repr``/tracebacks, returned
  values (XComs) and pushed XComs. The suite-wide ``secrets_guard`` fixture (conftest.py) repeats the log /
  output scan after *every* reliability test.
* ``test_whole_demo_…`` (slow: ``make demo`` end to end in a subprocess): every example DAG with
  ``airflow dags test``, with the demo emulator's app secrets replaced by known values; scans the demo's stdout /
  stderr, every file it leaves (task logs of every Airflow home, ``airflow dags test`` output, report files) and
  every XCom value in each home's metadata database.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from airflow_provider_tiktok.testing import Fault, TikTokEmulator
from tests.reliability.conftest import (
    FakeTI,
    StateStore,
    run_report_operator,
    secrets_of,
    sync_report_operator,
    task_context,
)

REPO = Path(__file__).resolve().parents[2]


def assert_clean(secrets: list[str], *texts: str) -> None:
    assert secrets
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"secret {secret[:4]}… leaked: …{text[max(0, text.find(secret) - 80):][:200]}"


def test_flows_never_expose_secrets(emu: TikTokEmulator, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from airflow_provider_tiktok.cli import main as cli_main
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    texts: list[str] = []
    context = task_context()
    texts.append(json.dumps(run_report_operator(emu, tmp_path / "a.csv").execute(context), default=str))
    texts.append(json.dumps(sync_report_operator(emu, tmp_path / "s.jsonl").execute({}), default=str))
    texts.append(json.dumps(context["ti"].xcoms, default=str))
    failures = [("/report/task/create/", Fault.code(40105), False), ("/report/task/check/", Fault.code(50000), True),
                ("/report/integrated/get/", Fault.code(40001), False)]
    for path, fault, every in failures:
        emu.faults.clear()
        emu.reset_log()  # on_call counts from here
        emu.faults.add(path, fault, on_call=None if every else 1, every=every)
        op = (sync_report_operator(emu, tmp_path / "f.jsonl") if "integrated" in path
              else run_report_operator(emu, tmp_path / "f.csv"))
        ti = FakeTI()
        with pytest.raises(Exception, match=str(fault.error_code)) as info:
            op.execute({"ti": ti, "task_state_store": StateStore()} if "integrated" not in path else {})
        texts += [str(info.value), repr(info.value), "".join(traceback.format_exception(info.value)),
                  json.dumps(ti.xcoms, default=str)]
    emu.faults.clear()
    texts.append(str(TikTokHook().test_connection()))
    out, err = io.StringIO(), io.StringIO()
    cli_main(["auth", "whoami", "--conn-id", "tiktok_default"], out=out, err=err, stdin=io.StringIO(""))
    cli_main(["auth", "refresh", "--conn-id", "tiktok_default"], out=out, err=err, stdin=io.StringIO(""))
    captured = capsys.readouterr()
    texts += [out.getvalue(), err.getvalue(), captured.out, captured.err, caplog.text]
    assert "TikTok request" in caplog.text or "GET" in caplog.text or caplog.records, "nothing was logged"
    assert_clean(secrets_of(emu), *texts)


DEMO = r"""
import contextlib, json, sys, tempfile
from pathlib import Path
import airflow_provider_tiktok.testing.demo as demo

work = Path(sys.argv[1])
KNOWN = {"app_secret": "known-app-secret-4c8ae436-0001", "accounts_app_secret": "known-accounts-secret-4c8ae436",
         "login_kit_client_secret": "known-login-kit-secret-4c8ae436"}

class KnownSecretsEmulator(demo.TikTokEmulator):
    def __init__(self, **knobs):
        super().__init__(**{**knobs, **KNOWN})
        secrets = [*KNOWN.values(), self.access_token, self.accounts_tokens["access_token"],
                   self.accounts_tokens["refresh_token"], self.login_kit_tokens["access_token"],
                   self.login_kit_tokens["refresh_token"]]
        (work / "secrets.json").write_text(json.dumps(secrets))

class KeptTempDir:  # keep the Airflow homes (task logs, metadata DB) for the scan
    def TemporaryDirectory(self, prefix=""):
        path = work / "homes"
        path.mkdir()
        return contextlib.nullcontext(str(path))
    def __getattr__(self, name):
        return getattr(tempfile, name)

demo.TikTokEmulator = KnownSecretsEmulator
demo.tempfile = KeptTempDir()
sys.exit(demo.main([sys.argv[2], "--output", str(work / "output")]))
"""


@pytest.mark.slow
def test_whole_demo_never_exposes_secrets(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", DEMO, str(tmp_path), str(REPO / "example_dags")], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    secrets = json.loads((tmp_path / "secrets.json").read_text())
    texts = [proc.stdout, proc.stderr]
    scanned = 0
    for path in tmp_path.rglob("*"):
        if not path.is_file() or path.name == "secrets.json":
            continue
        if path.suffix == ".db":
            with sqlite3.connect(path) as db:
                rows = db.execute("SELECT value FROM xcom").fetchall()
            texts += [str(value) for (value,) in rows]
            scanned += len(rows)
            continue
        texts.append(path.read_bytes().decode("utf-8", "replace"))
    assert scanned > 0, "no XCom found to scan"
    assert any("logs" in p.parts for p in tmp_path.rglob("*.log")), "no task log found to scan"
    assert_clean(secrets, *texts)
