"""fill_placeholders: one destination template, one file per advertiser / window / entity."""

from __future__ import annotations

import pytest
from airflow.sdk import ObjectStoragePath

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.utils.placeholders import fill_placeholders


def test_fills_strings_and_paths_and_keeps_plain_destinations():
    values = {"advertiser_id": "7", "ext": "jsonl"}
    assert fill_placeholders("s3://b/{advertiser_id}.{ext}", values, values) == "s3://b/7.jsonl"
    filled = fill_placeholders(ObjectStoragePath("file:///tmp/{advertiser_id}.{ext}"), values, values)
    assert isinstance(filled, ObjectStoragePath) and str(filled).endswith("/tmp/7.jsonl")
    plain = ObjectStoragePath("file:///tmp/x.jsonl")
    assert fill_placeholders(plain, values, values) is plain


@pytest.mark.parametrize(("destination", "message"), [
    ("s3://b/{advertiser}.jsonl", r"\['advertiser'\] are unknown; use \['advertiser_id', 'ext'\]"),
    ("s3://b/{advertiser_id.jsonl", "unbalanced braces"),
])
def test_bad_placeholders_name_the_fix(destination, message):
    with pytest.raises(TikTokValidationError, match=message):
        fill_placeholders(destination, {"advertiser_id": "7", "ext": "jsonl"}, ("advertiser_id", "ext"))
