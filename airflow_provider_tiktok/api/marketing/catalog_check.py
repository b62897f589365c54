"""The check of report dimensions and metrics against the :mod:`catalog <.catalog>`, before any HTTP call.

Kept apart from the catalog so that the catalog imports nothing but the standard library and
``api.spec`` (the emulator imports it); this module adds the provider's exception.
"""

from __future__ import annotations

from collections.abc import Iterable

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.marketing.catalog import field_problems

#: At most this many problems are listed in one error message.
MAX_LISTED = 5


def check_report_fields(report_type: str, data_level: str | None, dimensions: Iterable[str],
                        metrics: Iterable[str] | None = ()) -> None:
    """Raise :class:`TikTokValidationError` naming every unknown or misplaced name (with a suggestion).

    E.g. ``metrics: 'spendd' is not a TikTok metric for BASIC reports; did you mean 'spend'?``
    """
    problems = field_problems(report_type, data_level, dimensions, metrics or ())
    if problems:
        listed = "; ".join(p.message() for p in problems[:MAX_LISTED])
        more = len(problems) - MAX_LISTED
        raise TikTokValidationError(listed + (f" (and {more} more)" if more > 0 else ""))


__all__ = ["check_report_fields"]
