"""TikTokReportTaskTrigger: serialization round trip and runs against the emulator (async httpx)."""

from __future__ import annotations

import importlib
import json
import time

import pytest

from airflow_provider_tiktok.testing import Fault
from airflow_provider_tiktok.triggers.report_task import TikTokReportTaskTrigger


def trigger_for(emu, task_id, *, timeout=10.0, poll=0.05, **kwargs):
    return TikTokReportTaskTrigger(report_task_id=task_id, advertiser_id=emu.advertiser_ids[0],
                                   deadline=time.time() + timeout, poll_interval=poll, **kwargs)


async def events(trigger):
    return [event.payload async for event in trigger.run()]


def test_serialize_round_trip_is_json_only():
    trigger = TikTokReportTaskTrigger(report_task_id="9", advertiser_id="1", deadline=1_700_000_000.5,
                                      poll_interval=30, tiktok_conn_id="tt")
    path, kwargs = trigger.serialize()
    assert json.loads(json.dumps(kwargs)) == kwargs
    module, name = path.rsplit(".", 1)
    clone = getattr(importlib.import_module(module), name)(**kwargs)
    assert clone.serialize() == (path, kwargs)


async def test_success(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu)
    [event] = await events(trigger_for(emu, task_id))
    assert event["status"] == "success" and event["report_status"] == "SUCCESS"
    assert (event["report_task_id"], event["advertiser_id"]) == (task_id, emu.advertiser_ids[0])


@pytest.mark.parametrize(("outcome", "status", "text"), [("FAILED", "failed", "quota gone"),
                                                          ("CANCELED", "canceled", "CANCELED")])
async def test_failed_and_canceled(tiktok_connection, outcome, status, text, create_report_task):
    emu = tiktok_connection
    if outcome == "FAILED":
        task_id = create_report_task(emu, status="FAILED", message="quota gone", queuing_seconds=0,
                                     processing_seconds=0)
    else:
        task_id = create_report_task(emu, canceled=True, status="SUCCESS", queuing_seconds=60)
    [event] = await events(trigger_for(emu, task_id))
    assert event["status"] == status and text in event["message"]


async def test_timeout_at_absolute_deadline(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=600)
    started = time.monotonic()
    [event] = await events(trigger_for(emu, task_id, timeout=0.3, poll=5))
    assert event["status"] == "timeout" and event["report_status"] == "QUEUING"
    assert time.monotonic() - started < 3  # slept only until the deadline, not a full poll interval


async def test_errors_become_events(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu)
    emu.faults.add("/report/task/check/", Fault.code(40105), every=True)
    [event] = await events(trigger_for(emu, task_id))
    assert event["status"] == "error" and "40105" in event["message"]


async def test_on_kill_cancels_the_tiktok_task(tiktok_connection, create_report_task):
    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=600)
    await trigger_for(emu, task_id).on_kill()
    assert emu.task(task_id)["status"] == "CANCELED"
    other = create_report_task(emu, status="SUCCESS", queuing_seconds=600)
    await trigger_for(emu, other, cancel_on_kill=False).on_kill()
    assert emu.task(other)["status"] == "QUEUING"


async def test_missing_connection_becomes_an_error_event(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_TIKTOK_NOWHERE", raising=False)
    trigger = TikTokReportTaskTrigger("123", "456", deadline=time.time() + 30, tiktok_conn_id="tiktok_nowhere")
    events = [event async for event in trigger.run()]
    assert len(events) == 1
    assert events[0].payload["status"] == "error" and "tiktok_nowhere" in events[0].payload["message"]


async def test_a_permanent_error_fails_the_task_on_its_first_try(tiktok_connection, create_report_task):
    from airflow_provider_tiktok.compat import AirflowException, AirflowFailException
    from airflow_provider_tiktok.triggers.events import ReportTaskEvent

    emu = tiktok_connection
    task_id = create_report_task(emu, status="SUCCESS", queuing_seconds=60)
    emu.faults.add("/report/task/check/", Fault.code(40105), every=True)
    [payload] = await events(trigger_for(emu, task_id))
    event = ReportTaskEvent.from_payload(payload)
    assert event.status == "error" and event.retryable is False and "40105" in event.message
    with pytest.raises(AirflowFailException):
        event.raise_for_status()
    transient = ReportTaskEvent.from_payload({**payload, "retryable": True})
    with pytest.raises(AirflowException) as info:
        transient.raise_for_status()
    assert not isinstance(info.value, AirflowFailException)
