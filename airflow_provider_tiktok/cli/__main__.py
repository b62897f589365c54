"""``python -m airflow_provider_tiktok.cli`` = ``airflow-tiktok``."""

import sys

from airflow_provider_tiktok.cli import main

sys.exit(main())
