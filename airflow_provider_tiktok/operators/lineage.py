"""OpenLineage and Asset events for the operators that write data (mixed into ``TikTokWriteOperator``).

Every writing operator remembers its result (the shared schema of
:mod:`airflow_provider_tiktok.operators.results`) and answers OpenLineage's
``get_openlineage_facets_on_complete`` with:

- **inputs**: the TikTok data it read, named by :meth:`TikTokLineageMixin.lineage_inputs` — namespace
  ``tiktok://marketing`` (Marketing API) or ``tiktok://accounts`` (Accounts API), name e.g.
  ``advertiser/<advertiser_id>/report/<data_level>`` or ``business/<business_id>/metrics``;
- **outputs**: the file it wrote, named from its ``ObjectStoragePath`` URI as OpenLineage names object
  storage: ``file`` + the absolute path for local files, ``<scheme>://<bucket>`` + the key otherwise
  (``s3://my-bucket`` / ``tiktok/2026-01-01.csv``).

A new writing operator overrides only :meth:`~TikTokLineageMixin.lineage_inputs` (with
:func:`marketing_dataset` / :func:`accounts_dataset`). OpenLineage classes are imported only when
lineage is asked for, so the provider works without ``apache-airflow-providers-openlineage``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

MARKETING_NAMESPACE = "tiktok://marketing"
ACCOUNTS_NAMESPACE = "tiktok://accounts"
#: Result keys copied into the outlet Asset event's ``extra`` (what a downstream DAG needs to find the file).
ASSET_EVENT_KEYS = ("uri", "rows", "format", "compression", "start_date", "end_date", "report_task_id",
                    "advertiser_id")


class LineageDataset(NamedTuple):
    """One OpenLineage dataset: ``namespace`` and ``name`` (no OpenLineage import needed)."""

    namespace: str
    name: str


def marketing_dataset(advertiser_id: Any, *parts: Any) -> LineageDataset:
    """``tiktok://marketing`` ``advertiser/<id>/<parts...>``, e.g. ``("report", "AUCTION_AD")``."""
    return LineageDataset(MARKETING_NAMESPACE, "/".join(["advertiser", str(advertiser_id), *map(str, parts)]))


def accounts_dataset(business_id: Any, *parts: Any) -> LineageDataset:
    """``tiktok://accounts`` ``business/<id>/<parts...>``, e.g. ``("metrics",)``."""
    return LineageDataset(ACCOUNTS_NAMESPACE, "/".join(["business", str(business_id), *map(str, parts)]))


def destination_dataset(uri: str) -> LineageDataset:
    """The OpenLineage name of a written ``ObjectStoragePath`` URI (``file:///d/r.csv`` → ``file``, ``/d/r.csv``)."""
    parts = urlsplit(str(uri))
    if parts.scheme in ("", "file", "local"):
        return LineageDataset(f"file://{parts.netloc}" if parts.netloc else "file", parts.path or "/")
    return LineageDataset(f"{parts.scheme}://{parts.netloc}", parts.path.lstrip("/"))


def report_name(operator: Any) -> str | None:
    """The report's data level (or report type) from the operator's rendered request, when it knows it."""
    params = getattr(operator, "request_params", None)
    params = params if isinstance(params, Mapping) else {}
    for key in ("data_level", "report_type"):
        value = params.get(key) or getattr(operator, key, None)
        if isinstance(value, str) and value:
            return value.upper()
    return None


def default_inputs(operator: Any, result: Mapping[str, Any]) -> list[LineageDataset]:
    """TikTok inputs named from the result schema and its extras.

    - ``business_id``: ``tiktok://accounts`` ``business/<id>/<content>`` (``content`` extra, default ``metrics``);
    - ``advertiser_id(s)`` with an ``entity`` extra: ``tiktok://marketing`` ``advertiser/<id>/<entity>``;
    - ``advertiser_id(s)``: ``advertiser/<id>/report/<data level>`` (``.../report`` when the level is unknown);
    - ``bc_id`` only: ``bc/<bc_id>/report/<report type>``.
    """
    if result.get("business_id"):
        return [accounts_dataset(result["business_id"], str(result.get("content") or "metrics").lower())]
    advertisers = result.get("advertiser_ids") or ([result["advertiser_id"]] if result.get("advertiser_id") else [])
    if result.get("entity"):
        report = [str(result["entity"]).lower()]
    else:
        report = ["report", name] if (name := report_name(operator)) else ["report"]
    if not advertisers and result.get("bc_id"):
        return [LineageDataset(MARKETING_NAMESPACE, "/".join(["bc", str(result["bc_id"]), *report]))]
    return [marketing_dataset(a, *report) for a in dict.fromkeys(str(a) for a in advertisers)]


def to_openlineage(inputs: list[LineageDataset], outputs: list[LineageDataset]) -> Any:
    """An ``OperatorLineage`` (imported here: the OpenLineage provider is optional)."""
    from airflow.providers.common.compat.openlineage.facet import Dataset
    from airflow.providers.openlineage.extractors import OperatorLineage

    return OperatorLineage(inputs=[Dataset(namespace=d.namespace, name=d.name) for d in inputs],
                           outputs=[Dataset(namespace=d.namespace, name=d.name) for d in outputs])


class TikTokLineageMixin:
    """Remembers what a writing operator wrote; lineage and Asset events come from it."""

    #: The last result of this task instance (set by :meth:`remember_result`).
    lineage_result: dict[str, Any] | None = None
    outlets: Any

    def remember_result(self, context: Any, result: Any) -> Any:
        """Keep a writing result for lineage and describe it on this task's own outlet Asset events."""
        if isinstance(result, Mapping) and result.get("uri"):
            self.lineage_result = dict(result)
            self.annotate_asset_events(context, result)
        return result

    def annotate_asset_events(self, context: Any, result: Mapping[str, Any]) -> None:
        """``extra`` of the outlet Asset events: where the file landed, rows, dates (JSON only)."""
        events = context.get("outlet_events") if hasattr(context, "get") else None
        if events is None:
            return
        extra = {key: result.get(key) for key in ASSET_EVENT_KEYS if key in result}
        for asset in self.own_assets():
            events[asset].extra.update(extra)

    def own_assets(self) -> list[Any]:
        """The outlet Assets ``emit_asset`` declared."""
        return list(getattr(self, "_tiktok_assets", []))

    def lineage_inputs(self, result: Mapping[str, Any]) -> list[LineageDataset]:
        """The TikTok data this task read. Override in a new writing operator (one method), e.g.
        ``return [marketing_dataset(result["advertiser_id"], "campaign")]``."""
        return default_inputs(self, result)

    def lineage_outputs(self, result: Mapping[str, Any]) -> list[LineageDataset]:
        """The written file (``result["uri"]``)."""
        return [destination_dataset(result["uri"])]

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage inputs/outputs of a successful run; ``None`` when nothing was written (no result)."""
        result = self.lineage_result
        if not result:
            return None
        return to_openlineage(self.lineage_inputs(result), self.lineage_outputs(result))


__all__ = [
    "ACCOUNTS_NAMESPACE",
    "ASSET_EVENT_KEYS",
    "MARKETING_NAMESPACE",
    "LineageDataset",
    "TikTokLineageMixin",
    "accounts_dataset",
    "default_inputs",
    "destination_dataset",
    "marketing_dataset",
    "report_name",
    "to_openlineage",
]
