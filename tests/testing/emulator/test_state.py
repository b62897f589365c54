"""Emulator state records."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.testing import TaskOutcome


def test_task_outcome_parse():
    assert TaskOutcome.parse("FAILED:x").message == "x"
    assert TaskOutcome.parse("FAILED").message
    assert TaskOutcome.parse({"status": "SUCCESS", "queuing_seconds": 3}).queuing_seconds == 3
    with pytest.raises(ValueError):
        TaskOutcome.parse("DONE")
