"""Offline emulator of TikTok's APIs for testing ``airflow_provider_tiktok``.

Stdlib only (no Airflow import)::

    from airflow_provider_tiktok.testing import TikTokEmulator, Fault

    with TikTokEmulator(seed=1) as emu:
        emu.faults.add("/report/task/check/", Fault.code(40100), on_call=2)
        print(emu.base_url, emu.connection_json())
"""

from __future__ import annotations

from airflow_provider_tiktok.testing.config import DEFAULT_ADVERTISERS, EmulatorConfig
from airflow_provider_tiktok.testing.emulator import TikTokEmulator
from airflow_provider_tiktok.testing.faults import Fault, FaultPlan
from airflow_provider_tiktok.testing.state import TaskOutcome

__all__ = ["DEFAULT_ADVERTISERS", "EmulatorConfig", "Fault", "FaultPlan", "TaskOutcome", "TikTokEmulator"]
