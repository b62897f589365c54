"""The async twin shares request building, envelope parsing and retries with the sync client."""

from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.core import errors
from airflow_provider_tiktok.api.core.async_client import AsyncTikTokClient
from airflow_provider_tiktok.api.core.retry import RetryPolicy, Timeouts
from airflow_provider_tiktok.api.marketing import advertisers as marketing
from airflow_provider_tiktok.testing import Fault

FAST_RETRY = RetryPolicy(max_attempts=3, initial_wait=0.01, max_wait=0.02, rate_limit_wait=0.01, jitter=0)
ADV_GET = "/oauth2/advertiser/get/"


def _client(emu, **kwargs) -> AsyncTikTokClient:
    return AsyncTikTokClient(access_token=emu.access_token, app_id=emu.app_id, app_secret=emu.app_secret,
                             base_url=emu.base_url, retry=FAST_RETRY, timeouts=Timeouts(connect=2, read=0.5),
                             **kwargs)


async def test_async_call_and_retry(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40100", 2: "reset"})
    async with _client(tiktok_emulator) as client:
        advertisers = await client.call(marketing.authorized_advertisers(tiktok_emulator.app_id,
                                                                         tiktok_emulator.app_secret))
    assert [a.advertiser_id for a in advertisers] == tiktok_emulator.advertiser_ids
    assert tiktok_emulator.count(ADV_GET) == 3


@pytest.mark.parametrize("fault", [Fault.stall(2), Fault.http(503), Fault.truncate()], ids=["stall", "503", "trunc"])
async def test_async_transport_faults_recover(tiktok_emulator, fault):
    tiktok_emulator.faults.add(ADV_GET, fault, on_call=1)
    async with _client(tiktok_emulator) as client:
        await client.call(marketing.authorized_advertisers(tiktok_emulator.app_id, tiktok_emulator.app_secret))
    assert tiktok_emulator.count(ADV_GET) == 2


async def test_async_non_retryable_is_one_request_and_redacted(tiktok_emulator):
    tiktok_emulator.inject(ADV_GET, {1: "40001"})
    async with _client(tiktok_emulator) as client:
        with pytest.raises(errors.TikTokPermissionError) as err:
            await client.call(marketing.authorized_advertisers(tiktok_emulator.app_id, tiktok_emulator.app_secret))
    assert tiktok_emulator.count(ADV_GET) == 1
    assert tiktok_emulator.app_secret not in str(err.value)


async def test_clients_share_one_tls_context():
    """1,000 triggers must not build 1,000 TLS contexts (each loads the CA bundle)."""
    from airflow_provider_tiktok.api.core.async_client import shared_ssl_context

    clients = [AsyncTikTokClient(access_token="token-value", base_url="http://127.0.0.1:9") for _ in range(3)]
    try:
        contexts = {id(getattr(c.http._transport._pool, "_ssl_context", None)) for c in clients}
        assert contexts == {id(shared_ssl_context())}
    finally:
        for client in clients:
            await client.aclose()


async def test_async_sends_draw_from_the_budget_retries_included(tiktok_emulator):
    from airflow_provider_tiktok.api.core.budget import LocalRateBudget

    tiktok_emulator.inject(ADV_GET, {1: "50000"})
    budget = LocalRateBudget({"*": 1}, margin=0)
    async with _client(tiktok_emulator, budget=budget) as client:
        await client.call(marketing.authorized_advertisers(tiktok_emulator.app_id, tiktok_emulator.app_secret))
    assert tiktok_emulator.count(ADV_GET) == 2
    # The retry waited for the next window of the 1-QPS budget.
    times = [r["t"] for r in tiktok_emulator.requests if r["path"] == ADV_GET]
    assert times[1] - times[0] >= 0.95
