"""Marketing API entity lists of :class:`~airflow_provider_tiktok.hooks.tiktok.TikTokHook`.

``iter_entities(EntityRequest(...))`` yields an advertiser's campaigns, ad groups, ads, images,
videos, custom audiences or pixels, page by page (memory holds one page): every page is one
``_marketing_call`` (connection family checked before any HTTP; the client's retry policy retries
each page on its own), and :func:`~airflow_provider_tiktok.api.core.pager.iter_numbered_pages` checks
that the rows add up to TikTok's ``total_number``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.core.concurrent_pager import DEFAULT_MAX_CONCURRENCY, fetch_numbered_pages
from airflow_provider_tiktok.api.marketing import advertisers
from airflow_provider_tiktok.api.marketing.entities import (
    EntityRequest,
    EntityStats,
    advertiser_batches,
    entity_page,
)

if TYPE_CHECKING:
    from airflow_provider_tiktok.hooks.marketing import TikTokMarketingHookMixin

    _Base = TikTokMarketingHookMixin
else:
    _Base = object


class TikTokEntitiesHookMixin(_Base):
    """Campaigns, ad groups, ads, creatives, custom audiences, pixels and advertiser details."""

    def iter_entity_pages(self, request: EntityRequest, stats: EntityStats | None = None, *,
                          max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> Iterator[list[dict[str, Any]]]:
        """The output rows of ``request``, one list per TikTok page in page order (``updated_since`` applied).

        Up to ``max_concurrency`` pages are requested at a time (each drawing from the connection's rate
        budget); the rows come out exactly as a one-page-at-a-time read yields them.
        """
        stats = stats if stats is not None else EntityStats()
        if not request.entity_spec.paged:
            yield from self._advertiser_pages(request, stats)
            return
        label = f"{request.entity} of advertiser {request.advertiser_id}"
        pages = fetch_numbered_pages(lambda number: self._marketing_call(entity_page(request, number)),
                                     label=label, path=request.entity_spec.path, max_concurrency=max_concurrency)
        for page in pages:
            stats.pages += 1
            stats.received += len(page.items)
            rows = [request.shape(item) for item in page.items if request.keep(item)]
            stats.kept += len(rows)
            yield rows

    def iter_entities(self, request: EntityRequest, stats: EntityStats | None = None, *,
                      max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> Iterator[dict[str, Any]]:
        """The output rows of ``request`` one by one (see :meth:`iter_entity_pages`)."""
        for rows in self.iter_entity_pages(request, stats, max_concurrency=max_concurrency):
            yield from rows

    def _advertiser_pages(self, request: EntityRequest, stats: EntityStats) -> Iterator[list[dict[str, Any]]]:
        items = self.get_advertiser_info([request.advertiser_id], fields=list(request.fields))
        stats.pages += 1
        stats.received += len(items)
        rows = [request.shape(item) for item in items]
        stats.kept += len(rows)
        yield rows

    def iter_advertiser_info(self, advertiser_ids: Iterable[Any], fields: Sequence[str] | None = None, *,
                             batch_size: int = spec.ADVERTISER_INFO_MAX_IDS) -> Iterator[dict[str, Any]]:
        """``GET /advertiser/info/`` for any number of advertisers, ``batch_size`` (<= 100) ids per call."""
        wanted = list(fields) if fields else None
        if wanted:
            EntityRequest("advertisers", "1", fields=wanted)  # checks the names before any call
        for batch in advertiser_batches(list(advertiser_ids), batch_size):
            yield from self._marketing_call(advertisers.advertiser_info(batch, fields=wanted))


__all__ = ["TikTokEntitiesHookMixin"]
