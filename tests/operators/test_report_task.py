"""Create / check / cancel / run operators against the emulator over loopback HTTP."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException, AirflowSensorTimeout
from airflow_provider_tiktok.operators._report_common import ReportTaskMemo
from airflow_provider_tiktok.operators.report_task import (
    TikTokCancelReportTaskOperator,
    TikTokCheckReportTaskOperator,
    TikTokCreateReportTaskOperator,
    TikTokRunReportOperator,
)
from airflow_provider_tiktok.testing.context import InMemoryStateStore, RecordingTaskInstance, task_context
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger

try:
    from airflow.sdk.exceptions import TaskDeferred
except ImportError:  # Airflow 3.1
    from airflow.exceptions import TaskDeferred

CREATE = "/report/task/create/"


def context(store: InMemoryStateStore | None = None) -> dict:
    return task_context(state_store=store, ti=RecordingTaskInstance("dag", "report"))


def request_kwargs(emu, **overrides):
    return {"report_type": "BASIC", "dimensions": ["campaign_id", "stat_time_day"], "data_level": "AUCTION_CAMPAIGN",
            "metrics": ["spend", "impressions"], "advertiser_id": emu.advertiser_ids[0],
            "report_start_date": "2024-05-01", "report_end_date": "2024-05-03", **overrides}


def test_create_pushes_ids_and_sends_every_parameter(tiktok_connection):
    emu = tiktok_connection
    op = TikTokCreateReportTaskOperator(task_id="create", **request_kwargs(emu, output_format="CSV_DOWNLOAD",
                                                                            file_name="weekly"))
    ctx = context()
    info = op.execute(ctx)
    assert ctx["ti"].xcoms == {"report_task_id": info["report_task_id"], "advertiser_id": emu.advertiser_ids[0]}
    params = emu.task(info["report_task_id"])["params"]
    assert params["enable_report_title_translation"] is False and params["file_name"] == "weekly"
    assert (info["start_date"], info["end_date"], info["output_format"]) == ("2024-05-01", "2024-05-03",
                                                                             "CSV_DOWNLOAD")


@pytest.mark.parametrize(
    ("kwargs", "fix"),
    [({"report_type": "PLAYABLE_MATERIAL"}, "PLAYABLE_MATERIAL"), ({"output_format": "PDF"}, "output_format"),
     ({"dimensions": []}, "dimensions"), ({"advertiser_ids": [str(i) for i in range(6)]}, "at most 5")],
)
def test_static_bad_input_fails_at_construction(tiktok_emulator, kwargs, fix):
    with pytest.raises(TikTokValidationError, match=fix):
        TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(tiktok_emulator, **kwargs))


def test_templated_bad_input_fails_before_http(tiktok_connection):
    emu = tiktok_connection
    with pytest.raises(TikTokValidationError, match="report_start_date 2024-06-01 is after report_end_date"):
        TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu, report_start_date="2024-06-01"))
    op = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu, report_start_date="{{ ds }}"))
    op.request_params["report_start_date"] = "2024-06-01"  # as rendered at run time
    with pytest.raises(AirflowFailException, match="report_start_date 2024-06-01 is after report_end_date"):
        op.execute(context())
    op.request_params["report_start_date"] = "None"  # a template that rendered to nothing usable
    with pytest.raises(AirflowFailException, match="report_start_date must be a date"):
        op.execute(context())
    with pytest.raises(TikTokValidationError, match=r"not a valid ObjectStoragePath|URI with a scheme"):
        TikTokRunReportOperator(task_id="r", destination="no-scheme.csv", **request_kwargs(emu))
    assert emu.requests == []


def test_check_and_cancel(tiktok_connection):
    emu = tiktok_connection
    info = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context())
    ids = {"report_task_id": info["report_task_id"], "advertiser_id": info["advertiser_id"]}
    emu.set_task_outcome(info["report_task_id"], "SUCCESS", queuing_seconds=60)
    assert TikTokCheckReportTaskOperator(task_id="k", **ids).execute(context()) == "QUEUING"
    assert TikTokCancelReportTaskOperator(task_id="x", **ids).execute(context()) == "CANCELED"
    with pytest.raises(AirflowFailException, match="CANCELED"):
        TikTokCheckReportTaskOperator(task_id="k", **ids).execute(context())
    failed = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context())
    emu.set_task_outcome(failed["report_task_id"], "FAILED", "disk on fire", queuing_seconds=0, processing_seconds=0)
    with pytest.raises(AirflowFailException, match="disk on fire"):
        TikTokCheckReportTaskOperator(task_id="k", report_task_id=failed["report_task_id"],
                                      advertiser_id=failed["advertiser_id"]).execute(context())


def test_run_sync_downloads_exact_csv(tiktok_connection, tmp_path):
    emu = tiktok_connection
    dest = tmp_path / "out" / "report.csv"
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{dest}", poll_interval=0.1, deferrable=False,
                                 **request_kwargs(emu))
    store = InMemoryStateStore()
    result = op.execute(context(store))
    expected = emu.expected_report_csv(result["report_task_id"])
    assert dest.read_bytes() == expected
    assert result["rows"] == expected.count(b"\n") - 1 and result["bytes"] == len(expected)
    assert store.data == {}  # forgotten once downloaded


def test_run_retry_after_crash_reconnects_to_the_same_task(tiktok_connection, tmp_path, monkeypatch):
    """Try 1 dies after create (worker crash while waiting); try 2 must not create a second TikTok task."""
    emu = tiktok_connection
    dest = tmp_path / "report.csv"
    store = InMemoryStateStore()
    kwargs = dict(task_id="run", destination=f"file://{dest}", poll_interval=0.1, deferrable=False,
                  **request_kwargs(emu))

    class WorkerCrash(BaseException):
        pass

    def crash(*args, **kwargs):
        raise WorkerCrash

    with monkeypatch.context() as patch, pytest.raises(WorkerCrash):
        patch.setattr("airflow_provider_tiktok.hooks.tiktok.TikTokHook.wait_for_report_task", crash)
        TikTokRunReportOperator(**kwargs).execute(context(store))
    assert emu.count(CREATE) == 1 and not dest.exists()

    result = TikTokRunReportOperator(**kwargs).execute(context(store))  # the retry: a fresh operator instance
    assert emu.count(CREATE) == 1
    assert dest.read_bytes() == emu.expected_report_csv(result["report_task_id"])


def test_run_retry_after_remembered_task_failed_creates_a_new_one(tiktok_connection, tmp_path):
    emu = tiktok_connection
    first = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context())
    emu.set_task_outcome(first["report_task_id"], "FAILED", "boom", queuing_seconds=0, processing_seconds=0)
    store = InMemoryStateStore()
    store.set(ReportTaskMemo.KEY, first)
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path / 'r.csv'}", poll_interval=0.1,
                                 deferrable=False, **request_kwargs(emu))
    result = op.execute(context(store))
    assert result["report_task_id"] != first["report_task_id"] and emu.count(CREATE) == 2


def test_run_timeout_cancels_and_forgets(tiktok_connection, tmp_path):
    emu = tiktok_connection
    emu.config.queuing_seconds = 600
    store = InMemoryStateStore()
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path / 'r.csv'}", poll_interval=0.1,
                                 wait_timeout=0.3, deferrable=False, **request_kwargs(emu))
    with pytest.raises(AirflowSensorTimeout):
        op.execute(context(store))
    assert emu.tasks[0]["status"] == "CANCELED" and store.data == {}


def test_run_deferrable_defers_then_downloads(tiktok_connection, tmp_path):
    emu = tiktok_connection
    emu.config.queuing_seconds = 600
    dest = tmp_path / "r.csv"
    store = InMemoryStateStore()
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{dest}", poll_interval=5, deferrable=True,
                                 **request_kwargs(emu))
    ctx = context(store)
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(ctx)
    trigger = deferred.value.trigger
    assert isinstance(trigger, TikTokReportTaskTrigger) and deferred.value.method_name == "execute_complete"
    task_id = ctx["ti"].xcoms["report_task_id"]
    emu.set_task_outcome(task_id, "SUCCESS", queuing_seconds=0, processing_seconds=0)
    event = {"status": "success", "message": "", "report_task_id": task_id, "advertiser_id": trigger.advertiser_id,
             "report_status": "SUCCESS"}
    result = op.execute_complete(context(store), event)
    assert dest.read_bytes() == emu.expected_report_csv(task_id) and result["start_date"] == "2024-05-01"


def test_run_deferrable_failed_event_fails_without_retry(tiktok_connection, tmp_path):
    emu = tiktok_connection
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path / 'r.csv'}", deferrable=True,
                                 **request_kwargs(emu))
    store = InMemoryStateStore()
    store.set(ReportTaskMemo.KEY, {"report_task_id": "1", "advertiser_id": emu.advertiser_ids[0]})
    with pytest.raises(AirflowFailException, match="no quota"):
        op.execute_complete(context(store), {"status": "failed", "message": "no quota", "report_task_id": "1",
                                             "advertiser_id": emu.advertiser_ids[0]})
    assert store.data == {}


def test_run_on_kill_cancels_the_tiktok_task(tiktok_connection, tmp_path, monkeypatch):
    emu = tiktok_connection
    emu.config.queuing_seconds = 600
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path / 'r.csv'}", deferrable=False,
                                 **request_kwargs(emu))

    def killed(*args, **kwargs):
        op.on_kill()  # Airflow calls on_kill from the signal handler while execute waits
        raise KeyboardInterrupt

    monkeypatch.setattr("airflow_provider_tiktok.hooks.tiktok.TikTokHook.wait_for_report_task", killed)
    with pytest.raises(KeyboardInterrupt):
        op.execute(context())
    assert emu.tasks[0]["status"] == "CANCELED"


@pytest.mark.parametrize(("fault", "error"), [("reset", "TikTokTransportError"), ("http", "TikTokTransportError"),
                                              ("40105", "AirflowFailException")])
def test_run_retry_keeps_the_remembered_task_when_tiktok_did_not_say_it_is_gone(tiktok_connection, tmp_path,
                                                                                 fault, error):
    """A network blip (or bad credentials) on the remembered task's check must not create a duplicate task."""
    from airflow_provider_tiktok.api.core.retry import RetryPolicy
    from airflow_provider_tiktok.hooks.tiktok import TikTokHook
    from airflow_provider_tiktok.testing import Fault

    emu = tiktok_connection
    first = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context())
    store = InMemoryStateStore()
    store.set(ReportTaskMemo.KEY, first)
    emu.faults.add("/report/task/check/", {"reset": Fault.reset(), "http": Fault.http(503),
                                           "40105": Fault.code(40105)}[fault], every=True)
    op = TikTokRunReportOperator(task_id="run", destination=f"file://{tmp_path / 'r.csv'}", poll_interval=0.1,
                                 deferrable=False, **request_kwargs(emu))
    op.__dict__["hook"] = TikTokHook(retry=RetryPolicy(max_attempts=2, initial_wait=0, max_wait=0, jitter=0))
    with pytest.raises(Exception) as info:
        op.execute(context(store))
    assert type(info.value).__name__ == error
    assert emu.count(CREATE) == 1 and store.get(ReportTaskMemo.KEY) == first


def test_create_retry_after_a_lost_worker_returns_the_task_created_before(tiktok_connection, monkeypatch):
    """The worker dies after TikTok answered the create: the retry must not create a second TikTok task."""
    import airflow_provider_tiktok.operators.report_task as module

    emu = tiktok_connection
    store = InMemoryStateStore()
    op = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu))

    def worker_lost(*_args):
        raise SystemExit("worker lost")

    with monkeypatch.context() as patch:
        patch.setattr(module, "_push_ids", worker_lost)
        with pytest.raises(SystemExit):
            op.execute(context(store))
    remembered = store.get(ReportTaskMemo.KEY)
    assert remembered and emu.count(CREATE) == 1

    info = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context(store))
    assert info["report_task_id"] == remembered["report_task_id"] and emu.count(CREATE) == 1
    assert store.get(ReportTaskMemo.KEY) is None  # forgotten once the task instance succeeded
    TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context(store))
    assert emu.count(CREATE) == 2  # a later, successful-before run creates anew


def test_create_retry_creates_anew_when_tiktok_says_the_remembered_task_is_gone(tiktok_connection):
    emu = tiktok_connection
    store = InMemoryStateStore()
    store.set(ReportTaskMemo.KEY, {"report_task_id": "404404", "advertiser_id": emu.advertiser_ids[0]})
    info = TikTokCreateReportTaskOperator(task_id="c", **request_kwargs(emu)).execute(context(store))
    assert info["report_task_id"] != "404404" and emu.count(CREATE) == 1


def test_presets_fill_the_request_and_explicit_arguments_win(tiktok_connection):
    emu = tiktok_connection
    kwargs = {"advertiser_id": emu.advertiser_ids[0], "report_start_date": "2024-05-01",
              "report_end_date": "2024-05-01"}
    info = TikTokCreateReportTaskOperator(task_id="p", preset="ads_daily", **kwargs).execute(context())
    params = emu.task(info["report_task_id"])["params"]
    assert params["data_level"] == "AUCTION_AD" and params["dimensions"] == ["ad_id", "stat_time_day"]
    assert "spend" in params["metrics"] and "ad_name" in params["metrics"]
    info = TikTokCreateReportTaskOperator(task_id="p2", preset="audience_country_daily", metrics=["spend"],
                                          **kwargs).execute(context())
    params = emu.task(info["report_task_id"])["params"]
    assert params["report_type"] == "AUDIENCE" and "country_code" in params["dimensions"]
    assert params["metrics"] == ["spend"]


def test_unknown_preset_fails_at_parse_time_naming_the_closest(tiktok_emulator):
    with pytest.raises(TikTokValidationError, match="did you mean 'ads_daily'"):
        TikTokRunReportOperator(task_id="p", preset="ad_daily", destination="file:///tmp/x.csv",
                                advertiser_id="1", report_start_date="2024-05-01", report_end_date="2024-05-01")
    assert tiktok_emulator.requests == []
