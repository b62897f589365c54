"""TikTokReportTaskSensor in poke, reschedule and deferrable mode against the emulator."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.compat import AirflowFailException, AirflowSensorTimeout
from airflow_provider_tiktok.sensors.report_task import TikTokReportTaskSensor
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger

try:
    from airflow.sdk.exceptions import AirflowRescheduleException, TaskDeferred
except ImportError:  # Airflow 3.1
    from airflow.exceptions import AirflowRescheduleException, TaskDeferred


class FakeTI:
    def get_first_reschedule_date(self, context):
        return None


def sensor(emu, task_id, **kwargs):
    return TikTokReportTaskSensor(task_id="wait", report_task_id=task_id, advertiser_id=emu.advertiser_ids[0],
                                  **kwargs)


def test_defaults_respect_the_app_wide_qps_budget():
    s = TikTokReportTaskSensor(task_id="w", report_task_id="1", advertiser_id="2")
    assert s.poke_interval >= 60 and s.mode == "reschedule" and s.timeout > 0


def test_poke_mode_waits_for_success(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu)
    result = sensor(emu, task_id, mode="poke", poke_interval=0.1, timeout=10).execute({"ti": FakeTI()})
    assert result == {"report_task_id": task_id, "advertiser_id": emu.advertiser_ids[0], "status": "SUCCESS"}
    assert emu.count("/report/task/check/") >= 2  # it really waited through QUEUING / PROCESSING


@pytest.mark.parametrize("outcome", ["FAILED", "CANCELED"])
def test_failure_states_fail_the_sensor(tiktok_connection, outcome, create_report_task):
    emu = tiktok_connection
    if outcome == "FAILED":
        task_id = create_report_task(emu, status="FAILED", message="broken metric", queuing_seconds=0,
                                     processing_seconds=0)
    else:
        task_id = create_report_task(emu, canceled=True, status="SUCCESS", queuing_seconds=60)
    with pytest.raises(AirflowFailException, match="broken metric" if outcome == "FAILED" else "CANCELED"):
        sensor(emu, task_id, mode="poke", poke_interval=0.1, timeout=10).execute({"ti": FakeTI()})


def test_reschedule_mode_frees_the_slot_while_running(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=60)
    with pytest.raises(AirflowRescheduleException):
        sensor(emu, task_id, poke_interval=60, timeout=600).execute({"ti": FakeTI()})
    assert emu.count("/report/task/check/") == 1


def test_poke_timeout_cancels_when_asked(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=600)
    with pytest.raises(AirflowSensorTimeout):
        sensor(emu, task_id, mode="poke", poke_interval=0.1, timeout=0.3, cancel_on_timeout=True).execute(
            {"ti": FakeTI()})
    assert emu.task(task_id)["status"] == "CANCELED"


def test_deferrable_defers_with_absolute_deadline_and_completes(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=60)
    s = sensor(emu, task_id, deferrable=True, timeout=600, cancel_on_timeout=True)
    with pytest.raises(TaskDeferred) as deferred:
        s.execute({"ti": FakeTI()})
    trigger = deferred.value.trigger
    assert isinstance(trigger, TikTokReportTaskTrigger) and trigger.poll_interval == 60
    assert trigger.serialize()[1]["deadline"] > 0
    ok = {"status": "success", "report_task_id": task_id, "advertiser_id": emu.advertiser_ids[0],
          "report_status": "SUCCESS", "message": ""}
    assert s.execute_complete({}, ok)["status"] == "SUCCESS"
    with pytest.raises(AirflowSensorTimeout):
        s.execute_complete({}, {**ok, "status": "timeout", "report_status": "QUEUING"})
    assert emu.task(task_id)["status"] == "CANCELED"
    with pytest.raises(AirflowFailException, match="nope"):
        s.execute_complete({}, {**ok, "status": "failed", "message": "nope"})


def test_deferrable_finishes_inline_when_already_done(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=0, processing_seconds=0)
    assert sensor(emu, task_id, deferrable=True).execute({"ti": FakeTI()})["status"] == "SUCCESS"


def test_resumed_sensor_logs_the_final_status_and_the_number_of_checks(tiktok_connection, create_report_task):
    import asyncio

    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=0.3, processing_seconds=0)
    s = sensor(emu, task_id, deferrable=True, poke_interval=0.1)
    with pytest.raises(TaskDeferred) as deferred:
        s.execute({"ti": FakeTI()})

    async def run_trigger():
        return [e.payload async for e in deferred.value.trigger.run()]

    [payload] = asyncio.run(run_trigger())
    lines: list[str] = []
    s.log.info = lambda msg, *args: lines.append(msg % args)  # the task log
    assert s.execute_complete({}, payload)["status"] == "SUCCESS"
    checks = payload["checks"]
    assert checks >= 2 and any(f"is SUCCESS (after {checks} status check(s) in the triggerer)" in line
                               for line in lines)
