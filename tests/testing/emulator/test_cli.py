"""CLI (``python -m airflow_provider_tiktok.testing[.emulator]``): prints one JSON line, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests


@pytest.mark.parametrize("module", ["airflow_provider_tiktok.testing", "airflow_provider_tiktok.testing.emulator"])
def test_cli_start_print_and_sigterm(tmp_path, module):
    ready = tmp_path / "ready.json"
    env = dict(os.environ)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            module,
            "--port",
            "0",
            "--seed",
            "7",
            "--print-env",
            "--ready-file",
            str(ready),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        info = json.loads(line)
        env_line = proc.stdout.readline()
        assert env_line.startswith("export AIRFLOW_CONN_TIKTOK_DEFAULT=")
        assert json.loads(ready.read_text()) == info
        assert set(info["connections"]) == {"marketing", "accounts", "login_kit"}
        conn = info["connections"]["marketing"]
        assert conn["extra"]["base_url"] == info["base_url"]
        r = requests.get(
            info["base_url"] + "/open_api/v1.3/advertiser/info/",
            params={"advertiser_ids": json.dumps(conn["extra"]["advertiser_ids"].split(","))},
            headers={"Access-Token": conn["extra"]["access_token"]},
            timeout=5,
        )
        assert r.json()["code"] == 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        access = proc.stderr.read()
        assert '"GET /open_api/v1.3/advertiser/info/" 200' in access  # one INFO access line per request
        assert conn["extra"]["access_token"] not in access and "advertiser_ids=" not in access
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
