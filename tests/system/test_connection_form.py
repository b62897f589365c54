"""The TikTok connection form in Airflow's real UI, in headless Chromium.

Starts ``airflow api-server`` in a temporary ``AIRFLOW_HOME``, opens Admin → Connections → Add Connection,
picks the type "TikTok" and checks the labels, the hidden standard fields and the masked secret inputs.
The screenshot lands in the test's temp dir; set ``TIKTOK_UPDATE_SCREENSHOT=1`` to refresh
``docs/connection-form.png`` (the README's picture).

The browser is Debian's ``chromium`` driven by Playwright from PyPI (never ``playwright install``). When it is
missing, the test installs it with apt-get (as root, e.g. in CI); it fails with a clear message when it cannot,
and skips only when the package mirror is unreachable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from airflow import __version__ as airflow_version
from packaging.version import Version

from airflow_provider_tiktok.connection import CONN_FIELDS, UI_FIELD_BEHAVIOUR

from .conftest import REPO

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SECRET_EXTRAS = [name for name, d in CONN_FIELDS.items() if d["schema"].get("format") == "password"]
#: Airflow 3.1's React form has no masked input for extra fields (it ignores ``format: password``).
UI_MASKS_SECRET_EXTRAS = Version(airflow_version) >= Version("3.2")


def ensure_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        pytest.fail("Chromium is missing: install the Debian packages `chromium chromium-driver` "
                    "(apt-get install -y chromium chromium-driver, as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run([apt, "update"], env=env, capture_output=True, text=True, timeout=600)
    unreachable = "Failed to fetch" in update.stderr or "Could not resolve" in update.stderr
    install = subprocess.run([apt, "install", "-y", "chromium", "chromium-driver"], env=env,
                             capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    if install.returncode == 0 and Path(CHROMIUM).exists():
        return CHROMIUM
    if unreachable:
        pytest.skip(f"apt mirror unreachable, cannot install chromium: {update.stderr.strip()[-300:]}")
    pytest.fail(f"apt-get install chromium failed ({install.returncode}): {install.stderr.strip()[-1000:]}")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from .conftest import AirflowStack

    home = tmp_path_factory.mktemp("airflow-ui")
    (home / "dags").mkdir()
    stack = AirflowStack(home, home / "dags")
    try:
        stack.migrate()
        stack.start_api_server()
        stack.wait_healthy()
        yield stack
    finally:
        stack.stop()


def test_hook_meta_describes_tiktok_fields(api_server: Any) -> None:
    """What the form is built from: ``/ui/connections/hook_meta`` on this Airflow version."""
    token = httpx.post(f"{api_server.base_url}/auth/token", timeout=10)
    if token.status_code >= 400:  # older SimpleAuthManager: GET
        token = httpx.get(f"{api_server.base_url}/auth/token", timeout=10)
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    meta = httpx.get(f"{api_server.base_url}/ui/connections/hook_meta", headers=headers, timeout=30).json()
    tiktok = next(m for m in meta if m["connection_type"] == "tiktok")
    assert tiktok["hook_name"] == "TikTok"
    assert set(tiktok["extra_fields"]) == set(CONN_FIELDS)
    for name, definition in CONN_FIELDS.items():
        schema = tiktok["extra_fields"][name]["schema"]
        assert schema["title"] == definition["label"]
        assert (schema.get("format") == "password") == (name in SECRET_EXTRAS), name
    standard = tiktok["standard_fields"]
    for hidden in UI_FIELD_BEHAVIOUR["hidden-fields"]:
        key = "url_schema" if hidden == "schema" else hidden
        assert standard[key]["hidden"] is True, hidden
    assert standard["login"]["title"] == UI_FIELD_BEHAVIOUR["relabeling"]["login"]
    assert standard["password"]["title"] == UI_FIELD_BEHAVIOUR["relabeling"]["password"]


def test_connection_form_in_chromium(api_server: Any, tmp_path: Path) -> None:
    executable = ensure_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: pip install -e '.[test]' (it drives Debian's chromium)")

    screenshot = tmp_path / "connection-form.png"
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000})
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{api_server.base_url}/")
            page.get_by_role("button", name="Admin").click()
            page.get_by_role("menuitem", name="Connections").click()
            page.get_by_role("button", name="Add Connection").click()
            page.get_by_role("combobox").first.click()
            page.keyboard.type("TikTok")
            page.keyboard.press("Enter")

            # Standard fields: relabelled login/password, secret masked, host/schema/port hidden.
            login = page.locator("input[name=login]")
            login.wait_for()
            assert page.locator("input[name=password]").get_attribute("type") == "password"
            assert login.get_attribute("placeholder") == UI_FIELD_BEHAVIOUR["placeholders"]["login"]
            for hidden in UI_FIELD_BEHAVIOUR["hidden-fields"]:
                assert page.locator(f"input[name={hidden}]").count() == 0, f"{hidden} should be hidden"

            page.get_by_role("button", name="Extra Fields", exact=True).click()
            page.locator("input[name=element_base_url]").wait_for()
            labels = {" ".join(text.replace("*", "").split()) for text in page.locator("label").all_inner_texts()}
            expected = {*UI_FIELD_BEHAVIOUR["relabeling"].values(), *(d["label"] for d in CONN_FIELDS.values())}
            assert expected <= labels, f"missing labels: {expected - labels}"
            for name, definition in CONN_FIELDS.items():
                if "enum" in definition["schema"]:
                    continue  # rendered as a dropdown (react-select), checked through its label
                field = page.locator(f"input[name=element_{name}]")
                assert field.count() == 1, f"no input for {name}"
                if name in SECRET_EXTRAS and UI_MASKS_SECRET_EXTRAS:
                    assert field.get_attribute("type") == "password", f"{name} is not masked"

            dialog = page.get_by_role("dialog")
            height = int(dialog.evaluate("el => el.scrollHeight")) + 120
            page.set_viewport_size({"width": 1280, "height": max(1000, height)})
            dialog.screenshot(path=str(screenshot))
        finally:
            browser.close()

    assert screenshot.stat().st_size > 10_000
    if os.environ.get("TIKTOK_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(screenshot, REPO / "docs" / "connection-form.png")
