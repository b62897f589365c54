"""TikTokBaseHook's rate budget: built from the connection extras, shared by every hook of the process."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import types
from typing import Any

import pytest

from airflow_provider_tiktok.api.core.budget import LocalRateBudget
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing import advertisers
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.testing import TikTokEmulator


def use_connection(monkeypatch: pytest.MonkeyPatch, emu: TikTokEmulator, conn_id: str = "tiktok_default",
                   **extra: Any) -> None:
    conn = emu.connection_dict(conn_id)
    conn["extra"].update(extra)
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(conn))


def test_default_budget_is_tiktoks_basic_tier_and_shared(tiktok_emulator: TikTokEmulator,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    use_connection(monkeypatch, tiktok_emulator)
    use_connection(monkeypatch, tiktok_emulator, "tiktok_other")
    one, two, other = TikTokHook(), TikTokHook(), TikTokHook("tiktok_other")
    budget = one.get_conn().budget
    assert isinstance(budget, LocalRateBudget)
    assert budget.qps_by_key == {"*": 10.0, "/report/task/create/": 2.0}
    # Same app on the same host: one budget for every hook (and connection) of the process, sync and async.
    assert two.get_conn().budget is budget and other.get_conn().budget is budget
    assert asyncio.run(one.aget_client()).budget is budget


def test_max_qps_extra_sets_the_rate(tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    use_connection(monkeypatch, tiktok_emulator, max_qps=20)
    budget = TikTokHook().get_conn().budget
    assert isinstance(budget, LocalRateBudget)
    assert budget.qps_by_key == {"*": 20.0, "/report/task/create/": 2.0}


@pytest.mark.parametrize("bad", [0, -3, "fast", True])
def test_bad_max_qps_names_the_field(tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch,
                                     bad: Any) -> None:
    use_connection(monkeypatch, tiktok_emulator, max_qps=bad)
    with pytest.raises(TikTokValidationError, match=r"'Max QPS' \(extra max_qps\) must be a positive number"):
        TikTokHook().get_conn()
    assert tiktok_emulator.requests == []


def test_rate_limit_url_without_the_cluster_module_is_a_clear_error(
        tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "airflow_provider_tiktok.api.core.budget_redis", None)  # import fails
    use_connection(monkeypatch, tiktok_emulator, rate_limit_url="redis://127.0.0.1:1/0")
    with pytest.raises(TikTokValidationError, match=r"'Rate limit URL' \(extra rate_limit_url\) needs the "
                                                    "cluster-wide budget"):
        TikTokHook().get_conn()
    use_connection(monkeypatch, tiktok_emulator, rate_limit_url="not a url")
    with pytest.raises(TikTokValidationError, match="must be a URL"):
        TikTokHook().get_conn()


def test_rate_limit_url_builds_the_cluster_budget(tiktok_emulator: TikTokEmulator,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[Any, ...]] = []

    class FakeRedisBudget:
        def __init__(self, url: str, qps_by_key: dict[str, float], *, namespace: str) -> None:
            built.append((url, dict(qps_by_key), namespace))

        def acquire(self, key: str, cost: int = 1) -> None: ...

        async def aacquire(self, key: str, cost: int = 1) -> None: ...

    module = types.ModuleType("airflow_provider_tiktok.api.core.budget_redis")
    module.RedisRateBudget = FakeRedisBudget  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    use_connection(monkeypatch, tiktok_emulator, rate_limit_url="redis://127.0.0.1:6379/3", max_qps=30)
    budget = TikTokHook().get_conn().budget
    assert isinstance(budget, FakeRedisBudget)
    assert built == [("redis://127.0.0.1:6379/3", {"*": 30.0, "/report/task/create/": 2.0},
                      tiktok_emulator.app_id)]


@pytest.mark.tiktok_emulator(endpoint_qps=4)
def test_hooks_in_threads_stay_inside_the_apps_qps(tiktok_emulator: TikTokEmulator,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    use_connection(monkeypatch, tiktok_emulator, max_qps=4)
    errors: list[BaseException] = []

    def worker() -> None:
        hook = TikTokHook()
        try:
            for _ in range(3):
                hook.call(advertisers.advertiser_info(tiktok_emulator.advertiser_ids[:1]))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            hook.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert tiktok_emulator.codes("/advertiser/info/") == {0: 12}  # no 40100: no retry was needed
    assert tiktok_emulator.peak_qps("/advertiser/info/") <= 4
