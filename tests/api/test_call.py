"""Request building and answer decoding shared by both clients (no HTTP here)."""

from __future__ import annotations

import json

import pytest

from airflow_provider_tiktok.api.core import errors
from airflow_provider_tiktok.api.core.call import ApiCall, BaseUrls, decode, encode_params, prepare, redacted_url
from airflow_provider_tiktok.api.core.redact import Redactor


def test_get_parameters_are_json_encoded_like_tiktok():
    encoded = encode_params({"dimensions": ["campaign_id", "stat_time_day"], "filtering": [{"a": "b"}],
                             "query_lifetime": True, "page": 2, "missing": None, "name": "x"})
    assert encoded == {"dimensions": '["campaign_id","stat_time_day"]', "filtering": '[{"a":"b"}]',
                       "query_lifetime": "true", "page": "2", "name": "x"}


@pytest.mark.parametrize(
    ("environment", "override", "business", "login_kit"),
    [
        ("production", None, "https://business-api.tiktok.com/open_api/v1.3", "https://open.tiktokapis.com"),
        ("sandbox", None, "https://sandbox-ads.tiktok.com/open_api/v1.3", "https://open.tiktokapis.com"),
        ("production", "http://127.0.0.1:9/", "http://127.0.0.1:9/open_api/v1.3", "http://127.0.0.1:9"),
    ],
)
def test_base_urls(environment, override, business, login_kit):
    urls = BaseUrls.resolve(environment, override)
    assert (urls.business, urls.login_kit) == (business, login_kit)
    assert urls.url_for(ApiCall("GET", "/report/task/check/")) == business + "/report/task/check/"


def test_unknown_environment_and_bad_override_are_rejected():
    with pytest.raises(errors.TikTokValidationError, match="environment"):
        BaseUrls.resolve("staging")
    with pytest.raises(errors.TikTokValidationError, match="http"):
        BaseUrls.resolve("production", "localhost:8080")


def test_paths_need_slashes():
    with pytest.raises(errors.TikTokValidationError, match="start and end"):
        ApiCall("GET", "/report/task/check")


def test_token_goes_in_header_never_query():
    urls = BaseUrls.resolve()
    prepared = prepare(ApiCall("GET", "/report/task/check/", params={"task_id": "1"}), urls, "tok-secret", "ua")
    assert prepared.headers["Access-Token"] == "tok-secret"
    assert "tok-secret" not in json.dumps(prepared.params) and "tok-secret" not in prepared.url


def test_authenticated_call_without_token_fails_before_http():
    with pytest.raises(errors.TikTokValidationError, match="Access token"):
        prepare(ApiCall("GET", "/report/task/check/"), BaseUrls.resolve(), None, "ua")


def test_redacted_url_masks_secrets_in_query():
    redact = Redactor(["app-secret-123"])
    prepared = prepare(ApiCall("GET", "/oauth2/advertiser/get/", params={"app_id": "1", "secret": "app-secret-123"}),
                       BaseUrls.resolve(), "tok-12345", "ua")
    line = redacted_url(prepared, redact)
    assert "app-secret-123" not in line and "secret=***" in line and "app_id=1" in line


def _envelope(code, message="m", data=None):
    return json.dumps({"code": code, "message": message, "request_id": "req-1", "data": data or {}}).encode()


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (40100, errors.TikTokRateLimitError), (40133, errors.TikTokRateLimitError),
        (40016, errors.TikTokRateLimitError), (40132, errors.TikTokRateLimitError),
        (61000, errors.TikTokRateLimitError), (40201, errors.TikTokTaskNotReadyError),
        (40102, errors.TikTokTokenExpiredError), (40104, errors.TikTokAuthError),
        (40105, errors.TikTokAuthError), (40106, errors.TikTokAuthError), (40107, errors.TikTokRefreshTokenError),
        (40110, errors.TikTokAuthError), (40001, errors.TikTokPermissionError),
        (40118, errors.TikTokPermissionError), (40000, errors.TikTokInvalidRequestError),
        (40002, errors.TikTokInvalidRequestError), (40006, errors.TikTokInvalidRequestError),
        (40011, errors.TikTokInvalidRequestError), (40067, errors.TikTokQueryTooLargeError),
        (50000, errors.TikTokServerError), (50002, errors.TikTokServerError), (51010, errors.TikTokServerError),
        (52001, errors.TikTokServerError), (60001, errors.TikTokServerError),
    ],
)
def test_envelope_codes_map_to_classes(code, cls):
    with pytest.raises(cls) as err:
        decode(ApiCall("GET", "/x/"), 200, _envelope(code, "why"), Redactor())
    assert type(err.value) is cls
    assert (err.value.code, err.value.request_id, err.value.message) == (code, "req-1", "why")


def test_retryable_flags():
    assert errors.TikTokRateLimitError("x").retryable and errors.TikTokServerError("x").retryable
    assert errors.TikTokTransportError("x").retryable
    for cls in (errors.TikTokAuthError, errors.TikTokPermissionError, errors.TikTokInvalidRequestError,
                errors.TikTokTaskNotReadyError, errors.TikTokHTTPError):
        assert not cls("x").retryable


@pytest.mark.parametrize(("status", "cls"), [(500, errors.TikTokTransportError), (503, errors.TikTokTransportError),
                                             (404, errors.TikTokHTTPError), (429, errors.TikTokRateLimitError)])
def test_http_statuses(status, cls):
    with pytest.raises(cls):
        decode(ApiCall("GET", "/x/"), status, b"<html>gateway</html>", Redactor())


def test_truncated_json_is_a_transport_error():
    with pytest.raises(errors.TikTokTransportError, match="not valid JSON"):
        decode(ApiCall("GET", "/x/"), 200, _envelope(0)[:-5], Redactor())


def test_error_message_is_redacted_and_has_a_hint():
    body = _envelope(40105, "token tok-leaky-123 is invalid")
    with pytest.raises(errors.TikTokAuthError) as err:
        decode(ApiCall("GET", "/x/"), 200, body, Redactor(["tok-leaky-123"]))
    assert "tok-leaky-123" not in str(err.value) and "re-authorize" in str(err.value)


def test_login_kit_error_body():
    body = json.dumps({"error": "invalid_grant", "error_description": "bad code", "log_id": "L1"}).encode()
    with pytest.raises(errors.TikTokOAuthError) as err:
        decode(ApiCall("POST", "/v2/oauth/token/", family="login_kit", authenticated=False), 400, body, Redactor())
    assert (err.value.error, err.value.request_id, err.value.retryable) == ("invalid_grant", "L1", False)


def test_errors_survive_pickling():
    import pickle

    original = errors.TikTokPermissionError("no access", code=40001, request_id="r", http_status=200, path="/p/")
    copy = pickle.loads(pickle.dumps(original))
    assert (type(copy), str(copy), copy.code) == (type(original), str(original), 40001)
    oauth = pickle.loads(pickle.dumps(errors.TikTokOAuthError("invalid_client", "nope", log_id="l")))
    assert oauth.error == "invalid_client" and str(oauth).startswith("invalid_client: nope")
