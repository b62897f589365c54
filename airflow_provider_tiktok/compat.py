"""Airflow names that moved between 3.1 and 3.2+, through ``apache-airflow-providers-common-compat``.

The common-compat provider (installed with Airflow 3) resolves each name from ``airflow.sdk`` where it
exists and from its older home otherwise; this module only adds :func:`default_deferrable`.
"""

from __future__ import annotations

from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    AirflowSensorTimeout,
    AirflowSkipException,
    conf,
)


def default_deferrable() -> bool:
    """``[operators] default_deferrable``: the default of every ``deferrable`` argument."""
    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


__all__ = [
    "AirflowException",
    "AirflowFailException",
    "AirflowSensorTimeout",
    "AirflowSkipException",
    "conf",
    "default_deferrable",
]
