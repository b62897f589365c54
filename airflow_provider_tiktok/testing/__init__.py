"""Test helpers for ``airflow_provider_tiktok``: an offline TikTok API emulator and Airflow helpers.

* :mod:`.emulator` - the emulator (stdlib only, no Airflow import); its public names are re-exported
  here::

      from airflow_provider_tiktok.testing import TikTokEmulator, Fault

      with TikTokEmulator(seed=1) as emu:
          emu.faults.add("/report/task/check/", Fault.code(40100), on_call=2)
          print(emu.base_url, emu.connection_json())

* :mod:`.context` (task-context stand-ins), :mod:`.dagrun` (``airflow dags test`` runner),
  :mod:`.demo` (``make demo``), :mod:`.pytest_plugin` (opt-in fixtures). They import the emulator,
  never the other way round; importing this package imports no Airflow either.
"""

from __future__ import annotations

from airflow_provider_tiktok.testing.emulator import (
    DEFAULT_ADVERTISERS,
    EmulatorConfig,
    Fault,
    FaultPlan,
    TaskOutcome,
    TikTokEmulator,
)

__all__ = ["DEFAULT_ADVERTISERS", "EmulatorConfig", "Fault", "FaultPlan", "TaskOutcome", "TikTokEmulator"]
