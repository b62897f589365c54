from __future__ import annotations

import time

import pytest
import tenacity

from airflow_provider_tiktok.api.core.errors import (
    TikTokAuthError,
    TikTokRateLimitError,
    TikTokServerError,
    TikTokTransportError,
)
from airflow_provider_tiktok.api.core.retry import Pacer, RetryPolicy, Timeouts


def _run(policy: RetryPolicy, failures: list[BaseException]) -> tuple[int, object]:
    calls = 0

    def flaky():
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    try:
        result = policy.retrying()(flaky)
    except Exception as exc:  # the policy re-raises the last error
        result = exc
    return calls, result


FAST = RetryPolicy(max_attempts=4, initial_wait=0, max_wait=0, rate_limit_wait=0, jitter=0)


def test_retryable_errors_recover():
    calls, result = _run(FAST, [TikTokRateLimitError("x"), TikTokServerError("y"), TikTokTransportError("z")])
    assert (calls, result) == (4, "ok")


def test_non_retryable_error_is_raised_after_one_call():
    calls, result = _run(FAST, [TikTokAuthError("bad token", code=40105)])
    assert calls == 1 and isinstance(result, TikTokAuthError)


def test_attempts_are_bounded():
    calls, result = _run(FAST, [TikTokServerError("x")] * 10)
    assert calls == 4 and isinstance(result, TikTokServerError)


def test_total_time_is_bounded():
    policy = RetryPolicy(max_attempts=100, max_elapsed=0.3, initial_wait=0.1, max_wait=0.1, jitter=0)
    started = time.monotonic()
    calls, result = _run(policy, [TikTokServerError("x")] * 100)
    assert isinstance(result, TikTokServerError) and calls < 10 and time.monotonic() - started < 2


def _wait_after(policy: RetryPolicy, exc: BaseException, attempt: int) -> float:
    state = tenacity.RetryCallState(retry_object=policy.retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.set_exception((type(exc), exc, None))
    return policy._wait(state)


def test_rate_limit_waits_at_least_the_rate_limit_floor_and_doubles():
    policy = RetryPolicy(initial_wait=0.01, max_wait=60, rate_limit_wait=2, jitter=0)
    assert _wait_after(policy, TikTokRateLimitError("x"), 1) == 2
    assert _wait_after(policy, TikTokRateLimitError("x"), 3) == 8
    assert _wait_after(policy, TikTokServerError("x"), 1) < 1


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"initial_wait": -1}])
def test_policy_validation(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_timeouts_validation():
    with pytest.raises(ValueError):
        Timeouts(connect=0)


def test_pacer_slows_down_after_rate_limits_and_recovers():
    pacer = Pacer(step=0.05, ceiling=0.2)
    assert pacer.interval == 0
    pacer.record(TikTokRateLimitError("x"))
    pacer.record(TikTokRateLimitError("x"))
    assert pacer.interval == pytest.approx(0.1)
    for _ in range(3):
        pacer.record(TikTokRateLimitError("x"))
    assert pacer.interval == pytest.approx(0.2)  # capped
    started = time.monotonic()
    for _ in range(3):
        pacer.wait()
    assert time.monotonic() - started >= 0.35  # three requests spaced 0.2 s apart
    pacer.record(TikTokAuthError("x"))  # other TikTok errors do not relax the pace
    assert pacer.interval == pytest.approx(0.2)
    for _ in range(3):
        pacer.record(None)
    assert pacer.interval == 0
