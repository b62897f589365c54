"""pytest fixtures for the TikTok emulator (registered as a ``pytest11`` entry point).

Import stays light: no Airflow import at module level.
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


@pytest.fixture
def tiktok_emulator(tiktok_emulator_factory: Callable[..., TikTokEmulator]) -> TikTokEmulator:
    """A started emulator with default knobs on a free loopback port."""
    return tiktok_emulator_factory()


@pytest.fixture
def tiktok_connection(tiktok_emulator: TikTokEmulator, monkeypatch: pytest.MonkeyPatch) -> TikTokEmulator:
    """Sets ``AIRFLOW_CONN_TIKTOK_DEFAULT`` to the emulator's Marketing connection; yields the emulator."""
    for key, value in tiktok_emulator.connection_env("tiktok_default").items():
        monkeypatch.setenv(key, value)
    return tiktok_emulator
