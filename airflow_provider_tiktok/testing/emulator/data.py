"""Deterministic report data.

A report is a virtual table addressed by row index: rows are ordered by advertiser, entity
(advertiser / campaign / adgroup / ad, the finest ID dimension requested), period (day or
hour) and audience breakdown combination.  Any row can be computed from its index alone, so
page N of a sync report or a 1 GiB CSV never needs the whole table in memory.

Cell values depend only on (seed, requested dimension set, advertiser, entity, absolute
period, breakdown combination, metric name): the same day returns the same numbers whatever
the queried date range, so clients can split ranges and compare.

Values follow the catalog's declared metric types (:mod:`airflow_provider_tiktok.api.marketing.catalog`):
``int`` metrics are integer strings, ``float`` metrics carry two decimals, ``str`` / ``bool``
metrics are attributes of the row's entity. Validation has already rejected names TikTok does not
know, so no data is invented for them.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import airflow_provider_tiktok.testing.emulator.constants as C
from airflow_provider_tiktok.api import spec
from airflow_provider_tiktok.api.marketing import catalog
from airflow_provider_tiktok.testing.emulator.validation import ReportQuery

M64 = (1 << 64) - 1
POOL_BITS = 12
POOL_SIZE = 1 << POOL_BITS
CHUNK_BYTES = 64 * 1024
_ID_PREFIX = {1: "17", 2: "18", 3: "19"}
_NAME_WORD = {1: "Campaign", 2: "Ad Group", 3: "Ad"}


def stable_int(*parts: Any) -> int:
    """64-bit integer from a stable hash of ``parts`` (independent of PYTHONHASHSEED)."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "big")


def mix64(x: int) -> int:
    """splitmix64 finaliser."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def entity_count(ads: int, level: int) -> int:
    """Entities per advertiser: ads, ceil(ads/2) adgroups, ceil(ads/4) campaigns, 1 advertiser."""
    if level == 0:
        return 1
    shift = 3 - level
    return max(1, (ads + (1 << shift) - 1) >> shift) if ads > 0 else 0


def entity_id(level: int, adv_ord: int, index: int) -> str:
    """19-digit id: level prefix (17 campaign, 18 adgroup, 19 ad) + advertiser ordinal + index."""
    return f"{_ID_PREFIX[level]}{adv_ord:03d}{index:014d}"


def parse_entity_id(value: str) -> tuple[int, int, int] | None:
    """Inverse of ``entity_id`` -> (level, advertiser ordinal, index) or None."""
    if len(value) != 19 or not value.isdigit():
        return None
    for level, prefix in _ID_PREFIX.items():
        if value.startswith(prefix):
            return level, int(value[2:5]), int(value[5:])
    return None


def _is_rate(metric: str) -> bool:
    return any(marker in metric for marker in C.RATE_METRIC_MARKERS)


def _is_money(metric: str) -> bool:
    return any(marker in metric for marker in C.MONEY_METRIC_MARKERS)


class MetricPool:
    """Pre-rendered values of one metric; ~5% are ``"-"`` (TikTok's "no data")."""

    def __init__(self, seed: int, metric: str) -> None:
        rnd = random.Random(stable_int(seed, "pool", metric))
        self.salt = stable_int(seed, "salt", metric) | 1
        declared = catalog.metric_type(metric)  # None for report types whose metrics are not catalogued
        rate = _is_rate(metric) and declared != "int"
        self.additive = not rate
        self.money = declared == "float" or (declared is None and (_is_money(metric) or rate))
        self.strings: list[str] = []
        self.numbers: list[float] = []
        for _ in range(POOL_SIZE):
            if rnd.random() < 0.05:
                self.strings.append("-")
                self.numbers.append(0.0)
                continue
            if rate:
                value: float = round(rnd.uniform(0, 20), 2)
            elif self.money:
                value = round(rnd.uniform(0, 500), 2)
            else:
                value = float(rnd.randint(0, 50000))
            self.numbers.append(value)
            self.strings.append(f"{value:.2f}" if self.money else str(int(value)))

    def index(self, row_hash: int) -> int:
        return (((row_hash ^ self.salt) * 0x2545F4914F6CDD1D) & M64) >> (64 - POOL_BITS)


@dataclass
class Segment:
    advertiser: dict[str, str]
    ordinal: int
    entities: Sequence[int]


class ReportPlan:
    """Row-addressable view of one report query."""

    def __init__(
        self,
        query: ReportQuery,
        *,
        seed: int,
        advertisers: list[tuple[dict[str, str], int, int]],  # (advertiser record, ordinal, ads count)
        sync: bool,
        row_limit: int | None = None,
        unbounded: bool = False,
    ) -> None:
        self.query = query
        self.seed = seed
        self.level = query.entity_level
        self.throttled = False
        self.periods = self._periods(query)
        self.combos = list(itertools.product(*(C.AUDIENCE_DIMENSION_VALUES[d] for d in query.breakdowns)))
        self.dim_salt = stable_int(seed, "dims", tuple(sorted(query.dimensions)), query.report_type)
        self.segments = [Segment(adv, ordinal, self._entities(ordinal, ads)) for adv, ordinal, ads in advertisers]
        per_entity = len(self.periods) * len(self.combos)
        if sync and self.level == 3:
            self._cap_ads()
        if unbounded or row_limit is not None:
            # Synthetic size (report_rows / report_bytes): extend every segment with virtual entities.
            wanted = row_limit if row_limit is not None else 10**15
            n = max(1, len(self.segments))
            extra = -(-wanted // (n * per_entity))
            for seg in self.segments:
                seg.entities = range(max(extra, 1))
        self.per_entity = per_entity
        self.starts: list[int] = []
        total = 0
        for seg in self.segments:
            self.starts.append(total)
            total += len(seg.entities) * per_entity
        self.total = min(total, row_limit) if row_limit is not None else total
        self.pools = {m: MetricPool(seed, m) for m in query.metrics
                      if m not in C.ATTRIBUTE_METRICS and catalog.metric_type(m) not in ("str", "bool")}

    # --- construction -------------------------------------------------------------------
    @staticmethod
    def _periods(query: ReportQuery) -> list[tuple[str | None, int]]:
        if query.time_dimension is None or query.start_date is None or query.end_date is None:
            return [(None, 1 if query.query_lifetime else 0)]
        days = (query.end_date - query.start_date).days + 1
        dates = [query.start_date + dt.timedelta(days=i) for i in range(days)]
        if query.time_dimension == "stat_time_day":
            return [(f"{d.isoformat()} 00:00:00", d.toordinal() * 24) for d in dates]
        return [(f"{d.isoformat()} {h:02d}:00:00", d.toordinal() * 24 + h) for d in dates for h in range(24)]

    def _entities(self, ordinal: int, ads: int) -> Sequence[int]:
        count = entity_count(ads, self.level)
        selected: Sequence[int] = range(count)
        for flevel, ids in self.query.id_filters.items():
            wanted: set[int] = set()
            for raw in ids:
                parsed = parse_entity_id(raw)
                if parsed is None or parsed[0] != flevel or parsed[1] != ordinal:
                    continue
                idx = parsed[2]
                if self.level == 0:
                    if idx < entity_count(ads, flevel):
                        wanted.add(0)
                elif flevel <= self.level:
                    shift = self.level - flevel
                    wanted.update(range(idx << shift, min((idx + 1) << shift, count)))
                else:
                    wanted.add(idx >> (flevel - self.level))
            selected = sorted(i for i in selected if i in wanted)
        return selected

    def _cap_ads(self) -> None:
        """Sync reports return at most 20,000 ads (flagged with the X-Tt-Ads-Throttle header)."""
        total_ads = sum(len(s.entities) for s in self.segments)
        if total_ads < spec.SYNC_REPORT_AD_LIMIT:
            return
        self.throttled = True
        budget = spec.SYNC_REPORT_AD_LIMIT
        for seg in self.segments:
            take = min(len(seg.entities), budget)
            seg.entities = seg.entities[:take]
            budget -= take

    # --- addressing ---------------------------------------------------------------------
    def locate(self, index: int) -> tuple[Segment, int, int, int]:
        """Row index -> (segment, entity index, period position, combo position)."""
        s = bisect.bisect_right(self.starts, index) - 1
        seg = self.segments[s]
        local = index - self.starts[s]
        e_pos, rem = divmod(local, self.per_entity)
        p, c = divmod(rem, len(self.combos))
        return seg, seg.entities[e_pos], p, c

    def row_hash(self, seg: Segment, entity: int, period_key: int, combo: int) -> int:
        x = self.dim_salt ^ (seg.ordinal * 0x9E3779B97F4A7C15) ^ (entity * 0xD6E8FEB86659FD93)
        x ^= (period_key * 0xA0761D6478BD642F) ^ (combo * 0xE7037ED1A0B428DB)
        return mix64(x & M64)

    def cells(self, seg: Segment, entity: int, p: int, c: int) -> dict[str, str]:
        """Dimension and metric values (strings) of one row."""
        label, key = self.periods[p]
        h = self.row_hash(seg, entity, key, c)
        out: dict[str, str] = {}
        q = self.query
        for dim in q.dimensions:
            out[dim] = self._dimension(dim, seg, entity, label, c)
        for metric in q.metrics:
            if metric in out:
                continue
            pool = self.pools.get(metric)
            out[metric] = pool.strings[pool.index(h)] if pool else self._attribute(metric, seg, entity)
        return out

    def _dimension(self, dim: str, seg: Segment, entity: int, label: str | None, c: int) -> str:
        if dim == "advertiser_id":
            return seg.advertiser["advertiser_id"]
        if dim in C.ID_DIMENSIONS:
            level = C.ID_DIMENSIONS.index(dim)
            return entity_id(level, seg.ordinal, entity >> (self.level - level))
        if dim in C.TIME_DIMENSIONS:
            return label or ""
        if dim in C.AUDIENCE_DIMENSION_VALUES:
            return self.combos[c][self.query.breakdowns.index(dim)]
        return f"{stable_int(dim) % 9000 + 1000}{seg.ordinal:03d}{entity:012d}"

    def _attribute(self, metric: str, seg: Segment, entity: int) -> str:
        adv = seg.advertiser
        if metric in ("advertiser_name", "currency", "timezone", "advertiser_id"):
            return adv.get(metric, "-")
        if metric in ("campaign_id", "adgroup_id"):
            level = C.ID_DIMENSIONS.index(metric)
            return entity_id(level, seg.ordinal, entity >> (self.level - level)) if self.level >= level else "-"
        for level, word in _NAME_WORD.items():
            if metric == f"{C.ID_DIMENSIONS[level][:-3]}_name":
                if self.level < level:
                    return "-"
                return f"Emulator {word} {seg.ordinal:03d}-{entity >> (self.level - level):05d}"
        if metric == "ad_text":
            return f"Emulator ad text {entity}" if self.level == 3 else "-"
        return {"objective_type": "TRAFFIC", "promotion_type": "WEBSITE", "budget_mode": "BUDGET_MODE_DAY"}.get(
            metric, "-"
        )

    def row(self, index: int) -> dict[str, str]:
        return self.cells(*self.locate(index))

    # --- bulk -------------------------------------------------------------------------
    def iter_rows(self, start: int = 0, stop: int | None = None) -> Iterator[dict[str, str]]:
        stop = self.total if stop is None else min(stop, self.total)
        for i in range(start, stop):
            yield self.row(i)

    def total_metrics(self) -> dict[str, str]:
        """``data.total_metrics``: sums of additive metrics, ``"-"`` for rates/attributes."""
        sums = {m: 0.0 for m, pool in self.pools.items() if pool.additive}
        for i in range(self.total):
            seg, entity, p, c = self.locate(i)
            h = self.row_hash(seg, entity, self.periods[p][1], c)
            for m in sums:
                pool = self.pools[m]
                sums[m] += pool.numbers[pool.index(h)]
        out: dict[str, str] = {}
        for m in self.query.metrics:
            found = self.pools.get(m)
            if m in sums and found is not None:
                out[m] = f"{sums[m]:.2f}" if found.money else str(int(sums[m]))
            else:
                out[m] = "-"
        return out


def iter_csv(plan: ReportPlan, *, titles: bool, max_bytes: int | None = None) -> Iterator[bytes]:
    """CSV bytes in ~64 KiB chunks: header row then one line per row (``\\n`` line ends).

    Produces exactly the values of ``ReportPlan.cells`` but walks the table with nested loops,
    computing per-advertiser / per-entity columns once.  With ``max_bytes`` rows are emitted
    until the output reaches that size (report_bytes knob).
    """
    q = plan.query
    cols = q.columns
    header = ",".join(C.translate_title(c) if titles else c for c in cols) + "\n"
    buf: list[str] = [header]
    size = len(header)
    written = 0
    remaining = plan.total
    metric_slots = [(i, plan.pools[c]) for i, c in enumerate(cols) if c not in q.dimensions and c in plan.pools]
    time_slots = [i for i, c in enumerate(cols) if c in C.TIME_DIMENSIONS]
    combo_slots = [(i, q.breakdowns.index(c)) for i, c in enumerate(cols) if c in q.breakdowns]
    per_row = {i for i, _ in metric_slots} | set(time_slots) | {i for i, _ in combo_slots}
    entity_slots = [i for i in range(len(cols)) if i not in per_row]
    combos = list(enumerate(plan.combos))
    k5 = 0x2545F4914F6CDD1D
    shift = 64 - POOL_BITS
    for seg in plan.segments:
        if remaining <= 0:
            break
        seg_base = plan.dim_salt ^ (seg.ordinal * 0x9E3779B97F4A7C15)
        for entity in seg.entities:
            if remaining <= 0 or (max_bytes is not None and written + size >= max_bytes):
                break
            template = [""] * len(cols)
            for i in entity_slots:
                name = cols[i]
                if name in q.dimensions:
                    template[i] = _csv_cell(plan._dimension(name, seg, entity, None, 0))
                else:
                    template[i] = _csv_cell(plan._attribute(name, seg, entity))
            ent_base = seg_base ^ (entity * 0xD6E8FEB86659FD93)
            for label, pkey in plan.periods:
                for i in time_slots:
                    template[i] = label or ""
                pe = ent_base ^ (pkey * 0xA0761D6478BD642F)
                for c_idx, combo in combos:
                    if remaining <= 0 or (max_bytes is not None and written + size >= max_bytes):
                        break
                    remaining -= 1
                    x = (pe ^ (c_idx * 0xE7037ED1A0B428DB)) & M64
                    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
                    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
                    h = x ^ (x >> 31)
                    for i, pos in combo_slots:
                        template[i] = combo[pos]
                    for i, pool in metric_slots:
                        template[i] = pool.strings[(((h ^ pool.salt) * k5) & M64) >> shift]
                    line = ",".join(template) + "\n"
                    buf.append(line)
                    size += len(line)
                    if size >= CHUNK_BYTES:
                        chunk = "".join(buf).encode()
                        written += len(chunk)
                        yield chunk
                        buf, size = [], 0
    if buf:
        yield "".join(buf).encode()


def iter_csv_slow(plan: ReportPlan, *, titles: bool) -> Iterator[bytes]:
    """Reference implementation via ``ReportPlan.row`` (used by tests to cross-check ``iter_csv``)."""
    cols = plan.query.columns
    yield (",".join(C.translate_title(c) if titles else c for c in cols) + "\n").encode()
    for i in range(plan.total):
        cells = plan.row(i)
        yield (",".join(_csv_cell(cells[c]) for c in cols) + "\n").encode()


def _csv_cell(value: str) -> str:
    if "," in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value
