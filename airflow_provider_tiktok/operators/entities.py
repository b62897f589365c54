"""``TikTokEntitiesToStorageOperator``: an advertiser's campaigns, ad groups, ads, creatives, audiences or pixels
to object storage.

Example (one mapped task per advertiser)::

    advertisers = TikTokListAdvertisersOperator(task_id="advertisers")
    TikTokEntitiesToStorageOperator.partial(
        task_id="ads", entity="ads", include_deleted=True,
        destination="s3://bucket/tiktok/{entity}/{advertiser_id}.{ext}",
    ).expand(advertiser_id=advertisers.output)

Every page TikTok sends is shaped (ids as text, the requested columns in order) and written as it
arrives (memory holds one page, one more is read ahead) into a temporary object that is moved onto the
destination only when the whole list was read and its rows added up to TikTok's ``total_number``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api.core.concurrent_pager import DEFAULT_MAX_CONCURRENCY
from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.prefetch import prefetch
from airflow_provider_tiktok.api.marketing.entities import EntityRequest, EntityStats, csv_row, resolve_entity
from airflow_provider_tiktok.operators.base import TikTokWriteOperator, check_positive, holds_template, is_templated
from airflow_provider_tiktok.operators.results import write_result
from airflow_provider_tiktok.utils.placeholders import fill_placeholders
from airflow_provider_tiktok.utils.storage import (
    CsvSink,
    JsonLinesSink,
    ProgressLogger,
    atomic_write,
    resolve_destination,
)

OUTPUT_FORMATS = ("jsonl", "csv")
PLACEHOLDERS = frozenset({"advertiser_id", "entity", "ext"})
#: A stand-in id for the parse-time check of a templated / mapped ``advertiser_id``.
_PARSE_TIME_ID = "1"


def render_entity_destination(destination: Any, values: dict[str, str]) -> Any:
    """Fill ``{advertiser_id}``, ``{entity}`` and ``{ext}`` of a destination; other names are an error."""
    return fill_placeholders(destination, values, PLACEHOLDERS)


class TikTokEntitiesToStorageOperator(TikTokWriteOperator):
    """Write one advertiser's list of TikTok entities to any ``ObjectStoragePath`` (JSON Lines or CSV).

    :param entity: ``campaigns``, ``adgroups``, ``ads`` (default), ``images``, ``videos``,
        ``custom_audiences``, ``pixels`` or ``advertisers`` (the advertiser's ``/advertiser/info/``).
    :param advertiser_id: the ad account (templated; ``.expand(advertiser_id=...)`` maps over many).
    :param fields: TikTok field names; the entity's default columns when empty (see docs/entities.md).
    :param filtering: TikTok's ``filtering`` object of the entity, e.g. ``{"campaign_ids": ["17..."]}``
        (templated: a dict, or a JSON string once rendered).
    :param include_deleted: also list deleted campaigns / ad groups / ads (TikTok hides them by default;
        this sends ``filtering.primary_status=STATUS_ALL``).
    :param updated_since: keep rows modified at or after this UTC time (templated, e.g.
        ``"{{ data_interval_start }}"``). Applied client-side on ``modify_time``: every page is still read,
        except for ads, where TikTok's ``filtering.modified_after`` is also sent.
    :param page_size: rows per request, 1..the entity's maximum (default: the maximum).
    :param max_concurrency: pages requested at a time (default 4; 1 = one after the other); the rows and the
        file are the same either way, and the connection's rate budget (``max_qps``) caps the request rate.
    :param output_format: ``jsonl`` (default; typed JSON values) or ``csv`` (lists / objects as JSON text).
    :param destination: file URI or ``ObjectStoragePath`` (templated); may contain ``{advertiser_id}``,
        ``{entity}`` and ``{ext}`` (``jsonl`` / ``csv`` plus ``.gz``).
    :param destination_conn_id: object-storage connection for a string destination.
    :param compression: ``None`` or ``"gzip"``.
    :param tiktok_conn_id: the Marketing API ``tiktok`` connection.

    Returns the shared result schema (:mod:`airflow_provider_tiktok.operators.results`; ``rows`` = rows
    written) plus ``entity``, ``pages``, ``rows_received`` (before ``updated_since``), ``include_deleted``
    and ``updated_since``.
    """

    template_fields: Sequence[str] = ("advertiser_id", "destination", "filtering", "updated_since",
                                      "tiktok_conn_id")

    def __init__(self, *, destination: Any, advertiser_id: Any = None, entity: str = "ads", fields: Any = None,
                 filtering: Any = None, include_deleted: bool = False, updated_since: Any = None,
                 page_size: int | None = None, output_format: str = "jsonl",
                 max_concurrency: int = DEFAULT_MAX_CONCURRENCY, **kwargs: Any) -> None:
        check_positive("max_concurrency", max_concurrency, integer=True)
        if output_format not in OUTPUT_FORMATS:
            raise TikTokValidationError(f"output_format must be one of {OUTPUT_FORMATS}, got {output_format!r}")
        resolve_entity(entity)
        if not is_templated(destination):
            render_entity_destination(destination, {"advertiser_id": "1", "entity": "ads", "ext": "jsonl"})
        super().__init__(destination=destination, **kwargs)
        self.entity, self.advertiser_id, self.fields = entity, advertiser_id, fields
        self.filtering, self.include_deleted, self.updated_since = filtering, include_deleted, updated_since
        self.page_size, self.output_format = page_size, output_format
        self.max_concurrency = max_concurrency
        # Static values are checked while the DAG is parsed (a templated advertiser id by a stand-in).
        self.build_request(parse_time=True)

    @property
    def subject(self) -> str:
        return f"Advertiser {self.advertiser_id} {self.entity}"

    def build_request(self, *, parse_time: bool = False) -> EntityRequest:
        filtering, since = self.filtering, self.updated_since
        if parse_time:
            if holds_template(filtering):
                filtering = None
            if is_templated(since):
                since = None
        advertiser_id = self.advertiser_id
        if parse_time and (advertiser_id is None or is_templated(advertiser_id)):
            advertiser_id = _PARSE_TIME_ID
        if advertiser_id in (None, ""):
            raise TikTokValidationError("advertiser_id is required: pass the ad account id (or map over ids)")
        return EntityRequest(entity=self.entity, advertiser_id=str(advertiser_id).strip(), fields=self.fields,
                             filtering=filtering, include_deleted=self.include_deleted, updated_since=since,
                             page_size=self.page_size)

    def _extension(self) -> str:
        return self.output_format + (".gz" if self.compression == "gzip" else "")

    def run(self, context: Any) -> dict[str, Any]:
        request = self.build_request()
        values = {"advertiser_id": request.advertiser_id, "entity": request.entity, "ext": self._extension()}
        path = resolve_destination(render_entity_destination(self.destination, values),
                                   conn_id=self.destination_conn_id)
        self.log.info("%s: listing %s (page size %d%s%s) -> %s", self.subject, request.entity, request.page_size,
                      ", with deleted" if request.include_deleted else "",
                      f", modified since {request.updated_since} UTC" if request.updated_since else "", path)
        stats = EntityStats()
        progress = ProgressLogger(f"{self.subject}", logger=self.log)
        pages = self.hook.iter_entity_pages(request, stats, max_concurrency=self.max_concurrency)
        with atomic_write(path, compression=self.compression, owner=self.partial_owner) as sink:
            if self.output_format == "jsonl":
                writer: JsonLinesSink | CsvSink = JsonLinesSink(sink)
            else:
                writer = CsvSink(sink, request.columns)
            for rows in prefetch(pages):
                before = sink.bytes_in
                writer.write_rows(rows if self.output_format == "jsonl" else (csv_row(r) for r in rows))
                progress.update(bytes_added=sink.bytes_in - before, rows_added=len(rows))
        progress.done()
        return write_result(uri=path, rows=writer.rows, bytes=sink.bytes_stored, bytes_uncompressed=sink.bytes_in,
                            format=self.output_format, compression=self.compression,
                            advertiser_id=request.advertiser_id, entity=request.entity, pages=stats.pages,
                            rows_received=stats.received, include_deleted=request.include_deleted,
                            updated_since=request.updated_since)


__all__ = ["TikTokEntitiesToStorageOperator", "render_entity_destination"]
