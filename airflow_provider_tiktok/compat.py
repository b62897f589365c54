"""Imports that moved between Airflow 3.1 and 3.2+ (the provider supports 3.1 to 3.3)."""

from __future__ import annotations

try:  # Airflow >= 3.2
    from airflow.sdk import conf
except ImportError:  # pragma: no cover - Airflow 3.1
    from airflow.configuration import conf  # type: ignore[no-redef]

try:  # Airflow >= 3.2
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        AirflowSkipException,
    )
except ImportError:  # pragma: no cover - Airflow 3.1
    from airflow.exceptions import (  # type: ignore[no-redef]
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        AirflowSkipException,
    )


def default_deferrable() -> bool:
    """``[operators] default_deferrable``: the default of every ``deferrable`` argument."""
    return conf.getboolean("operators", "default_deferrable", fallback=False)


__all__ = [
    "AirflowException",
    "AirflowFailException",
    "AirflowSensorTimeout",
    "AirflowSkipException",
    "conf",
    "default_deferrable",
]
