"""Catalog of the dimensions and metrics of TikTok's v1.3 reports (``/report/integrated/get/`` and
``/report/task/create/``), with their declared value types.

What it knows, and from where (TikTok's API for Business docs unless noted):

* **Metrics** (:data:`METRIC_TYPES`, ~1,000 names in :mod:`.catalog_metrics` and
  :mod:`.catalog_events`): attribute, core, video, engagement, LIVE, instant experience, in-app,
  SKAN, website / TikTok page, offline, shop and attribution metrics of basic and audience reports,
  each with a declared type (``int`` counts; ``float`` money, ratios, percentages; ``str``
  attributes; ``bool`` flags).
* **Dimensions** per report type (:data:`REPORT_DIMENSIONS`): ID dimensions, ``stat_time_day`` /
  ``stat_time_hour``, the basic-report breakdowns, the audience dimensions (``age``, ``gender``,
  ``country_code``, ``platform``, ...), the playable and GMV max dimensions.
* **Data levels**: an ID dimension needs a data level at least as fine as itself
  (``campaign_id`` at campaign level and below, ``ad_id`` only at ad level).

Report types whose metric or dimension list TikTok does not publish completely (``None`` in
:data:`REPORT_METRICS` / :data:`REPORT_DIMENSIONS`: DSA ``CATALOG``, ``BC``, and the metrics of
``PLAYABLE_MATERIAL`` / ``TT_SHOP``) are not checked: a name TikTok accepts must never fail here.
Audience reports accept the basic metric families; which metric goes with which breakdown is left
to TikTok. Names are checked, not combinations.

Imports nothing beyond the standard library and :mod:`airflow_provider_tiktok.api.spec`, so the
emulator validates with the same catalog (the emulator trusts it; there is no second copy).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing.catalog_events import EVENT_TABLES
from airflow_provider_tiktok.api.marketing.catalog_metrics import METRIC_TABLES

METRIC_VALUE_TYPES: Final = ("int", "float", "str", "bool")


def _index(tables: Mapping[str, Mapping[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    types: dict[str, str] = {}
    groups: dict[str, str] = {}
    for group, by_type in tables.items():
        for kind, names in by_type.items():
            for name in names.split():
                types[name] = kind
                groups[name] = group
    return types, groups


_TYPES, _GROUPS = _index({**METRIC_TABLES, **EVENT_TABLES})
#: metric name -> declared value type (``int`` / ``float`` / ``str`` / ``bool``).
METRIC_TYPES: Final = _TYPES
#: metric name -> its group (TikTok's doc section, e.g. ``core``, ``in_app_events``).
METRIC_GROUPS: Final = _GROUPS
ALL_METRICS: Final = frozenset(METRIC_TYPES)

# --- dimensions -----------------------------------------------------------------------------

#: ID dimensions and the hierarchy level each needs (0 advertiser .. 3 ad).
ID_DIMENSION_LEVELS: Final = {"advertiser_id": 0, "campaign_id": 1, "adgroup_id": 2, "ad_id": 3, "ad_id_v2": 3}
#: ``data_level`` suffix -> hierarchy level.
DATA_LEVEL_DEPTH: Final = {"ADVERTISER": 0, "CAMPAIGN": 1, "ADGROUP": 2, "AD": 3}
TIME_DIMENSIONS: Final = frozenset({spec.TIME_DIMENSION_DAY, spec.TIME_DIMENSION_HOUR})
#: Breakdowns of basic reports besides ID and time dimensions.
BASIC_BREAKDOWNS: Final = frozenset("""
    country_code ad_type custom_event_type event_source_id page_id component_name room_id post_id image_id
    video_material_id minis_id search_terms search_keyword match_type skan_postback_sequence
""".split())
#: Audience dimensions (an audience report needs at least one).
AUDIENCE_BREAKDOWNS: Final = frozenset("""
    age gender country_code province_id dma_id language platform ac placement interest_category
    interest_category_v2 interest_category_tier2 interest_category_tier3 interest_category_tier4 device_brand_id
    behavior_id purchase_intention contextual_tag hashtag audience_tags additional_interests ad_type
""".split())
_IDS = frozenset(ID_DIMENSION_LEVELS)

#: report type -> accepted dimensions (``None``: TikTok publishes no complete list, not checked).
REPORT_DIMENSIONS: Final[dict[str, frozenset[str] | None]] = {
    "BASIC": _IDS | TIME_DIMENSIONS | BASIC_BREAKDOWNS,
    "AUDIENCE": _IDS | {spec.TIME_DIMENSION_DAY} | AUDIENCE_BREAKDOWNS,
    "PLAYABLE_MATERIAL": frozenset({"playable_id", "country_code"}),
    "CATALOG": None,
    "BC": None,
    "TT_SHOP": frozenset({"advertiser_id", "campaign_id", spec.TIME_DIMENSION_DAY, "country_code"}),
}
#: report type -> accepted metrics (``None``: not checked).
REPORT_METRICS: Final[dict[str, frozenset[str] | None]] = {
    "BASIC": ALL_METRICS, "AUDIENCE": ALL_METRICS,
    "PLAYABLE_MATERIAL": None, "CATALOG": None, "BC": None, "TT_SHOP": None,
}
#: TikTok's pages listing the names, quoted in error messages.
DOC_PAGES: Final = {
    ("BASIC", "metrics"): "1751443967255553", ("BASIC", "dimensions"): "1751443956638721",
    ("AUDIENCE", "metrics"): "1751454162042882", ("AUDIENCE", "dimensions"): "1751454103714818",
    ("PLAYABLE_MATERIAL", "dimensions"): "1751617879104514", ("TT_SHOP", "dimensions"): "1803073899092993",
}
DOCS_URL: Final = "https://business-api.tiktok.com/portal/docs?id="


def metric_type(name: str) -> str | None:
    """The declared type of metric ``name``, or ``None`` when the catalog does not know it."""
    return METRIC_TYPES.get(name)


def level_of(data_level: str | None) -> int | None:
    """Hierarchy level of a ``data_level`` (``AUCTION_CAMPAIGN`` -> 1); ``None`` when unset."""
    if not data_level or "_" not in data_level:
        return None
    return DATA_LEVEL_DEPTH.get(data_level.split("_", 1)[1])


def _known(argument: str, report_type: str) -> frozenset[str] | None:
    table = REPORT_METRICS if argument == "metrics" else REPORT_DIMENSIONS
    return table.get(report_type)


@dataclass(frozen=True)
class FieldProblem:
    """One name TikTok would reject: unknown for the report type, or finer than the data level."""

    argument: str  #: ``metrics`` or ``dimensions``
    name: str
    report_type: str
    data_level: str | None = None
    suggestion: str | None = None
    #: Set for an ID dimension finer than ``data_level``: the coarsest data level that allows it.
    needs_level: str | None = None

    @property
    def unknown(self) -> bool:
        return self.needs_level is None

    def message(self) -> str:
        kind = self.argument[:-1]  # "metric" / "dimension"
        if self.needs_level is not None:
            return (f"{self.argument}: {self.name!r} is not available at data_level {self.data_level} for "
                    f"{self.report_type} reports; use data_level {self.needs_level} (or finer) or drop it")
        text = f"{self.argument}: {self.name!r} is not a TikTok {kind} for {self.report_type} reports"
        other = "dimensions" if self.argument == "metrics" else "metrics"
        if self.name in (_known(other, self.report_type) or ()):
            return f"{text}: it is a {other[:-1]}; move it to {other}"
        if self.suggestion:
            return f"{text}; did you mean {self.suggestion!r}?"
        page = DOC_PAGES.get((self.report_type, self.argument))
        return f"{text}; see {DOCS_URL}{page}" if page else text


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The closest catalogued name (``difflib``), or ``None``."""
    found = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _finer_level(data_level: str, level: int) -> str:
    prefix = data_level.split("_", 1)[0]
    suffix = next(s for s, depth in DATA_LEVEL_DEPTH.items() if depth == level)
    return f"{prefix}_{suffix}"


def field_problems(report_type: str, data_level: str | None, dimensions: Iterable[str],
                   metrics: Iterable[str] = ()) -> list[FieldProblem]:
    """Every dimension / metric name TikTok would reject for this report type and data level."""
    problems: list[FieldProblem] = []
    depth = level_of(data_level)
    for argument, names in (("dimensions", dimensions), ("metrics", metrics)):
        known = _known(argument, report_type)
        for name in names:
            if known is not None and name not in known:
                problems.append(FieldProblem(argument, name, report_type, data_level, closest(name, known)))
            elif argument == "dimensions" and data_level and depth is not None \
                    and ID_DIMENSION_LEVELS.get(name, 0) > depth:
                problems.append(FieldProblem(argument, name, report_type, data_level,
                                             needs_level=_finer_level(data_level, ID_DIMENSION_LEVELS[name])))
    return problems


__all__ = [
    "ALL_METRICS",
    "AUDIENCE_BREAKDOWNS",
    "BASIC_BREAKDOWNS",
    "ID_DIMENSION_LEVELS",
    "METRIC_GROUPS",
    "METRIC_TYPES",
    "REPORT_DIMENSIONS",
    "REPORT_METRICS",
    "FieldProblem",
    "closest",
    "field_problems",
    "level_of",
    "metric_type",
]
