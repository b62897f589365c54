"""``TikTokListAdvertisersOperator``: the advertisers a Marketing token may read, for dynamic task mapping.

Example::

    advertisers = TikTokListAdvertisersOperator(task_id="advertisers", allow_list="{{ var.value.tiktok_ids }}")
    TikTokSyncReportOperator.partial(task_id="report", ...).expand(advertiser_id=advertisers.output)

One mapped task per advertiser: an advertiser without permission fails only its own task.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow_provider_tiktok.api.core.errors import TikTokValidationError
from airflow_provider_tiktok.api.core.params import parse_advertiser_ids
from airflow_provider_tiktok.compat import AirflowFailException
from airflow_provider_tiktok.operators.base import TikTokBaseOperator, is_templated

RETURN_AS = ("ids", "records")


class TikTokListAdvertisersOperator(TikTokBaseOperator):
    """List the advertisers the connection's token is authorized for (``GET /oauth2/advertiser/get/``).

    :param tiktok_conn_id: a Marketing API ``tiktok`` connection (needs app id, app secret, access token).
    :param allow_list: optional advertiser ids to keep (list, or comma-separated / JSON string; templated).
        Ids in the allow-list the token cannot access are logged as a warning, or fail the task with
        ``fail_on_missing=True``.
    :param return_as: ``"ids"`` (default) returns ``["7100…", ...]`` for ``.expand(advertiser_id=...)``;
        ``"records"`` returns ``[{"advertiser_id": ..., "advertiser_name": ...}]`` for ``.expand_kwargs``.
        The records are pushed under the XCom key ``advertisers`` in both cases.
    :param fail_on_missing: fail when an allow-listed id is not authorized.
    """

    template_fields: Sequence[str] = ("allow_list", "tiktok_conn_id")

    def __init__(self, *, allow_list: Any = None, return_as: str = "ids", fail_on_missing: bool = False,
                 **kwargs: Any) -> None:
        if return_as not in RETURN_AS:
            raise TikTokValidationError(f"return_as must be one of {RETURN_AS}, got {return_as!r}")
        if not is_templated(allow_list):
            parse_advertiser_ids(allow_list, what="allow_list")
        super().__init__(**kwargs)
        self.allow_list = allow_list
        self.return_as = return_as
        self.fail_on_missing = fail_on_missing

    @property
    def subject(self) -> str:
        return f"Listing the advertisers of connection {self.tiktok_conn_id!r}"

    def run(self, context: Any) -> list[Any]:
        wanted = parse_advertiser_ids(self.allow_list, what="allow_list")
        advertisers = self.hook.get_authorized_advertisers()
        records = [a.as_dict() for a in advertisers]
        self.log.info("The token can access %d advertiser(s)", len(records))
        if wanted:
            known = {r["advertiser_id"] for r in records}
            missing = [i for i in wanted if i not in known]
            if missing:
                message = (f"allow_list ids {missing} are not authorized for this token: re-authorize them or "
                           "remove them from the allow-list")
                if self.fail_on_missing:
                    raise AirflowFailException(message)
                self.log.warning(message)
            order = {advertiser_id: i for i, advertiser_id in enumerate(wanted)}
            records = sorted((r for r in records if r["advertiser_id"] in order),
                             key=lambda r: order[r["advertiser_id"]])
            if not records:
                raise AirflowFailException(f"none of the allow-listed advertisers {wanted} is authorized")
        for record in records:
            self.log.info("  %s  %s", record["advertiser_id"], record.get("advertiser_name") or "")
        ti = context.get("ti") if hasattr(context, "get") else None
        if ti is not None:
            ti.xcom_push(key="advertisers", value=records)
        if self.return_as == "records":
            return records
        return [r["advertiser_id"] for r in records]


__all__ = ["TikTokListAdvertisersOperator"]
