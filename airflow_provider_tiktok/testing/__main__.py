"""``python -m airflow_provider_tiktok.testing``: the emulator as a process (see :mod:`.emulator.cli`)."""

from __future__ import annotations

import sys

from airflow_provider_tiktok.testing.emulator.cli import main

if __name__ == "__main__":
    sys.exit(main())
