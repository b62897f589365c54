"""``RedisRateBudget``: one QPS budget for every process of a cluster, against a real ``redis-server``.

The test starts Debian's ``redis-server`` on loopback (installing it with apt-get when missing, as root, like CI)
and the TikTok emulator with an app QPS limit. Three processes and one asyncio client (standing for the
triggerer) draw from one budget and call the emulator: none is answered 40100 and together they send at the
budget's rate. Without the budget, the same emulator answers 40100 to a burst.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

from airflow_provider_tiktok.api.core.budget import RateBudget
from airflow_provider_tiktok.api.core.budget_redis import RateStoreUnavailableError, RedisRateBudget
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.testing import TikTokEmulator
from tests.system.cluster import RedisServer

EMULATOR_QPS = 20
#: The budget is set under TikTok's limit: on a busy 2-core test machine a request can reach the emulator's
#: handler several hundred milliseconds after it was booked, more than the budget's margin (0.1 s) absorbs.
BUDGET_QPS = 16.0
PROCESSES = 3
DRAW_SECONDS = 5.0


def _ensure_redis_library() -> None:
    """The ``redis`` extra (``pip install 'airflow-provider-tiktok[redis]'``), into this venv when missing."""
    try:
        import redis  # noqa: F401
    except ImportError:
        install = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "redis>=5.0"],
                                 capture_output=True, text=True, timeout=600)
        if install.returncode != 0:
            pytest.fail(f"pip install redis failed: {install.stderr.strip()[-1000:]}")


@pytest.fixture(scope="module")
def redis_library() -> None:
    _ensure_redis_library()


@pytest.fixture(scope="module")
def redis_url(redis_library: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    try:
        yield server.url
    finally:
        server.stop()


# -- construction and errors ----------------------------------------------------------------------------------

def test_is_a_rate_budget(redis_url: str) -> None:
    budget = RedisRateBudget(redis_url, {"*": 5}, "app1")
    assert isinstance(budget, RateBudget)
    assert budget.rate("report") == 5 and RedisRateBudget(redis_url, {"report": 2}, "a").rate("other") is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "127.0.0.1:6379", "", "redis//x"])
def test_bad_url_names_rate_limit_url(url: str) -> None:
    with pytest.raises(TikTokValidationError, match=r"rate_limit_url.*redis://host:6379"):
        RedisRateBudget(url, {"*": 5}, "app")


def test_password_never_in_messages(redis_library: None) -> None:
    url = "redis://user:s3cr3t-pass@127.0.0.1:1/0"
    budget = RedisRateBudget(url, {"*": 5}, "app", socket_timeout=0.5)
    assert "s3cr3t" not in repr(budget)
    with pytest.raises(RateStoreUnavailableError) as err:  # nothing listens on port 1
        budget.acquire("report")
    assert "s3cr3t" not in str(err.value) and "rate_limit_url" in str(err.value)
    assert "redis://127.0.0.1:1/0" in str(err.value) and err.value.retryable
    with pytest.raises(TikTokValidationError) as bad:
        RedisRateBudget("http://user:s3cr3t-pass@host/", {"*": 5}, "app")
    assert "s3cr3t" not in str(bad.value)


@pytest.mark.parametrize("qps", [0, -1, float("nan"), float("inf"), "fast", None])
def test_bad_rate_names_the_key(qps: Any) -> None:
    with pytest.raises(TikTokValidationError, match=r"qps_by_key\['report'\] must be a positive number"):
        RedisRateBudget("redis://127.0.0.1:1/0", {"report": qps}, "app")


def test_missing_library_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis -> ImportError
    with pytest.raises(TikTokValidationError, match=r"rate_limit_url.*pip install 'airflow-provider-tiktok\[redis\]'"):
        RedisRateBudget("redis://127.0.0.1:6379/0", {"*": 5}, "app")


def test_unlimited_key_needs_no_redis(redis_library: None) -> None:
    budget = RedisRateBudget("redis://127.0.0.1:1/0", {"report": 5}, "app", socket_timeout=0.5)
    started = time.monotonic()
    for _ in range(100):
        budget.acquire("oauth")  # no rate for "oauth" and no "*": no Redis round trip, no wait
    asyncio.run(budget.aacquire("oauth"))
    assert time.monotonic() - started < 0.5
    with pytest.raises(TikTokValidationError, match="cost"):
        budget.acquire("oauth", cost=0)


# -- pacing -----------------------------------------------------------------------------------------------------

def test_sync_and_async_share_one_schedule(redis_url: str) -> None:
    budget = RedisRateBudget(redis_url, {"report": 20, "*": 1000}, "pace")
    other = RedisRateBudget(redis_url, {"report": 20}, "pace")  # a second process, same namespace
    started = time.monotonic()
    for i in range(6):
        (budget if i % 2 else other).acquire("report")

    async def drain() -> None:
        await asyncio.gather(*(budget.aacquire("report") for _ in range(4)))
        await budget.aclose()

    asyncio.run(drain())
    elapsed = time.monotonic() - started
    # 10 requests at 20/s with a 0.1 s margin per 20: one every 0.055 s, the 10th leaves 0.495 s after the 1st
    assert budget.interval("report") == pytest.approx(0.055)
    assert 0.45 <= elapsed < 0.8, elapsed
    started = time.monotonic()
    budget.acquire("report", cost=1)  # the schedule is booked up to the last request: this one waits 1/20 s
    budget.acquire("other", cost=5)   # another key has its own schedule (1000/s)
    assert time.monotonic() - started < 0.2
    budget.close()
    other.close()


def test_namespaces_do_not_share(redis_url: str) -> None:
    one = RedisRateBudget(redis_url, {"*": 2}, "app-one")
    two = RedisRateBudget(redis_url, {"*": 2}, "app-two")
    started = time.monotonic()
    one.acquire("report")
    two.acquire("report")
    assert time.monotonic() - started < 0.3


# -- many processes against the emulator's app QPS limit -----------------------------------------------------

def _advertiser_info(session: Any, base: str, token: str, advertiser: str) -> int:
    answer = session.get(f"{base}/advertiser/info/", params={"advertiser_ids": json.dumps([advertiser])},
                         headers={"Access-Token": token}, timeout=10)
    return int(answer.json()["code"])


def _draw(url: str, base: str, token: str, advertiser: str, ready: Any, go: Any, start_at: Any, results: Any,
          name: str) -> None:
    """One worker process: from ``start_at`` for DRAW_SECONDS, acquire from the shared budget, then call TikTok."""
    budget = RedisRateBudget(url, {"*": BUDGET_QPS}, "cluster")
    session = requests.Session()
    ready.wait(timeout=90)
    go.wait(timeout=90)
    time.sleep(max(0.0, start_at.value - time.time()))
    sent: list[tuple[float, int]] = []
    while time.time() < start_at.value + DRAW_SECONDS:
        budget.acquire("advertiser")
        booked = time.time()
        sent.append((booked, _advertiser_info(session, base, token, advertiser)))
    results.put((name, sent))


async def _adraw(url: str, base: str, token: str, advertiser: str, start_at: float) -> list[tuple[float, int]]:
    """The triggerer's side: the same budget through ``aacquire`` on an event loop."""
    budget = RedisRateBudget(url, {"*": BUDGET_QPS}, "cluster")
    sent: list[tuple[float, int]] = []
    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        while time.time() < start_at + DRAW_SECONDS:
            await budget.aacquire("advertiser")
            booked = time.time()
            answer = await client.get(f"{base}/advertiser/info/", params={"advertiser_ids": json.dumps([advertiser])},
                                      headers={"Access-Token": token})
            sent.append((booked, int(answer.json()["code"])))
    await budget.aclose()
    budget.close()
    return sent


def _draw_in_processes(target: Any, args: tuple[Any, ...], loop: Any, *, ready_timeout: float,
                       result_timeout: float, before_start: Any = None) -> dict[str, Any]:
    """Run ``target(*args, ready, go, start_at, results, name)`` in PROCESSES spawned processes and ``loop(start_at)``
    (the event loop standing for the triggerer) here, all starting together; what each returned, by name."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, start_at, results = ctx.Barrier(PROCESSES + 1), ctx.Event(), ctx.Value("d", 0.0), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, ready, go, start_at, results, f"p{i}"), daemon=True)
             for i in range(PROCESSES)]
    for proc in procs:
        proc.start()
    try:
        ready.wait(timeout=ready_timeout)  # every process has imported and built its budget
        if before_start is not None:
            before_start()
        start_at.value = time.time() + 0.5
        go.set()
        drawn = {"loop": asyncio.run(loop(start_at.value))}
        for _ in procs:
            name, value = results.get(timeout=result_timeout)
            drawn[name] = value
        for proc in procs:
            proc.join(timeout=30)
            assert proc.exitcode == 0
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
    return drawn


def test_processes_and_an_event_loop_stay_inside_the_app_limit(redis_url: str, tmp_path: Path) -> None:
    with TikTokEmulator(app_qps=EMULATOR_QPS) as emu:
        base, token, advertiser = emu.api_url, emu.access_token, emu.advertiser_ids[0]
        with requests.Session() as session:  # the limit is real: an unpaced burst is answered 40100
            burst = [_advertiser_info(session, base, token, advertiser) for _ in range(EMULATOR_QPS + 10)]
        assert burst.count(40100) >= 5, burst
        time.sleep(1.1)  # let the emulator's 1-second window empty
        emu.reset_log()

        sent = _draw_in_processes(_draw, (redis_url, base, token, advertiser),
                                  lambda start: _adraw(redis_url, base, token, advertiser, start),
                                  ready_timeout=90, result_timeout=60)
        log = emu.requests

    codes = [code for rows in sent.values() for _, code in rows]
    assert codes.count(40100) == 0 and set(codes) == {0}, {c: codes.count(c) for c in set(codes)}
    assert not [r for r in log if r.get("code") == 40100]
    assert len(log) == len(codes)
    assert all(len(rows) >= 5 for rows in sent.values()), {k: len(v) for k, v in sent.items()}  # everyone drew
    # The rate all four sent at together, between the first and the last booking of the common window.
    times = sorted(t for rows in sent.values() for t, _ in rows)
    rate = (len(times) - 1) / (times[-1] - times[0])
    paced = 1 / RedisRateBudget(redis_url, {"*": BUDGET_QPS}, "cluster").interval("advertiser")
    (tmp_path / "rate.txt").write_text(f"{len(times)} requests, {rate:.2f}/s (budget {BUDGET_QPS}/s less its margin: "
                                       f"{paced:.2f}/s), per client { {k: len(v) for k, v in sent.items()} }\n")
    assert rate <= BUDGET_QPS and abs(rate - paced) <= 0.1 * paced, f"{rate:.2f} requests/s, budget {paced:.2f}"


def _hook_draw(conn_json: str, advertiser: str, ready: Any, go: Any, start_at: Any, results: Any, name: str) -> None:
    """One worker process using the provider as a task does: a TikTokHook whose connection names the store."""
    os.environ["AIRFLOW_CONN_TIKTOK_DEFAULT"] = conn_json
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    with TikTokHook() as hook:
        hook.get_conn()  # connection read, budget built
        ready.wait(timeout=120)
        go.wait(timeout=120)
        time.sleep(max(0.0, start_at.value - time.time()))
        count = 0
        while time.time() < start_at.value + DRAW_SECONDS:
            hook.get_advertiser_info([advertiser])
            count += 1
    results.put((name, count))


async def _hook_adraw(advertiser: str, start_at: float) -> int:
    """The triggerer's side: the async client of a TikTokHook, on an event loop."""
    from airflow_provider_tiktok.api.marketing import advertisers
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook

    hook = TikTokHook()
    await hook.aget_client()
    await asyncio.sleep(max(0.0, start_at - time.time()))
    count = 0
    try:
        while time.time() < start_at + DRAW_SECONDS:
            await hook.acall(advertisers.advertiser_info([advertiser]))
            count += 1
    finally:
        await hook.aclose()
    return count


def test_hooks_of_three_processes_and_an_event_loop_share_the_connections_budget(
        redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the real clients: the connection extra ``rate_limit_url`` puts every hook on one budget."""
    with TikTokEmulator(app_qps=EMULATOR_QPS) as emu:
        conn = emu.connection_dict()
        conn["extra"].update(rate_limit_url=redis_url, max_qps=BUDGET_QPS)
        conn_json = json.dumps(conn)
        monkeypatch.setenv("AIRFLOW_CONN_TIKTOK_DEFAULT", conn_json)
        advertiser = emu.advertiser_ids[0]
        counts = _draw_in_processes(_hook_draw, (conn_json, advertiser), lambda start: _hook_adraw(advertiser, start),
                                    ready_timeout=120, result_timeout=90, before_start=emu.reset_log)
        log = [r for r in emu.requests if r["path"] == "/advertiser/info/"]
    assert not [r for r in log if r.get("code") == 40100], "the shared budget let the app exceed TikTok's limit"
    assert all(count >= 5 for count in counts.values()), counts  # every process and the event loop drew
    assert len(log) == sum(counts.values())
    paced = 1 / RedisRateBudget(redis_url, {"*": BUDGET_QPS}, "x").interval("advertiser")
    rate = len(log) / DRAW_SECONDS
    assert abs(rate - paced) <= 0.1 * paced, f"{rate:.2f} requests/s through the hooks, budget {paced:.2f}/s"
