from __future__ import annotations

import logging

from airflow_provider_tiktok.api.core.redact import MASK, Redactor, install_http_log_filter, redact_mapping


def test_values_are_replaced_inside_text_longest_first():
    redact = Redactor(["secret-abc", "secret-abcdef", None, "abc"])  # "abc" is too short to register
    assert redact("x=secret-abcdef y=secret-abc abc") == f"x={MASK} y={MASK} abc"


def test_sensitive_keys_are_masked_recursively():
    data = {"app_id": "1", "secret": "s", "nested": {"refresh_token": "r", "page": 2}, "auth_code": "c", "code": "x"}
    assert redact_mapping(data) == {"app_id": "1", "secret": MASK, "nested": {"refresh_token": MASK, "page": 2},
                                    "auth_code": MASK, "code": MASK}


def test_http_library_logs_are_scrubbed(caplog):
    Redactor(["tok-in-a-url-123"])
    install_http_log_filter()
    with caplog.at_level(logging.DEBUG, logger="urllib3.connectionpool"):
        logging.getLogger("urllib3.connectionpool").debug('"GET /x?access_token=%s HTTP/1.1" 200', "tok-in-a-url-123")
    assert "tok-in-a-url-123" not in caplog.text and MASK in caplog.text
