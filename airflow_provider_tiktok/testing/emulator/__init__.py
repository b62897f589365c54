"""Offline emulator of TikTok's APIs (Marketing API, Accounts API, Login Kit) on loopback HTTP.

Stdlib only: nothing in this package imports Airflow. Layout, leaves first:

* ``constants``, ``config``, ``xlsx``, ``ratelimit``, ``requestlog`` - no emulator imports;
* ``wire`` (errors, request/response, envelope, redaction, socket writer), ``faults``, ``state``;
* ``params`` / ``auth`` (request decoding, Access-Token), ``validation`` / ``data`` (report queries
  and their deterministic rows);
* ``interface`` - the :class:`~.interface.Emulator` protocol the ``handlers`` are typed against;
* ``handlers.*`` (one module per API family), ``routing`` (the route table), ``server``
  (HTTP server and dispatcher), ``core`` (:class:`TikTokEmulator`, which wires it all), ``cli``.
"""

from __future__ import annotations

from airflow_provider_tiktok.testing.emulator.config import DEFAULT_ADVERTISERS, EmulatorConfig
from airflow_provider_tiktok.testing.emulator.core import TikTokEmulator
from airflow_provider_tiktok.testing.emulator.faults import Fault, FaultPlan
from airflow_provider_tiktok.testing.emulator.state import TaskOutcome

__all__ = ["DEFAULT_ADVERTISERS", "EmulatorConfig", "Fault", "FaultPlan", "TaskOutcome", "TikTokEmulator"]
