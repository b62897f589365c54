"""``python -m airflow_provider_tiktok.testing.emulator``: the emulator as a process (see :mod:`.cli`)."""

from __future__ import annotations

import sys

from airflow_provider_tiktok.testing.emulator.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m airflow_provider_tiktok.testing.emulator"))
