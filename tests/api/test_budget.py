"""Rate budgets: endpoint classes, TikTok's default rates and the per-process LocalRateBudget."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time

import pytest

from airflow_provider_tiktok.api.core.budget import (
    BASIC_TIER_QPS,
    LocalRateBudget,
    RateBudget,
    default_qps,
    endpoint_class,
)
from airflow_provider_tiktok.testing.emulator.ratelimit import peak_per_window


class FakeClock:
    """A clock that only moves when the budget sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(("path", "key"), [
    ("/report/integrated/get/", "/report/integrated/get/"),
    ("/open_api/v1.3/report/integrated/get/?page=2", "/report/integrated/get/"),
    ("https://business-api.tiktok.com/open_api/v1.3/report/task/create/", "/report/task/create/"),
    ("/Report/Task/Check", "/report/task/check/"),
    ("/", "/"),
])
def test_endpoint_class_is_the_bare_endpoint_path(path: str, key: str) -> None:
    assert endpoint_class(path) == key


def test_default_rates_are_tiktoks_basic_tier() -> None:
    assert default_qps() == {"*": 10.0, "/report/task/create/": 2.0} == dict(BASIC_TIER_QPS)
    # A higher tier raises every endpoint except the task creation limit, which holds at every tier.
    assert default_qps(20) == {"*": 20.0, "/report/task/create/": 2.0}
    assert default_qps(1.5) == {"*": 1.5, "/report/task/create/": 1.5}
    with pytest.raises(ValueError, match="max_qps must be a positive number"):
        default_qps(0)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True, "10"])
def test_bad_rates_are_refused_with_the_key(bad: object) -> None:
    with pytest.raises(ValueError, match=r"qps_by_key\['\*'\]"):
        LocalRateBudget({"*": bad})  # type: ignore[dict-item]


def test_it_implements_the_protocol() -> None:
    assert isinstance(LocalRateBudget({"*": 1}), RateBudget)


def test_requests_are_spread_evenly_inside_the_limit() -> None:
    clock = FakeClock()
    budget = LocalRateBudget({"*": 10}, margin=0.1, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(25):
        budget.acquire("/report/integrated/get/")
        sent.append(clock.now)
    # 10 per (1 + 0.1) s, one every 0.11 s: a second holds 10 even if one is delayed by up to 0.1 s.
    assert sent == pytest.approx([100 + 0.11 * i for i in range(25)])
    assert peak_per_window(sent) <= 10
    assert peak_per_window([t + (0.099 if i % 10 == 0 else 0) for i, t in enumerate(sent)]) <= 10


def test_keys_have_their_own_windows_and_the_star_fallback() -> None:
    clock = FakeClock()
    budget = LocalRateBudget({"*": 10, "/report/task/create/": 2}, margin=0, clock=clock, sleep=clock.sleep)
    budget.acquire("/report/task/create/")
    budget.acquire("/report/task/check/")  # another class: not held back by the first
    assert clock.sleeps == []
    budget.acquire("/report/task/create/")
    assert clock.sleeps == [pytest.approx(0.5)]  # 2 per second
    budget.acquire("/report/task/check/")  # its 0.1 s passed meanwhile
    assert clock.sleeps == [pytest.approx(0.5)]


def test_a_key_without_rate_is_not_limited() -> None:
    clock = FakeClock()
    budget = LocalRateBudget({"/report/task/create/": 1}, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        budget.acquire("/report/integrated/get/")
    assert clock.sleeps == []


def test_fractional_rates_and_costs() -> None:
    clock = FakeClock()
    budget = LocalRateBudget({"*": 0.5}, margin=0, clock=clock, sleep=clock.sleep)
    budget.acquire("k")
    budget.acquire("k")
    assert clock.now == pytest.approx(102.0)  # one request per 2 s
    clock2 = FakeClock()
    budget2 = LocalRateBudget({"*": 2.5}, margin=0, clock=clock2, sleep=clock2.sleep)
    budget2.acquire("k", cost=5)  # 2 per 0.8 s: the 5th slot opens at 1.6 s
    assert clock2.now == pytest.approx(101.6)
    with pytest.raises(ValueError, match="cost"):
        budget2.acquire("k", cost=0)


def test_threads_sharing_one_budget_never_exceed_it() -> None:
    budget = LocalRateBudget({"*": 20}, margin=0.02)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(6):
            budget.acquire("/report/integrated/get/")
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(10)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(stamps) == 60
    assert peak_per_window(stamps) <= 20
    # 60 requests at 20 per (1 + 0.02) s, evenly spread: the last one starts 59 x 0.051 s after the first.
    assert time.monotonic() - started >= 59 * 0.051 - 0.01


def test_coroutines_and_threads_draw_from_the_same_windows() -> None:
    budget = LocalRateBudget({"*": 5}, margin=0.02)
    stamps: list[float] = []

    async def many() -> None:
        async def one() -> None:
            await budget.aacquire("/report/task/check/")
            stamps.append(time.monotonic())

        ticker_ran = []

        async def ticker() -> None:  # the event loop is never blocked by a waiting acquire
            for _ in range(5):
                ticker_ran.append(time.monotonic())
                await asyncio.sleep(0.1)

        await asyncio.gather(ticker(), *(one() for _ in range(8)))
        assert len(ticker_ran) == 5

    thread = threading.Thread(target=lambda: [budget.acquire("/report/task/check/") or stamps.append(time.monotonic())
                                              for _ in range(2)])
    thread.start()
    asyncio.run(many())
    thread.join()
    assert len(stamps) == 10
    assert peak_per_window(stamps) <= 5


def test_a_late_wake_up_pushes_the_later_sends_back() -> None:
    """A thread that oversleeps (a busy machine) must not leave right before the next one."""
    clock = FakeClock()
    late = {3: 0.08}  # the 4th wait (before the 5th send) oversleeps by 0.08 s

    def sleep(seconds: float) -> None:
        clock.sleep(seconds + late.pop(len(clock.sleeps), 0.0))

    budget = LocalRateBudget({"*": 10}, margin=0.1, clock=clock, sleep=sleep)
    sent = []
    for _ in range(8):
        budget.acquire("/report/integrated/get/")
        sent.append(clock.now)
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) == pytest.approx(0.11)
    assert gaps[3] == pytest.approx(0.19)  # the late one left 0.08 s late ...
    assert sent[5] == pytest.approx(sent[4] + 0.11)  # ... and the next one a spacing after it, not on plan


def test_a_reserved_slot_is_checked_again_against_the_real_last_send() -> None:
    """Two threads whose slots follow each other: the first wakes late, the second waits one spacing more."""
    clock = FakeClock()
    budget = LocalRateBudget({"*": 10}, margin=0.1, clock=clock, sleep=clock.sleep)
    budget.acquire("k")  # sent at 100.0
    first, delay_first = budget._reserve("k", 1)
    second, delay_second = budget._reserve("k", 1)
    assert (delay_first, delay_second) == (pytest.approx(0.11), pytest.approx(0.22))
    clock.now = 100.30  # the first wakes late, after the second's slot
    assert budget._release(first, 1) == 0.0
    assert budget._release(second, 1) == pytest.approx(0.11)  # not at once: one spacing after the first
    clock.now = 100.41
    assert budget._release(second, 1) == 0.0
