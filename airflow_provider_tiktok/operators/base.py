"""``TikTokBaseOperator``: what every TikTok operator shares.

- ``tiktok_conn_id`` and one cached :attr:`~TikTokBaseOperator.hook`, closed when ``execute`` (or
  ``execute_complete``) ends;
- one error wrapper: a :class:`~airflow_provider_tiktok.api.core.errors.TikTokError` that a retry
  cannot fix (bad arguments, permissions, credentials, parameters TikTok rejected) becomes an
  :class:`AirflowFailException` (no Airflow retries) with the error's one hint; anything retryable
  is raised as is, so Airflow's ``retries`` apply;
- parse-time checks for static arguments (:func:`check_positive`, :func:`is_templated`).

Subclasses implement :meth:`run` (and :meth:`resume` when they defer) instead of ``execute``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any, TypeVar

from airflow.sdk import BaseOperator

from airflow_provider_tiktok.api.core.errors import PERMANENT_ERRORS, TikTokError, TikTokValidationError
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.connection import DEFAULT_CONN_ID
from airflow_provider_tiktok.hooks.tiktok import TikTokHook
from airflow_provider_tiktok.operators.lineage import TikTokLineageMixin
from airflow_provider_tiktok.utils.storage import check_compression, resolve_destination

T = TypeVar("T")


def is_templated(value: Any) -> bool:
    """True for a Jinja string (rendered at run time, so it cannot be checked while the DAG is parsed)."""
    return isinstance(value, str) and ("{{" in value or "{%" in value)


def holds_template(value: Any) -> bool:
    """:func:`is_templated` for a value or anything inside a list / tuple / dict."""
    if isinstance(value, (list, tuple)):
        return any(holds_template(v) for v in value)
    if isinstance(value, dict):
        return any(holds_template(v) for v in value.values())
    return is_templated(value)


def check_positive(name: str, value: Any, *, integer: bool = False, allow_none: bool = False,
                   maximum: float | None = None) -> Any:
    """``value`` if it is a positive number (an integer with ``integer``), else a clear error naming ``name``."""
    if value is None and allow_none:
        return None
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0 or \
            (maximum is not None and value > maximum):
        what = "an integer" if integer else "a number"
        bound = f" from 1 to {maximum:g}" if maximum is not None else " greater than 0"
        raise TikTokValidationError(f"{name} must be {what}{bound}, got {value!r}")
    return value


def partial_owner(context: Any) -> str | None:
    """A short stable name of the task instance (dag, run, task, map index) for its temporary objects."""
    ti = context.get("ti") if hasattr(context, "get") else None
    if ti is None:
        return None
    key = "|".join(str(getattr(ti, name, "")) for name in ("dag_id", "run_id", "task_id", "map_index"))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def fail_for(exc: TikTokError, subject: str) -> BaseException:
    """``AirflowFailException`` (no retry) for :data:`PERMANENT_ERRORS`, else ``exc`` itself."""
    if isinstance(exc, PERMANENT_ERRORS):
        return AirflowFailException(f"{subject}: {exc}")
    return exc


def outlet_assets(destination: Any, destination_conn_id: str | None, emit_asset: Any) -> list[Any]:
    """The outlet Assets ``emit_asset`` asks for; checks a static destination at parse time.

    ``emit_asset``: ``False`` (none), ``True`` (``Asset(<destination>)``, for a static destination), or an
    ``Asset`` / URI string naming the data set when the destination is templated (e.g. one file per day).
    """
    # A Jinja template, or {placeholder}s filled per advertiser / window / entity: one data set, many files.
    templated = is_templated(destination) or "{" in str(destination)
    resolved = None if templated else resolve_destination(destination, conn_id=destination_conn_id)
    if emit_asset is None or emit_asset is False:
        return []
    from airflow.sdk import Asset

    if emit_asset is True:
        if templated:
            raise TikTokValidationError(
                f"emit_asset=True needs a static destination, got the template {destination!r}; pass "
                "emit_asset=Asset('<scheme>://<bucket>/<prefix>') (or a URI string) to name the data set instead")
        return [Asset(str(resolved))]
    if isinstance(emit_asset, str) and emit_asset.strip():
        return [Asset(emit_asset.strip())]
    if isinstance(emit_asset, Asset):
        return [emit_asset]
    raise TikTokValidationError(f"emit_asset must be True, False, an Asset or a URI string, got {emit_asset!r}")


class TikTokHookMixin:
    """One cached :attr:`hook` per ``execute`` for operators and sensors; :meth:`close_hook` ends it."""

    tiktok_conn_id: str

    @cached_property
    def hook(self) -> TikTokHook:
        return TikTokHook(tiktok_conn_id=self.tiktok_conn_id)

    def close_hook(self) -> None:
        hook = self.__dict__.pop("hook", None)
        if hook is not None:
            hook.close()


class TikTokBaseOperator(TikTokHookMixin, BaseOperator):
    """Base class of the provider's operators.

    :param tiktok_conn_id: the Airflow connection of type ``tiktok`` (default ``tiktok_default``).
    """

    ui_color = "#fe2c55"

    def __init__(self, *, tiktok_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tiktok_conn_id = tiktok_conn_id
        #: Names this task instance's temporary objects (set per execute) so a retry removes a killed try's.
        self.partial_owner: str | None = None

    @property
    def subject(self) -> str:
        """What failed, at the start of an error message."""
        return f"{type(self).__name__} {self.task_id!r}"

    @contextmanager
    def tiktok_errors(self) -> Iterator[None]:
        """Map TikTok errors to Airflow's (see :func:`fail_for`); close the hook afterwards."""
        try:
            yield
        except TikTokError as exc:
            raise fail_for(exc, self.subject) from exc
        finally:
            self.close_hook()

    def guarded(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.tiktok_errors():
            return fn(*args, **kwargs)

    def execute(self, context: Any) -> Any:
        self.partial_owner = partial_owner(context)
        return self.guarded(self.run, context)

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> Any:
        self.partial_owner = partial_owner(context)
        return self.guarded(self.resume, context, event)

    def run(self, context: Any) -> Any:
        raise NotImplementedError

    def resume(self, context: Any, event: dict[str, Any] | None) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not defer")


class TikTokWriteOperator(TikTokLineageMixin, TikTokBaseOperator):
    """Base of the operators that write one file: ``destination`` (templated), ``destination_conn_id``,
    ``compression`` (``None`` or ``"gzip"``) and ``emit_asset`` (see :func:`outlet_assets`), all checked at
    DAG parse time. Their results follow :mod:`airflow_provider_tiktok.operators.results`.

    Lineage comes for free (:mod:`airflow_provider_tiktok.operators.lineage`): each run's result names the
    OpenLineage output, and :meth:`lineage_inputs` (override it in a new operator) the TikTok input; the
    ``emit_asset`` Asset events carry the result's ``uri``, ``rows`` and dates in their ``extra``.
    """

    def __init__(self, *, destination: Any, destination_conn_id: str | None = None, compression: str | None = None,
                 emit_asset: Any = False, **kwargs: Any) -> None:
        check_compression(compression)
        assets = outlet_assets(destination, destination_conn_id, emit_asset)
        if assets:
            given = kwargs.get("outlets") or []
            kwargs["outlets"] = [*(given if isinstance(given, (list, tuple)) else [given]), *assets]
        super().__init__(**kwargs)
        self.destination, self.destination_conn_id, self.compression = destination, destination_conn_id, compression
        self._tiktok_assets = assets

    def resolved_destination(self) -> Any:
        """The rendered destination as an ``ObjectStoragePath``."""
        return resolve_destination(self.destination, conn_id=self.destination_conn_id)

    def execute(self, context: Any) -> Any:
        return self.remember_result(context, super().execute(context))

    def execute_complete(self, context: Any, event: dict[str, Any] | None = None) -> Any:
        return self.remember_result(context, super().execute_complete(context, event))


__all__ = [
    "TikTokBaseOperator",
    "TikTokHookMixin",
    "TikTokWriteOperator",
    "check_positive",
    "fail_for",
    "holds_template",
    "is_templated",
    "outlet_assets",
    "partial_owner",
]
