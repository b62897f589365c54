"""What a handler sees of the emulator: the :class:`Emulator` protocol and the route types.

Handlers are typed against this protocol rather than against ``TikTokEmulator`` (which imports
the handlers), so nothing in the emulator package imports its way back in a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from airflow_provider_tiktok.testing.emulator.config import EmulatorConfig
from airflow_provider_tiktok.testing.emulator.data import ReportPlan
from airflow_provider_tiktok.testing.emulator.state import State
from airflow_provider_tiktok.testing.emulator.validation import ReportQuery
from airflow_provider_tiktok.testing.emulator.wire import Request, Response


class Emulator(Protocol):
    """The emulator as the handlers use it (``TikTokEmulator`` is one)."""

    config: EmulatorConfig
    state: State

    @property
    def base_url(self) -> str: ...

    def make_plan(
        self, query: ReportQuery, *, sync: bool, row_limit: int | None = None, unbounded: bool = False
    ) -> ReportPlan: ...


Handler = Callable[[Emulator, Request], Response]


@dataclass(frozen=True)
class Route:
    handler: Handler
    auth: bool = True  # business endpoints: require the Access-Token header
