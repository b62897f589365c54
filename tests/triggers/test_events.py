"""ReportTaskEvent: the one trigger event type, to and from its JSON payload."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tiktok.api.marketing.status import ReportTaskState, ReportTaskStatus
from airflow_provider_tiktok.compat import AirflowException, AirflowFailException, AirflowSensorTimeout
from airflow_provider_tiktok.triggers.events import ReportTaskEvent


@pytest.mark.parametrize(("status", "timed_out", "expected"), [
    (ReportTaskStatus.SUCCESS, True, "success"), (ReportTaskStatus.FAILED, False, "failed"),
    (ReportTaskStatus.CANCELED, False, "canceled"), (ReportTaskStatus.PROCESSING, True, "timeout"),
])
def test_from_state_and_payload_round_trip(status, timed_out, expected):
    event = ReportTaskEvent.from_state(ReportTaskState("7", "1", status, "why"), timed_out=timed_out)
    payload = json.loads(json.dumps(event.to_payload()))
    assert event.status == expected and ReportTaskEvent.from_payload(payload) == event
    assert payload["report_task_id"] == "7" and payload["report_status"] == status.value


def test_raise_for_status_maps_to_airflow():
    base = ReportTaskEvent("success", "7", "1", "done")
    base.raise_for_status()
    for status, exc in (("failed", AirflowFailException), ("canceled", AirflowFailException),
                        ("timeout", AirflowSensorTimeout), ("error", AirflowException)):
        with pytest.raises(exc, match="boom"):
            ReportTaskEvent(status, "7", "1", "boom").raise_for_status()


@pytest.mark.parametrize("payload", [None, {}, {"status": "weird"}, "success"])
def test_unusable_payloads_are_errors(payload):
    with pytest.raises(AirflowException, match="no usable event"):
        ReportTaskEvent.from_payload(payload)
