"""pytest fixtures for the TikTok emulator: ``tiktok_emulator``, ``tiktok_emulator_factory``, ``tiktok_connection``,
``tiktok_memory_token_store``.

Opt-in (the provider registers no plugin in every pytest session): ``pytest -p
airflow_provider_tiktok.testing.pytest_plugin``, or in your top-level ``conftest.py``::

    pytest_plugins = ["airflow_provider_tiktok.testing.pytest_plugin"]

Import stays light: no Airflow import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from airflow_provider_tiktok.testing.emulator import TikTokEmulator


@pytest.fixture
def tiktok_emulator_factory() -> Iterator[Callable[..., TikTokEmulator]]:
    """Callable taking emulator knobs; returns a started emulator, stopped at teardown."""
    started: list[TikTokEmulator] = []

    def factory(**knobs: Any) -> TikTokEmulator:
        emu = TikTokEmulator(**knobs).start()
        started.append(emu)
        return emu

    yield factory
    for emu in started:
        emu.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "tiktok_emulator(**knobs): knobs for the tiktok_emulator / tiktok_connection fixtures"
    )


@pytest.fixture
def tiktok_emulator(
    tiktok_emulator_factory: Callable[..., TikTokEmulator], request: pytest.FixtureRequest
) -> TikTokEmulator:
    """A started emulator on a free loopback port.

    Knobs come from the closest ``@pytest.mark.tiktok_emulator(**knobs)`` marker, if any.
    """
    marker = request.node.get_closest_marker("tiktok_emulator")
    knobs = dict(marker.kwargs) if marker is not None else {}
    return tiktok_emulator_factory(**knobs)


@pytest.fixture
def tiktok_connection(tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch) -> TikTokEmulator:
    """Sets ``AIRFLOW_CONN_TIKTOK_DEFAULT`` to the emulator's Marketing connection; yields the emulator."""
    for key, value in tiktok_emulator.connection_env("tiktok_default").items():
        monkeypatch.setenv(key, value)
    return tiktok_emulator


@pytest.fixture
def tiktok_memory_token_store(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every ``TikTokHook`` of the test keeps refreshed tokens in one in-memory store (yielded), not in Airflow.

    Outside a task the default store is Airflow's CLI, a few seconds per read: use this where a test is about
    something other than where tokens persist.
    """
    from airflow_provider_tiktok.hooks.oauth import TikTokOAuthHookMixin
    from airflow_provider_tiktok.testing.context import InMemoryTokenStore

    store = InMemoryTokenStore()
    monkeypatch.setattr(TikTokOAuthHookMixin, "token_store", store)
    return store
