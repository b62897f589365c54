from __future__ import annotations

from airflow_provider_tiktok.testing.context import InMemoryStateStore, RecordingTaskInstance, task_context


def test_state_store_survives_tries_when_reused():
    store = InMemoryStateStore()
    task_context(state_store=store)["task_state_store"].set("tiktok_report_task", {"task_id": "1"})
    assert task_context(state_store=store)["task_state_store"].get("tiktok_report_task") == {"task_id": "1"}
    store.delete("tiktok_report_task")
    assert store.get("tiktok_report_task", "gone") == "gone"


def test_context_records_xcoms_and_takes_extras():
    ctx = task_context(ti=RecordingTaskInstance("dag", "create", map_index=2), data_interval_start=None)
    ctx["ti"].xcom_push("report_task_id", "42")
    assert ctx["ti"].xcoms == {"report_task_id": "42"} and ctx["ti"].map_index == 2
    assert "data_interval_start" in ctx and isinstance(ctx["task_state_store"], InMemoryStateStore)


def test_rendered_sets_request_keywords_and_attributes():
    from airflow_provider_tiktok.testing.context import rendered

    class Op:
        def __init__(self):
            self.request_params = {"report_end_date": "{{ ds }}"}
            self.destination = "{{ params.d }}"

    op = rendered(Op(), report_end_date="2024-01-02", destination="file:///x.csv")
    assert op.request_params == {"report_end_date": "2024-01-02"} and op.destination == "file:///x.csv"
