"""``get_provider_info()``: the dict Airflow's ProvidersManager reads through the entry point."""

from __future__ import annotations

from typing import Any

from airflow_provider_tiktok import __version__
from airflow_provider_tiktok.connection import CONN_FIELDS, CONN_TYPE, HOOK_NAME, UI_FIELD_BEHAVIOUR

PACKAGE = "airflow_provider_tiktok"
INTEGRATION = "TikTok"


def get_provider_info() -> dict[str, Any]:
    return {
        "package-name": "airflow-provider-tiktok",
        "name": "TikTok",
        "description": "TikTok Marketing API reports (async and sync), Accounts API and Login Kit OAuth "
        "for Apache Airflow 3.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": INTEGRATION,
                "external-doc-url": "https://business-api.tiktok.com/portal/docs",
                "tags": ["service"],
            }
        ],
        "hooks": [{"integration-name": INTEGRATION, "python-modules": [f"{PACKAGE}.hooks.tiktok"]}],
        "operators": [
            {
                "integration-name": INTEGRATION,
                "python-modules": [
                    f"{PACKAGE}.operators.report_task",
                    f"{PACKAGE}.operators.report_download",
                    f"{PACKAGE}.operators.sync_report",
                    f"{PACKAGE}.operators.advertisers",
                    f"{PACKAGE}.operators.business",
                    f"{PACKAGE}.operators.business_content",
                    f"{PACKAGE}.operators.entities",
                ],
            }
        ],
        "sensors": [{"integration-name": INTEGRATION, "python-modules": [f"{PACKAGE}.sensors.report_task"]}],
        "triggers": [{"integration-name": INTEGRATION, "python-modules": [f"{PACKAGE}.triggers.report_task"]}],
        "connection-types": [
            {
                "connection-type": CONN_TYPE,
                "hook-class-name": f"{PACKAGE}.hooks.tiktok.TikTokHook",
                "hook-name": HOOK_NAME,
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
                "conn-fields": CONN_FIELDS,
            }
        ],
    }
