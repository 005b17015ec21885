"""Facts → the measures table: one value per measure, region and date, never a sum of mentions (pure).

The fact table holds every mention of a number; the measures table holds what was reported. Rules:

* Only facts with a measure, a place in Inner Mongolia or the region as a whole (not ``outside``
  or ``unknown``) and a review status other than ``rejected`` count. Corrections made in review
  are in the facts already.
* A row is one measure × unit × per × region × as_of (league, banner, township or village, with
  its level), separately for levels (stock, part, rate, percent) and flows, and for flows per
  period start: 新建20个 and 已建成560个 of the same date are two figures, not one.
* **The same figure in several reports** — same measure, region and value, at dates no more than
  ``SAME_FIGURE_DAYS`` apart with no other value in between — is one row with ``n_reports`` > 1
  and every fact id; its ``as_of`` is the earliest (report B in September says 560, report C in
  October repeats it: one row, 560 as of September, two reports).
* **Parts are their own regions' figures** (其中东乌旗57个 is 东乌珠穆沁旗's row), never added to
  the total they belong to; nothing in this table is ever added up.
* **A flow reported again later in its period** (今年以来累计服务1.2万人次 in April, 3.1万人次 in
  October) keeps both rows, one per date: the later one is the latest value (3.1万), the earlier
  one a point of the trend; they are never added (4.3万 appears nowhere).

``MEASURE_COLUMNS`` is the column contract of ``measures.csv``: the issue's columns, then
``township, village, indicator, period_start`` (appended: township and village tell apart the
figures of different villages of a banner; indicator groups measures; period_start says what
period a flow covers).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import QUALIFIERS

MEASURE_COLUMNS: tuple[str, ...] = (
    "measure", "unit", "per", "kind", "region_level", "league", "league_code", "banner", "banner_code",
    "as_of", "value", "qualifier", "n_reports", "fact_ids",
    # appended after the columns
    "township", "village", "indicator", "period_start",
)
NUMERIC_MEASURE_COLUMNS: frozenset[str] = frozenset({"value", "n_reports"})
# The fact columns measure_table reads.
INPUT_COLUMNS: tuple[str, ...] = (
    "fact_id", "source_file", "published", "league", "league_code", "banner", "banner_code", "township",
    "village", "region_level", "indicator", "value", "qualifier", "unit", "per", "measure", "kind", "as_of",
    "period_start", "review_status",
)
SAME_FIGURE_DAYS = 92  # a figure repeated within a quarter of its last report is the same data point
EXCLUDED_LEVELS = frozenset({"outside", "unknown"})
LEVEL_ORDER = {"region": 0, "league": 1, "banner": 2, "township": 3, "village": 4}
FACT_ID_SEPARATOR = "|"
_REGION_KEY = ("region_level", "league_code", "banner_code", "township", "village")
_KEY = ("measure", "unit", "per", "basis", "period_start") + _REGION_KEY


def empty_measure_table() -> pd.DataFrame:
    """Return an empty measures table with the contract's columns."""
    out = pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "int64" if c == "n_reports" else "object")
                        for c in MEASURE_COLUMNS})
    return out


def _codes(s: pd.Series | None, n: int, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(codes, uniques) of a text column, uniques sorted so that code order is text order; missing → "".

    Works on the dashboard's categorical columns without turning a million cells into strings;
    ``sort=False`` leaves the uniques unsorted (columns only compared for equality, or only copied).
    """
    if s is None:
        return np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = np.array([str(c) for c in s.cat.categories] + [""], dtype=object)
        raw = s.cat.codes.to_numpy().astype(np.int64)
        raw[raw < 0] = len(cats) - 1
    else:
        raw, cats = pd.factorize(s.fillna("").astype(str), sort=False)
        cats = np.asarray(cats, dtype=object)
        raw = raw.astype(np.int64)
        if not sort:
            return raw, cats
    uniques, inverse = np.unique(cats.astype(str), return_inverse=True)
    return inverse.astype(np.int64)[raw], uniques.astype(object)


def _pack(parts: list[tuple[np.ndarray, int]]) -> list[np.ndarray]:
    """Pack (codes, cardinality) pairs, most significant first, into as few int64 sort keys as fit."""
    packed: list[np.ndarray] = []
    cur, cap = None, 1
    for codes, size in parts:
        size = max(int(size), 1)
        if cur is not None and cap * size < 2 ** 62:
            cur, cap = cur * size + codes, cap * size
        else:
            if cur is not None:
                packed.append(cur)
            cur, cap = codes.astype(np.int64), size
    packed.append(cur)
    return packed


def measure_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Return one row per measure × unit × per × region × as_of from a fact frame (see the module doc).

    ``facts`` needs the columns in ``INPUT_COLUMNS`` (any dtype: the dashboard's categories or the
    export's strings); ``review_status`` may be missing (then nothing is rejected). Rows come out in a
    stable order (measure, unit, per, region level and codes, flow or level, period, as_of, value), so
    the same facts always give the same table, whatever order they come in. Text columns are
    categorical (a million-row table stays small), ``fact_ids`` is text.
    """
    if facts is None or len(facts) == 0 or "measure" not in facts.columns:
        return empty_measure_table()
    n = len(facts)
    col = {c: _codes(facts[c] if c in facts.columns else None, n, sort=c != "source_file")
           for c in INPUT_COLUMNS if c not in ("value", "fact_id", "published")}

    def code_of(name: str, text: str) -> int:
        uniques = col[name][1]
        k = int(np.searchsorted(uniques, text))
        return k if k < len(uniques) and uniques[k] == text else -1

    value = pd.to_numeric(facts["value"], errors="coerce").to_numpy(dtype="float64")
    level_names = col["region_level"][1]
    excluded = np.array([u in EXCLUDED_LEVELS for u in level_names], dtype=bool)
    keep = (col["measure"][0] != code_of("measure", "")) & ~excluded[col["region_level"][0]] \
        & (col["review_status"][0] != code_of("review_status", "rejected")) & ~np.isnan(value)
    if not keep.any():
        return empty_measure_table()
    rows = np.flatnonzero(keep)
    c = {name: codes[rows] for name, (codes, _u) in col.items()}
    value = value[rows]
    kinds = col["kind"][1]
    is_flow_kind = np.array([k == "flow" for k in kinds])[c["kind"]]
    is_part = np.array([k == "part" for k in kinds])[c["kind"]]
    empty_period = c["period_start"] == code_of("period_start", "")
    flow = is_flow_kind | (is_part & ~empty_period)
    # a level has no period: its period code becomes 0, a flow's is its code + 1
    period = np.where(flow, c["period_start"] + 1, 0)
    level_rank = np.array([LEVEL_ORDER.get(u, 9) for u in level_names], dtype=np.int64)[c["region_level"]]
    dates = pd.to_datetime(pd.Series(col["as_of"][1]), format="%Y-%m-%d", errors="coerce")
    day_of = np.where(dates.isna(), -(10 ** 9), (dates - pd.Timestamp("1970-01-01")).dt.days.fillna(0)).astype(np.int64)
    days = day_of[c["as_of"]]
    size = {name: len(col[name][1]) for name in col}
    keys = _pack([(c["measure"], size["measure"]), (c["unit"], size["unit"]), (c["per"], size["per"]),
                  (level_rank, 10), (c["league_code"], size["league_code"]), (c["banner_code"], size["banner_code"]),
                  (c["township"], size["township"]), (c["village"], size["village"]), (flow.astype(np.int64), 2),
                  (period, size["period_start"] + 1)])
    order = np.lexsort((value, days) + tuple(keys[::-1]))  # last key sorts first
    val, d = value[order], days[order]
    new = np.zeros(len(order), dtype=bool)
    new[0] = True
    for key in keys:
        k = key[order]
        new[1:] |= k[1:] != k[:-1]
    new[1:] |= (val[1:] != val[:-1]) | ((d[1:] - d[:-1]) > SAME_FIGURE_DAYS)
    cluster = np.cumsum(new) - 1
    n_clusters = int(cluster[-1]) + 1
    first = np.flatnonzero(new)
    sizes = np.diff(np.append(first, len(order)))
    src = rows[order]  # positions in the input frame, in table order
    at = src[first]
    out: dict[str, object] = {}
    for name in ("measure", "unit", "per", "region_level", "league", "league_code", "banner", "banner_code", "as_of",
                 "township", "village", "indicator"):
        out[name] = pd.Categorical.from_codes(col[name][0][at], categories=col[name][1])
    period_codes = np.where(flow[order][first], col["period_start"][0][at], -1)
    out["period_start"] = _with_empty(period_codes, col["period_start"][1])
    out["value"] = val[first]
    out["n_reports"] = np.ones(n_clusters, dtype=np.int64)
    multi = np.repeat(sizes > 1, sizes)  # rows of clusters with several facts
    if multi.any():
        sf = c["source_file"][order][multi]
        cl = cluster[multi].astype(np.int64)
        pairs = np.unique(cl * (int(sf.max()) + 1) + sf)
        out["n_reports"] += np.bincount(pairs // (int(sf.max()) + 1), minlength=n_clusters) - (sizes > 1)
    out["qualifier"] = _min_rank(col["qualifier"][1], c["qualifier"][order], cluster, n_clusters,
                                 list(QUALIFIERS), "exact")
    out["kind"] = _min_rank(kinds, c["kind"][order], cluster, n_clusters, ["stock", "flow", "rate", "percent", "part"], "")
    out["fact_ids"] = _joined_ids(facts["fact_id"], src, first, sizes)
    for name, v in out.items():  # categories: only what the table holds, whatever the input's dtype
        if isinstance(v, pd.Categorical):
            out[name] = v.remove_unused_categories()
    return pd.DataFrame({name: out[name] for name in MEASURE_COLUMNS})


def _with_empty(codes: np.ndarray, categories: np.ndarray) -> pd.Categorical:
    """A categorical whose code -1 means "" (added to the categories when missing)."""
    cats = list(categories)
    if "" not in cats:
        cats = [""] + cats
        codes = codes + 1  # -1 → 0 ("")
    else:
        codes = np.where(codes < 0, cats.index(""), codes)
    return pd.Categorical.from_codes(codes, categories=cats)


def _min_rank(uniques: np.ndarray, codes: np.ndarray, cluster: np.ndarray, n_clusters: int, preference: list[str],
              default: str) -> pd.Categorical:
    """Per cluster, the value that comes first in ``preference`` (anything else after it: ``default``)."""
    rank_of = np.array([preference.index(u) if u in preference else len(preference) for u in uniques], dtype=np.int64)
    best = np.full(n_clusters, len(preference), dtype=np.int64)
    np.minimum.at(best, cluster, rank_of[codes])
    names = list(dict.fromkeys(preference + [default]))
    index = {v: i for i, v in enumerate(names)}
    remap = np.array([index[v] for v in preference + [default]], dtype=np.int64)
    return pd.Categorical.from_codes(remap[best], categories=names)


def _joined_ids(ids: pd.Series, src: np.ndarray, first: np.ndarray, sizes: np.ndarray) -> pd.Series:
    """Each row's fact ids, sorted and "|"-joined (Python strings only for rows of several facts)."""
    out = ids.iloc[src[first]].astype(str).reset_index(drop=True)
    multi = np.flatnonzero(sizes > 1)
    if len(multi):
        members = ids.iloc[src[np.repeat(sizes > 1, sizes)]].astype(str).tolist()
        joined, pos = [], 0
        for k in multi:
            joined.append(FACT_ID_SEPARATOR.join(sorted(set(members[pos:pos + sizes[k]]))))
            pos += sizes[k]
        out.iloc[multi] = joined
    return out
