"""The sync client against the emulator over real loopback HTTP: error mapping, retries, redaction."""

from __future__ import annotations

import logging

import pytest

from airflow_provider_tiktok.api.core import errors
from airflow_provider_tiktok.api.core.call import ApiCall
from airflow_provider_tiktok.api.core.client import TikTokClient
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.api.marketing import advertisers as marketing
from airflow_provider_tiktok.testing import Fault

FAST_RETRY = RetryPolicy(max_attempts=4, initial_wait=0.01, max_wait=0.02, rate_limit_wait=0.01, jitter=0)
ADV_GET = "/oauth2/advertiser/get/"


def _client(emu, **kwargs) -> TikTokClient:
    kwargs.setdefault("access_token", emu.access_token)
    kwargs.setdefault("retry", FAST_RETRY)
    return TikTokClient(app_id=emu.app_id, app_secret=emu.app_secret, base_url=emu.base_url,
                        timeouts=kwargs.pop("timeouts", Timeouts(connect=2, read=2)), **kwargs)


def _advertisers(emu):
    return marketing.authorized_advertisers(emu.app_id, emu.app_secret)


def test_lists_authorized_advertisers(tiktok_emulator):
    with _client(tiktok_emulator) as client:
        advertisers = client.call(_advertisers(tiktok_emulator))
    assert [a.advertiser_id for a in advertisers] == tiktok_emulator.advertiser_ids
    assert all(a.advertiser_name for a in advertisers)


def test_token_travels_in_header_not_in_url(tiktok_emulator):
    with _client(tiktok_emulator) as client:
        client.call(_advertisers(tiktok_emulator))
    [record] = tiktok_emulator.requests
    assert tiktok_emulator.access_token not in repr(record)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (40001, errors.TikTokPermissionError),
        (40002, errors.TikTokInvalidRequestError),
        (40102, errors.TikTokTokenExpiredError),
        (40105, errors.TikTokAuthError),
        (40118, errors.TikTokPermissionError),
        (40067, errors.TikTokQueryTooLargeError),
    ],
)
def test_non_retryable_codes_fail_after_exactly_one_request(tiktok_emulator, code, cls):
    tiktok_emulator.faults.add(ADV_GET, Fault.code(code), on_call=1)
    with _client(tiktok_emulator) as client, pytest.raises(cls) as err:
        client.call(_advertisers(tiktok_emulator))
    assert err.value.code == code and err.value.request_id
    assert tiktok_emulator.count(ADV_GET) == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault.code(40100), Fault.code(40133), Fault.code(50000), Fault.code(50002), Fault.code(51010),
        Fault.http(500), Fault.http(502), Fault.http(503), Fault.http(504),
        Fault.reset(), Fault.truncate(), Fault.stall(3),
    ],
    ids=lambda f: repr(f)[:40],
)
def test_retryable_faults_are_retried_and_recover(tiktok_emulator, fault):
    tiktok_emulator.faults.add(ADV_GET, fault, on_call=1)
    with _client(tiktok_emulator, timeouts=Timeouts(connect=2, read=0.5)) as client:
        advertisers = client.call(_advertisers(tiktok_emulator))
    assert len(advertisers) == len(tiktok_emulator.advertiser_ids)
    assert tiktok_emulator.count(ADV_GET) == 2


def test_retries_give_up_after_the_policy_bound(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {n: "50000" for n in range(1, 10)})
    with _client(tiktok_emulator) as client, pytest.raises(errors.TikTokServerError):
        client.call(_advertisers(tiktok_emulator))
    assert tiktok_emulator.count(ADV_GET) == FAST_RETRY.max_attempts


def test_rate_limit_slows_the_client_down(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40100", 2: "40100"})
    with _client(tiktok_emulator) as client:
        client.call(_advertisers(tiktok_emulator))
        assert client.pacer.interval > 0  # later requests are spaced out


def test_app_qps_limit_is_survived(tiktok_emulator_factory):
    emu = tiktok_emulator_factory(app_qps=2)
    with _client(emu, retry=RetryPolicy(max_attempts=8, initial_wait=0.05, max_wait=0.5, rate_limit_wait=0.2,
                                        jitter=0)) as client:
        for _ in range(5):
            client.call(_advertisers(emu))
    assert emu.count(ADV_GET) >= 5


def test_wrong_path_is_http_404_not_retried(tiktok_emulator):
    with _client(tiktok_emulator) as client, pytest.raises(errors.TikTokHTTPError) as err:
        client.call(ApiCall("GET", "/report/nothing/here/"))
    assert err.value.http_status == 404


def test_secrets_never_reach_exceptions_or_logs(tiktok_emulator, caplog):
    """The advertiser list needs the app secret in the query: failures must not show it."""
    tiktok_emulator.inject(ADV_GET, {1: "reset", 2: "http_502", 3: "40105"})
    secrets = [tiktok_emulator.app_secret, tiktok_emulator.access_token]
    with caplog.at_level(logging.DEBUG), _client(tiktok_emulator) as client:
        with pytest.raises(errors.TikTokAuthError) as err:
            client.call(_advertisers(tiktok_emulator))
    # The emulator's own access log is test infrastructure; everything else (our loggers, urllib3) counts.
    logged = "\n".join(r.getMessage() for r in caplog.records
                       if not r.name.startswith("airflow_provider_tiktok.testing"))
    texts = [str(err.value), repr(err.value), logged]
    for secret in secrets:
        assert all(secret not in text for text in texts)
    assert "secret=***" in logged  # the request was logged, redacted
    assert "urllib3" in {r.name.split(".")[0] for r in caplog.records}  # and urllib3 did log the URL


def test_expired_token_is_refreshed_once_and_request_repeated(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40102"})
    seen = []

    def refresh(stale: str) -> str:
        seen.append(stale)
        return tiktok_emulator.access_token

    with _client(tiktok_emulator, access_token="expired-token-value", on_token_expired=refresh) as client:
        client.call(_advertisers(tiktok_emulator))
        assert client.access_token == tiktok_emulator.access_token
    assert seen == ["expired-token-value"] and tiktok_emulator.count(ADV_GET) == 2


@pytest.mark.parametrize(("code", "refreshes"), [(40105, True), (40104, False)])
def test_invalid_token_is_refreshed_once_when_the_family_can(tiktok_emulator, code, refreshes):
    tiktok_emulator.inject(ADV_GET, {1: str(code), 2: str(code)})
    calls = []

    def refresh(stale: str) -> str:
        calls.append(stale)
        return tiktok_emulator.access_token

    with _client(tiktok_emulator, on_token_expired=refresh) as client, pytest.raises(errors.TikTokAuthError):
        client.call(_advertisers(tiktok_emulator))
    assert len(calls) == (1 if refreshes else 0)  # once, never in a loop
    assert tiktok_emulator.count(ADV_GET) == (2 if refreshes else 1)


def test_marketing_client_never_refreshes(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40105"})
    with _client(tiktok_emulator) as client, pytest.raises(errors.TikTokAuthError, match="re-authorize"):
        client.call(_advertisers(tiktok_emulator))
    assert tiktok_emulator.count(ADV_GET) == 1


class RecordingBudget:
    """A RateBudget that records every draw (the order of draws and sends is checked via the emulator)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def acquire(self, key: str, cost: int = 1) -> None:
        self.keys.append(key)

    async def aacquire(self, key: str, cost: int = 1) -> None:
        self.keys.append(key)


def test_every_send_draws_from_the_budget_retries_included(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40100", 2: "reset"})
    budget = RecordingBudget()
    with _client(tiktok_emulator, budget=budget) as client:
        client.call(_advertisers(tiktok_emulator))
        with client.stream(_advertisers(tiktok_emulator)) as response:
            assert response.is_json
    assert tiktok_emulator.count(ADV_GET) == 4
    assert budget.keys == [ADV_GET] * 4


def test_iter_reused_yields_the_exact_body(tiktok_emulator, create_report_task, monkeypatch):
    from airflow_provider_tiktok.api.marketing import reports

    for key, value in tiktok_emulator.connection_env("tiktok_default").items():
        monkeypatch.setenv(key, value)
    task_id = create_report_task(tiktok_emulator)
    tiktok_emulator.advance_clock(5)
    expected = tiktok_emulator.expected_report_csv(task_id)
    adv = tiktok_emulator.advertiser_ids[0]
    pieces = []
    with _client(tiktok_emulator) as client, client.stream(reports.download_task(task_id, adv)) as response:
        full = []
        for piece in response.iter_reused(16):
            pieces.append(bytes(piece))
            if len(piece) == 16:
                full.append(piece)
    assert all(piece is full[0] for piece in full)  # one buffer, reused
    assert b"".join(pieces) == expected and len(pieces) > 4
    assert all(len(p) == 16 for p in pieces[:-1])


def test_iter_reused_reports_a_truncated_body(tiktok_emulator, create_report_task, monkeypatch):
    from airflow_provider_tiktok.api.marketing import reports

    for key, value in tiktok_emulator.connection_env("tiktok_default").items():
        monkeypatch.setenv(key, value)
    task_id = create_report_task(tiktok_emulator)
    tiktok_emulator.advance_clock(5)
    tiktok_emulator.inject("/report/task/download/", {1: "truncate"})
    adv = tiktok_emulator.advertiser_ids[0]
    with _client(tiktok_emulator) as client, client.stream(reports.download_task(task_id, adv), retry=False) as resp:
        with pytest.raises(errors.TikTokTransportError):
            for _ in resp.iter_reused(8):
                pass
