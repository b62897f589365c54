"""Flatten and type the rows of ``/report/integrated/get/``.

TikTok returns each row as ``{"dimensions": {...}, "metrics": {...}}`` with every value a string and
``"-"`` meaning "no data". :class:`RowShaper` turns a row into one flat record:

* ``advertiser_id`` first (the row's own, else the requested advertiser's), then the dimensions in the
  requested order, then the metrics in the requested order; a metric never overwrites a dimension.
* typed mode (default): a metric the :mod:`catalog <.catalog>` declares is typed by its declared type,
  so a column has one type whatever its values look like: ``int`` (``"3400"`` → 3400; ``"12.0"`` →
  12), ``float`` (money, ratios, percentages: ``"12"`` → 12.0), ``str`` (attributes and ids, kept
  as sent), ``bool`` (``"true"`` / ``"false"``); ``"-"`` and, for numbers, ``""`` → ``None``; a value
  that does not parse (``"<5"``, ``"n/a"``, ``"inf"``) stays the string TikTok sent. Metrics the
  catalog does not know are sniffed: ``"-"`` → ``None``; integer strings → ``int``; decimal strings →
  ``float``; identifiers (``*_id``, ``*_name`` and other non-numeric attributes) stay strings.
  ``stat_time_day`` becomes the ISO date ``YYYY-MM-DD`` (TikTok sends ``YYYY-MM-DD 00:00:00``);
  ``stat_time_hour`` stays ``YYYY-MM-DD HH:MM:SS`` (the advertiser's local hour). Dimensions are never
  converted to numbers.
* raw mode (``typed=False``): every value exactly as TikTok sent it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing.catalog import metric_type

NO_DATA = "-"
#: Metrics that are attributes, not numbers (kept as strings even when they look numeric).
STRING_METRICS = frozenset({"currency", "timezone", "objective_type", "promotion_type", "budget_mode",
                            "ad_text", "call_to_action", "image_mode", "secondary_goal", "tt_app_id",
                            "tt_app_name", "mobile_app_id", "dpa_target_audience_type", "smart_target"})


def is_identifier(name: str) -> bool:
    """Fields whose values are ids or labels and must never become numbers."""
    return name.endswith(("_id", "_ids", "_name", "_code")) or name in STRING_METRICS


def _float(value: str) -> Any:
    if "_" in value:  # float() accepts "1_000.5"; TikTok never sends it, keep it as text
        return value
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _number(value: Any) -> Any:
    """``"-"`` → None; a numeric string → int or float; anything else unchanged.

    Decided by cheap substring tests so that the common cases raise no exception (much faster than
    regexes over every value of a 200k-row report). Spellings a strict number grammar rejects
    (underscores, ``nan``, ``inf``, overflow) stay strings.
    """
    if value.__class__ is not str:
        return value
    if "." in value:
        return _float(value)
    if value == NO_DATA:
        return None
    if "_" in value:
        return value
    try:
        return int(value)
    except ValueError:
        return _float(value)  # "1e3"


def _keep(value: Any) -> Any:
    return None if value is None or value == NO_DATA else value


def _null(value: str) -> bool:
    return value == NO_DATA or value == ""


def _declared_float(value: Any) -> Any:
    if value.__class__ is not str:
        return value
    return None if _null(value) else _float(value)


def _declared_int(value: Any) -> Any:
    if value.__class__ is not str:
        return value
    if _null(value):
        return None
    if "_" not in value:
        try:
            return int(value)
        except ValueError:
            pass
    number = _float(value)  # "12.0" (TikTok writes some counts with a decimal part)
    return int(number) if number.__class__ is float and number.is_integer() else number


def _declared_bool(value: Any) -> Any:
    if value.__class__ is not str:
        return value
    if _null(value):
        return None
    return {"true": True, "false": False}.get(value.strip().lower(), value)


_DECLARED: dict[str, Callable[[Any], Any]] = {
    "int": _declared_int, "float": _declared_float, "str": _keep, "bool": _declared_bool,
}


def metric_converter(name: str) -> Callable[[Any], Any]:
    """How values of metric ``name`` are typed (decided once per column, not per value):
    by the catalog's declared type, else by sniffing the value."""
    declared = metric_type(name)
    if declared is not None:
        return _DECLARED[declared]
    return _keep if is_identifier(name) else _number


def type_metric(name: str, value: Any) -> Any:
    """One metric value, typed as the module docstring says (``"-"`` → None, numbers parsed)."""
    return metric_converter(name)(value)


def _raw(value: Any) -> Any:
    return value


def _day(value: Any) -> Any:
    """``stat_time_day`` arrives as ``YYYY-MM-DD 00:00:00``; keep the date."""
    if value == NO_DATA:
        return None
    return value[:10] if isinstance(value, str) and len(value) >= 10 else value


def type_dimension(name: str, value: Any) -> Any:
    return _day(value) if name == spec.TIME_DIMENSION_DAY else _keep(value)


class RowShaper:
    """Turns TikTok report items into flat records with a fixed column order.

    :param dimensions: the requested dimensions (their order is the column order).
    :param metrics: the requested metrics.
    :param advertiser_id: tag for rows that do not carry their own ``advertiser_id``.
    :param typed: type the values (see module docstring); False keeps TikTok's raw strings.
    """

    def __init__(self, dimensions: Sequence[str], metrics: Sequence[str], *, advertiser_id: str | None = None,
                 typed: bool = True) -> None:
        self.dimensions = list(dimensions)
        self.metrics = [m for m in metrics if m not in self.dimensions]
        self.advertiser_id = advertiser_id
        self.typed = typed
        self.columns = ["advertiser_id"] + [c for c in self.dimensions + self.metrics if c != "advertiser_id"]
        self._converters: dict[str, Callable[[Any], Any]] = {}

    def _converter(self, name: str, *, dimension: bool) -> Callable[[Any], Any]:
        convert = self._converters.get(name)
        if convert is None:
            if not self.typed:
                convert = _raw
            elif dimension:
                convert = _day if name == spec.TIME_DIMENSION_DAY else _keep
            else:
                convert = metric_converter(name)
            self._converters[name] = convert
        return convert

    def shape(self, item: Mapping[str, Any]) -> dict[str, Any]:
        dims = item.get("dimensions") or {}
        metrics = item.get("metrics") or {}
        tag = dims.get("advertiser_id") or metrics.get("advertiser_id") or self.advertiser_id
        row: dict[str, Any] = {"advertiser_id": None if tag is None else str(tag)}
        converters = self._converters
        for name, value in dims.items():
            if name != "advertiser_id":
                convert = converters.get(name) or self._converter(name, dimension=True)
                row[name] = convert(value)
        for name, value in metrics.items():
            if name not in row:
                convert = converters.get(name) or self._converter(name, dimension=False)
                row[name] = convert(value)
        return row

    def shape_all(self, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.shape(item) for item in items]


__all__ = ["NO_DATA", "RowShaper", "is_identifier", "type_dimension", "type_metric"]
