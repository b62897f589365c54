"""Knobs of the TikTok emulator (constructor kwargs of ``TikTokEmulator`` and CLI flags)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: Default advertisers of the pre-issued Marketing token: one UTC+9, one UTC-8 (PST), one UTC.
DEFAULT_ADVERTISERS: tuple[dict[str, str], ...] = (
    {
        "advertiser_id": "7100000000000000001",
        "advertiser_name": "Emulator Tokyo Advertiser",
        "timezone": "Asia/Tokyo",
        "currency": "JPY",
        "country": "JP",
    },
    {
        "advertiser_id": "7100000000000000002",
        "advertiser_name": "Emulator Los Angeles Advertiser",
        "timezone": "America/Los_Angeles",
        "currency": "USD",
        "country": "US",
    },
    {
        "advertiser_id": "7100000000000000003",
        "advertiser_name": "Emulator UTC Advertiser",
        "timezone": "UTC",
        "currency": "EUR",
        "country": "GB",
    },
)
#: Advertisers that exist but the default token has no permission for (-> 40001).
DEFAULT_FORBIDDEN_ADVERTISERS: tuple[str, ...] = ("7100000000000000099",)


@dataclass
class EmulatorConfig:
    """All tunable behaviour.  Times are seconds of the emulator clock."""

    seed: int = 0
    host: str = "127.0.0.1"
    port: int = 0

    # Marketing (TikTok API for Business) developer app.
    app_id: str = "7000000000000000001"
    app_secret: str = "emulator-app-secret-0000000000000001"  # noqa: S105 - fake credential
    # Accounts API app (business app acting on TikTok accounts; its id is the client_key on authorize).
    accounts_app_id: str = "7000000000000000002"
    accounts_app_secret: str = "emulator-accounts-secret-000000000002"  # noqa: S105
    accounts_open_id: str = "-000EmulatorBusinessAccount0001"
    # Login Kit (TikTok for Developers) client.
    login_kit_client_key: str = "awemulatorclientkey0001"
    login_kit_client_secret: str = "emulator-login-kit-secret-00000001"  # noqa: S105
    login_kit_open_id: str = "-000EmulatorLoginKitUser00001"
    login_kit_display_name: str = "Emulator Login Kit User"

    advertisers: list[dict[str, str]] = field(default_factory=lambda: [dict(a) for a in DEFAULT_ADVERTISERS])
    forbidden_advertisers: list[str] = field(default_factory=lambda: list(DEFAULT_FORBIDDEN_ADVERTISERS))
    #: Business Center the token can report on (``report_type=BC``).
    bc_id: str = "7200000000000000001"
    #: Ads per advertiser (int, or dict advertiser_id -> int); adgroups = ceil(ads/2), campaigns = ceil(ads/4).
    ads_per_advertiser: int | dict[str, int] = 8
    #: Deleted campaigns, ad groups and ads per advertiser (after the live ones; hidden unless filtered for).
    deleted_entities: int = 1

    # Async report tasks.
    queuing_seconds: float = 0.2
    processing_seconds: float = 0.3
    #: When set every task ends FAILED with this message.
    task_failure_message: str | None = None
    #: Outcomes applied to the Nth created task (index 0 = first task); see ``TaskOutcome.parse``.
    task_outcomes: list[Any] = field(default_factory=list)
    #: Override the number of data rows of async CSV reports.
    report_rows: int | None = None
    #: Target size of async CSV reports in bytes (rows are generated until reached).
    report_bytes: int | None = None
    download_url_ttl: float = 3600.0

    # Sync reports: reject queries whose total row count exceeds this with 40067.
    max_query_rows: int | None = None

    # Token lifetimes (Accounts API / Login Kit; Marketing tokens never expire).
    access_token_ttl: float = 86400.0
    refresh_token_ttl: float = 31536000.0
    client_token_ttl: float = 7200.0
    auth_code_ttl: float = 600.0
    rotate_refresh_tokens: bool = True

    # Rate limits (requests per sliding 1-second window); None = unlimited.
    app_qps: int | None = None
    advertiser_qps: int | None = None
    #: Per endpoint and app: one limit for every endpoint (int), or ``{path: limit}`` with an optional
    #: ``"*"`` for the others (e.g. ``{"*": 10, "/report/task/create/": 2}``, TikTok's Basic tier).
    endpoint_qps: int | dict[str, int] | None = None

    # Latency (TikTok answers a 1,000-row report page in about a second). Every answer is delayed by
    # ``latency_seconds + latency_per_row_seconds * rows`` (rows of the answer's ``data.list``), times a
    # uniform random factor in ``[1 - latency_jitter, 1 + latency_jitter]`` (seeded by ``seed``). 0 = off.
    latency_seconds: float = 0.0
    latency_per_row_seconds: float = 0.0
    latency_jitter: float = 0.0

    #: Default duration of a "stall" fault.
    stall_seconds: float = 600.0

    @classmethod
    def from_kwargs(cls, **knobs: Any) -> EmulatorConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(knobs) - names
        if unknown:
            raise TypeError(f"unknown emulator knob(s): {', '.join(sorted(unknown))}")
        config = cls(**knobs)
        for name in ("latency_seconds", "latency_per_row_seconds", "latency_jitter"):
            if getattr(config, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(config, name)!r}")
        if config.latency_jitter > 1:
            raise ValueError(f"latency_jitter is a fraction from 0 to 1, got {config.latency_jitter!r}")
        return config

    def endpoint_limit(self, key: str) -> int | None:
        """The per-endpoint QPS limit of endpoint ``key`` (None: not limited)."""
        if isinstance(self.endpoint_qps, dict):
            return self.endpoint_qps.get(key, self.endpoint_qps.get("*"))
        return self.endpoint_qps

    def ads_for(self, advertiser_id: str) -> int:
        if isinstance(self.ads_per_advertiser, dict):
            return int(self.ads_per_advertiser.get(advertiser_id, 8))
        return int(self.ads_per_advertiser)
