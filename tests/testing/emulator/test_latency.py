"""Latency model and per-endpoint QPS limits of the emulator, over loopback HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from airflow_provider_tiktok.testing.emulator.cli import build_parser, knobs_from_args
from airflow_provider_tiktok.testing.emulator.config import EmulatorConfig
from airflow_provider_tiktok.testing.emulator.ratelimit import LatencyModel, peak_per_window

REPORT = "/report/integrated/get/"


def report_page(emu: Any, session: requests.Session, page: int = 1, page_size: int = 100) -> tuple[dict, float]:
    params = {"advertiser_id": emu.advertiser_ids[0], "report_type": "BASIC", "data_level": "AUCTION_AD",
              "dimensions": '["ad_id","stat_time_day"]', "metrics": '["spend"]', "start_date": "2024-01-01",
              "end_date": "2024-01-30", "page": str(page), "page_size": str(page_size)}
    t0 = time.monotonic()
    body = session.get(emu.api_url + REPORT, params=params, headers={"Access-Token": emu.access_token},
                       timeout=30).json()
    return body, time.monotonic() - t0


def test_latency_is_off_by_default(tiktok_emulator: Any) -> None:
    body, took = report_page(tiktok_emulator, requests.Session())
    assert body["code"] == 0 and took < 0.5


def test_fixed_plus_per_row_latency(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(latency_seconds=0.1, latency_per_row_seconds=0.002)
    session = requests.Session()
    body, took = report_page(emu, session, page_size=100)  # 100 rows: 0.1 + 0.2
    assert len(body["data"]["list"]) == 100
    assert 0.3 <= took < 0.3 + 0.25
    # An answer without rows pays the fixed part only.
    t0 = time.monotonic()
    session.get(emu.api_url + "/advertiser/info/", params={"advertiser_ids": f'["{emu.advertiser_ids[0]}"]'},
                headers={"Access-Token": emu.access_token}, timeout=30)
    assert 0.1 <= time.monotonic() - t0 < 0.1 + 0.2


def test_jitter_is_bounded_and_seeded() -> None:
    a = [LatencyModel(1.0, 0.0, 0.2, seed=7).delay() for _ in range(1)]
    model = LatencyModel(1.0, 0.001, 0.2, seed=7)
    delays = [model.delay(1000) for _ in range(200)]
    assert all(1.6 <= d <= 2.4 for d in delays) and len(set(delays)) > 100
    again = LatencyModel(1.0, 0.001, 0.2, seed=7)
    assert [again.delay(1000) for _ in range(200)] == delays
    assert a[0] == LatencyModel(1.0, 0.0, 0.2, seed=7).delay()


def test_per_endpoint_qps_answers_40100_over_the_limit(tiktok_emulator_factory: Any) -> None:
    emu = tiktok_emulator_factory(endpoint_qps={"*": 50, REPORT: 3})
    session = requests.Session()
    codes = [report_page(emu, session, page_size=5)[0]["code"] for _ in range(5)]
    assert codes[:3] == [0, 0, 0] and codes[3:] == [40100, 40100]
    assert emu.codes(REPORT) == {0: 3, 40100: 2}
    # Other endpoints have their own budget.
    ok = session.get(emu.api_url + "/advertiser/info/", params={"advertiser_ids": f'["{emu.advertiser_ids[0]}"]'},
                     headers={"Access-Token": emu.access_token}, timeout=30).json()
    assert ok["code"] == 0
    time.sleep(1.05)  # TikTok's window is one second
    assert report_page(emu, session, page_size=5)[0]["code"] == 0


def test_peak_qps_counts_arrivals_in_any_second(tiktok_emulator: Any) -> None:
    session = requests.Session()
    for _ in range(4):
        report_page(tiktok_emulator, session, page_size=5)
    assert tiktok_emulator.peak_qps(REPORT) == 4
    assert peak_per_window([0.0, 0.5, 0.99, 1.0, 1.5]) == 3


def test_cli_exposes_the_knobs() -> None:
    args = build_parser().parse_args(["--latency-seconds", "0.2", "--latency-per-row-seconds", "0.0008",
                                      "--latency-jitter", "0.1", "--endpoint-qps", "10", "--app-qps", "20"])
    knobs = knobs_from_args(args)
    assert knobs["latency_seconds"] == 0.2 and knobs["latency_per_row_seconds"] == 0.0008
    assert knobs["latency_jitter"] == 0.1 and knobs["endpoint_qps"] == 10 and knobs["app_qps"] == 20
    assert EmulatorConfig.from_kwargs(**knobs).endpoint_limit("/any/") == 10


@pytest.mark.parametrize(("knobs", "needle"), [({"latency_seconds": -1}, "latency_seconds"),
                                               ({"latency_jitter": 1.5}, "latency_jitter")])
def test_bad_latency_knobs_are_refused(knobs: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        EmulatorConfig.from_kwargs(**knobs)
