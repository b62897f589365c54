"""``airflow-tiktok auth ...`` against the emulator: the loopback listener, state checks, connection output,
refresh / revoke / whoami (through ``TikTokHook``'s OAuth methods), and no secret on the terminal.

The Accounts API case keeps its connection only in the metadata DB (``--airflow-add``), so every later
command finds it, and the token Variable, through Airflow's CLI: the path of a real deployment."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from airflow_provider_tiktok.cli import main
from airflow_provider_tiktok.hooks.tokens import variable_key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def creds(emu, family):
    cfg = emu.config
    return {"marketing": (cfg.app_id, cfg.app_secret),
            "accounts": (cfg.accounts_app_id, cfg.accounts_app_secret),
            "login_kit": (cfg.login_kit_client_key, cfg.login_kit_client_secret)}[family]


def run_login(emu, family, tmp_path, *extra, conn_id="tt_cli"):
    """Run the console entry point as a user would; approve in a "browser"; return (rc, output, file)."""
    app_id, secret = creds(emu, family)
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    out_file = tmp_path / f"{conn_id}.json"
    env = {**os.environ, "TIKTOK_APP_SECRET": secret}
    if "--airflow-add" in extra:  # `airflow connections import` must encrypt with this process's Fernet key
        from airflow.configuration import conf

        env["AIRFLOW__CORE__FERNET_KEY"] = conf.get("core", "fernet_key", fallback="") or ""
    proc = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_tiktok.cli", "auth", "login", "--family", family,
         "--conn-id", conn_id, "--app-id", app_id, "--redirect-uri", redirect, "--base-url", emu.base_url,
         "--output-file", str(out_file), "--timeout", "30", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env)
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.strip().startswith("http"):
            page = requests.get(line.strip(), timeout=10)  # the emulator redirects to our listener
            assert page.status_code == 200 and "close this tab" in page.text
            break
    rest, _ = proc.communicate(timeout=60)
    return proc.returncode, "".join(lines) + rest, out_file


def secrets_of(emu, family, conn):
    return [creds(emu, family)[1], conn["extra"]["access_token"], conn["extra"].get("refresh_token")]


@pytest.mark.parametrize("family", ["marketing", "accounts", "login_kit"])
def test_login_with_loopback_listener_then_whoami_refresh_revoke(tiktok_emulator, family, tmp_path, monkeypatch,
                                                                 capsys, airflow_db):
    emu = tiktok_emulator
    # accounts: the hook also saves the connection and the token Variable in the metadata DB (Airflow's CLI).
    extra = ["--airflow-add"] if family == "accounts" else []
    rc, output, out_file = run_login(emu, family, tmp_path, *extra, conn_id=f"tt_cli_{family}")
    assert rc == 0, output
    conn = json.loads(out_file.read_text())[f"tt_cli_{family}"]
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"
    assert conn["extra"]["api_family"] == family and conn["extra"]["base_url"] == emu.base_url
    for secret in secrets_of(emu, family, conn):
        assert not secret or secret not in output
    assert '"password": "***"' in output and "--show-secrets" in output
    if family == "accounts":
        assert conn["extra"]["business_id"] == emu.config.accounts_open_id
    if family == "marketing":
        assert conn["extra"]["advertiser_ids"] == ",".join(emu.advertiser_ids)

    conn_id = f"tt_cli_{family}"
    if family == "accounts":
        from airflow.models import Connection, Variable  # read the DB directly: an independent check

        saved = Connection.get_connection_from_secrets(conn_id)
        assert saved.password == conn["password"] and saved.extra_dejson == conn["extra"]
        initial = json.loads(Variable.get(variable_key(conn_id)))
        assert initial["access_token"] == conn["extra"]["access_token"] and initial["expires_at"] > time.time()
        assert "Saved connection" in output
    else:
        monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))
    assert main(["auth", "whoami", "--conn-id", conn_id]) == 0
    first = capsys.readouterr()
    shown = first.out
    assert f"Connection {conn_id!r}: {family} app {creds(emu, family)[0]}" in shown
    assert {"marketing": f"can access {len(emu.advertiser_ids)} advertiser(s)",
            "accounts": f"open_id): {emu.config.accounts_open_id}",
            "login_kit": "client key and secret are valid"}[family] in shown
    if family == "accounts":
        assert "Access token valid until 20" in shown  # the expiry --airflow-add stored with the pair
    if family == "marketing":
        assert main(["auth", "refresh", "--conn-id", conn_id]) == 2
    else:
        assert main(["auth", "refresh", "--conn-id", conn_id]) == 0
        from airflow.models import Variable

        stored = json.loads(Variable.get(variable_key(conn_id)))
        assert stored["refresh_token"] != conn["extra"]["refresh_token"]  # rotated and persisted
        assert main(["auth", "whoami", "--conn-id", conn_id]) == 0  # uses the stored pair
    assert main(["auth", "revoke", "--conn-id", conn_id]) == 0
    captured = capsys.readouterr()
    assert "do not expire" in captured.err if family == "marketing" else "Refreshed connection" in captured.out
    if family == "marketing":
        assert f"(advertisers {', '.join(emu.advertiser_ids)})" in captured.out
    assert "airflow-tiktok auth login --conn-id" in captured.out  # how to use it again after revoking
    # After revoking, the token no longer works (Login Kit's whoami checks only the client key, so refresh).
    rc = main(["auth", "refresh" if family == "login_kit" else "whoami", "--conn-id", conn_id])
    captured_after = capsys.readouterr()
    assert rc == 1 and "auth login --conn-id " + conn_id in captured_after.err
    # The advice fits the family and fills in what the CLI knows from the connection.
    assert ("never expire" in captured_after.err) == (family == "marketing")
    assert "<family>" not in captured_after.err and "<app id>" not in captured_after.err
    assert f"--family {family} --app-id {creds(emu, family)[0]}" in captured_after.err
    assert "add --airflow-add" not in first.out  # login already ran with --airflow-add
    printed = first.out + first.err + captured.out + captured.err + captured_after.out + captured_after.err
    for secret in secrets_of(emu, family, conn):
        assert not secret or secret not in printed
    if family != "marketing":
        assert stored["access_token"] not in printed and stored["refresh_token"] not in printed


def test_show_secrets_prints_them_only_when_asked(tiktok_emulator, tmp_path):
    rc, output, out_file = run_login(tiktok_emulator, "accounts", tmp_path, "--show-secrets")
    conn = json.loads(out_file.read_text())["tt_cli"]
    assert rc == 0 and conn["extra"]["refresh_token"] in output and conn["password"] in output


def test_state_mismatch_is_rejected_before_any_token_request(tiktok_emulator, monkeypatch, capsys):
    emu = tiktok_emulator
    app_id, secret = creds(emu, "accounts")
    monkeypatch.setenv("TIKTOK_APP_SECRET", secret)
    port = free_port()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(
        ["auth", "login", "--family", "accounts", "--conn-id", "x", "--app-id", app_id, "--base-url", emu.base_url,
         "--redirect-uri", f"http://127.0.0.1:{port}/cb", "--timeout", "20"])))
    thread.start()
    deadline = time.monotonic() + 10
    while True:
        try:
            response = requests.get(f"http://127.0.0.1:{port}/cb?code=stolen&state=forged", timeout=5)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    thread.join(timeout=30)
    assert response.status_code == 200 and "stolen" not in response.text
    assert result == [2]  # a callback that is not ours is bad input, as in --paste mode
    assert "CSRF" in capsys.readouterr().err
    assert emu.count("/tt_user/oauth2/token/") == 0


def test_paste_mode_and_tiktok_error_advice(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    key, _secret = creds(emu, "login_kit")
    monkeypatch.delenv("TIKTOK_APP_SECRET", raising=False)
    read_fd, write_fd = os.pipe()
    stdin, feeder = os.fdopen(read_fd), os.fdopen(write_fd, "w")
    feeder.write("wrong-secret-value\n")  # piped secret (first line of stdin)
    feeder.flush()

    class Out:
        def __init__(self) -> None:
            self.text = ""
            self.url = threading.Event()

        def write(self, data: str) -> None:
            self.text += data
            if "/v2/auth/authorize/?" in self.text:
                self.url.set()

        def flush(self) -> None:
            pass

    out, err = Out(), Out()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(main(
        ["auth", "login", "--family", "login_kit", "--conn-id", "x", "--app-id", key, "--base-url", emu.base_url,
         "--redirect-uri", "https://example.com/tiktok/callback", "--paste"], out=out, err=err, stdin=stdin)))
    thread.start()
    assert out.url.wait(10)
    url = next(line.strip() for line in out.text.splitlines() if "/v2/auth/authorize/?" in line)
    redirect = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    feeder.write(redirect + "\n")
    feeder.flush()
    thread.join(timeout=30)
    assert result == [1]
    assert "invalid_client" in err.text and "check --app-id" in err.text
    assert "wrong-secret-value" not in out.text + err.text


def test_bad_input_exits_2_before_http(tiktok_emulator, monkeypatch, capsys):
    monkeypatch.setenv("TIKTOK_APP_SECRET", "x" * 10)
    rc = main(["auth", "login", "--family", "accounts", "--app-id", "1", "--base-url", tiktok_emulator.base_url,
               "--redirect-uri", "http://0.0.0.0:80/cb"])
    assert rc == 2 and "--paste" in capsys.readouterr().err
    assert tiktok_emulator.requests == []


def test_unknown_connection_exits_2_before_http(tiktok_emulator, capsys, airflow_db):
    assert main(["auth", "whoami", "--conn-id", "tt_cli_nowhere"]) == 2
    assert "'tt_cli_nowhere' not found in Airflow" in capsys.readouterr().err
    assert tiktok_emulator.requests == []


def test_forged_state_in_paste_mode_is_bad_input_exit_2(tiktok_emulator, monkeypatch):
    emu = tiktok_emulator
    key, secret = creds(emu, "login_kit")
    monkeypatch.setenv("TIKTOK_APP_SECRET", secret)
    read_fd, write_fd = os.pipe()
    stdin, feeder = os.fdopen(read_fd), os.fdopen(write_fd, "w")
    feeder.write("https://example.com/tiktok/callback?code=stolen&state=forged\n")  # pasted, not ours
    feeder.flush()
    err = io.StringIO()
    rc = main(["auth", "login", "--family", "login_kit", "--conn-id", "x", "--app-id", key, "--base-url",
               emu.base_url, "--redirect-uri", "https://example.com/tiktok/callback", "--paste",
               "--app-secret-env", "TIKTOK_APP_SECRET"], out=io.StringIO(), err=err, stdin=stdin)
    assert rc == 2 and "state" in err.getvalue()
    assert emu.count("/v2/oauth/token/") == 0
