"""Stand-ins for the parts of an Airflow task context the provider's operators use.

For fast unit tests of DAG code without a scheduler, a database or ``dag.test()``::

    from airflow_provider_tiktok.testing.context import InMemoryStateStore, task_context

    store = InMemoryStateStore()                      # survives "retries" when reused
    result = TikTokRunReportOperator(...).execute(task_context(state_store=store))
    # context["ti"].xcoms holds what the operator pushed (report_task_id, advertiser_id)

No Airflow import: these are plain objects with the methods the operators call.
"""

from __future__ import annotations

from typing import Any


class InMemoryTokenStore:
    """Where refreshed Accounts API / Login Kit tokens are kept (``hooks.tokens.VariableBackend``), in a dict.

    For tests that are not about persisting tokens: ``TikTokHook(...).token_store = InMemoryTokenStore()``, or
    the pytest plugin's ``tiktok_memory_token_store`` fixture for every hook of a test. Outside a task the
    default store is Airflow's CLI (a few seconds per read).
    """

    confirms_writes = True

    def __init__(self) -> None:
        self.data: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str) -> None:
        self.data[key] = value


class InMemoryStateStore:
    """Airflow 3.3's per-task ``task_state_store``: keeps values across tries when reused."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


class RecordingTaskInstance:
    """The ``ti`` of a context: identifies the task instance and records what is pushed to XCom."""

    def __init__(self, dag_id: str = "tests", task_id: str = "task", run_id: str = "manual__1",
                 map_index: int = -1) -> None:
        self.dag_id, self.task_id, self.run_id, self.map_index = dag_id, task_id, run_id, map_index
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value


def task_context(*, state_store: InMemoryStateStore | None = None, ti: RecordingTaskInstance | None = None,
                 **extra: Any) -> dict[str, Any]:
    """A context dict with ``ti`` and ``task_state_store`` (plus ``extra``, e.g. a data interval)."""
    return {"ti": ti or RecordingTaskInstance(), "task_state_store": state_store or InMemoryStateStore(), **extra}


def rendered(operator: Any, **values: Any) -> Any:
    """``operator`` with template fields set as Airflow renders them at run time (no Jinja, no DAG run).

    Report-task operators keep their request keywords in ``request_params``; other fields are attributes.
    """
    params = getattr(operator, "request_params", {})
    for name, value in values.items():
        if name in params:
            params[name] = value
        else:
            setattr(operator, name, value)
    return operator


__all__ = ["InMemoryStateStore", "RecordingTaskInstance", "rendered", "task_context"]
