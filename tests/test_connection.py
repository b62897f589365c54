from __future__ import annotations

import pytest

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.params import parse_advertiser_ids
from airflow_provider_tiktok.connection import TikTokConnectionConfig


def _config(extra=None, login="7000000000000000001", password="app-secret-value"):
    return TikTokConnectionConfig.from_fields("tiktok_test", login, password, extra or {})


def test_defaults_are_marketing_production():
    cfg = _config({"access_token": "tok-abcdef"})
    assert (cfg.api_family, cfg.environment, cfg.base_url, cfg.advertiser_ids) == ("marketing", "production", None, ())
    assert not cfg.tokens_expire


def test_secrets_are_not_in_repr():
    cfg = _config({"access_token": "tok-abcdef", "refresh_token": "rft-abcdef"})
    text = repr(cfg)
    assert "tok-abcdef" not in text and "rft-abcdef" not in text and "app-secret-value" not in text


def test_legacy_prefixed_extra_keys_are_read():
    cfg = _config({"extra__tiktok__api_family": "accounts", "extra__tiktok__business_id": "biz-1"})
    assert cfg.api_family == "accounts" and cfg.business_id == "biz-1" and cfg.tokens_expire


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"api_family": "ads"}, "API family"),
        ({"environment": "staging"}, "Environment"),
        ({"base_url": "127.0.0.1:8000"}, "Base URL override"),
        ({"advertiser_ids": "12,abc"}, "Advertiser IDs"),
        ({"advertiser_ids": "[1,"}, "Advertiser IDs"),
    ],
)
def test_bad_fields_name_the_field(extra, field):
    with pytest.raises(TikTokValidationError, match=field) as err:
        _config(extra)
    assert "tiktok_test" in str(err.value)


def test_bad_login_is_rejected():
    with pytest.raises(TikTokValidationError, match="App ID"):
        _config(login="app id with spaces")


def test_require_lists_missing_fields():
    cfg = _config({}, password=None)
    with pytest.raises(TikTokValidationError, match=r"'App secret' \(password\), 'Access token'"):
        cfg.require("app_id", "app_secret", "access_token")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1, 2 ,3", ["1", "2", "3"]),
        ('["1","2"]', ["1", "2"]),
        ([1, "2"], ["1", "2"]),
        (7, ["7"]),
        ("", []),
        (None, []),
    ],
)
def test_parse_advertiser_ids(value, expected):
    assert parse_advertiser_ids(value) == expected


def test_form_texts_are_plain_and_family_fields_say_their_family():
    """The UI shows descriptions as plain text (no Markdown), and fields of one API family say which."""
    from airflow_provider_tiktok.connection import CONN_FIELDS

    for name, definition in CONN_FIELDS.items():
        assert "`" not in definition["label"] + definition["description"], name
    assert "Accounts API / Login Kit" in CONN_FIELDS["refresh_token"]["label"]
    assert "Accounts API" in CONN_FIELDS["business_id"]["label"]
    assert CONN_FIELDS["advertiser_ids"]["description"].startswith("Marketing API only")
