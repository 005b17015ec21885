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


def _text(s: pd.Series) -> pd.Series:
    """A column as plain strings ("" for missing), whatever its dtype (category, object)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(object)
    return s.fillna("").astype(str)


def measure_table(facts: pd.DataFrame) -> pd.DataFrame:
    """Return one row per measure × unit × per × region × as_of from a fact frame (see the module doc).

    ``facts`` needs the columns in ``INPUT_COLUMNS`` (any dtype: the dashboard's categories or the
    export's strings); ``review_status`` may be missing (then nothing is rejected). Rows come out in a
    stable order (measure, unit, per, region level, codes, as_of, value), so the same facts always give
    the same table.
    """
    if facts is None or len(facts) == 0 or "measure" not in facts.columns:
        return empty_measure_table()
    cols = {c: (_text(facts[c]) if c in facts.columns else pd.Series("", index=facts.index))
            for c in INPUT_COLUMNS if c != "value"}
    keep = (cols["measure"] != "") & ~cols["region_level"].isin(EXCLUDED_LEVELS) & (cols["review_status"] != "rejected")
    value = pd.to_numeric(facts["value"], errors="coerce")
    keep &= value.notna()
    if not keep.any():
        return empty_measure_table()
    df = pd.DataFrame({c: s[keep].to_numpy() for c, s in cols.items()})
    df["value"] = value[keep].to_numpy(dtype="float64")
    kind = df["kind"]
    flow = (kind == "flow") | ((kind == "part") & (df["period_start"] != ""))
    df["basis"] = np.where(flow, "flow", "level")
    df.loc[~flow, "period_start"] = ""  # a level has no period
    days = pd.to_datetime(df["as_of"], format="%Y-%m-%d", errors="coerce")
    df["days"] = np.where(days.isna(), -(10 ** 9), (days - pd.Timestamp("1970-01-01")).dt.days.fillna(0)).astype("int64")
    df["key"] = df.groupby(list(_KEY), sort=False, observed=True).ngroup().to_numpy()
    df = df.sort_values(["key", "days", "value", "published", "fact_id"], kind="stable").reset_index(drop=True)
    key = df["key"].to_numpy()
    val = df["value"].to_numpy()
    d = df["days"].to_numpy()
    new = np.ones(len(df), dtype=bool)
    if len(df) > 1:
        new[1:] = (key[1:] != key[:-1]) | (val[1:] != val[:-1]) | ((d[1:] - d[:-1]) > SAME_FIGURE_DAYS)
    cluster = np.cumsum(new) - 1
    df["cluster"] = cluster
    first = df.loc[new].set_index("cluster")
    out = first[["measure", "unit", "per", "region_level", "league", "league_code", "banner", "banner_code", "as_of",
                 "value", "township", "village", "indicator", "period_start"]].copy()
    g = df.groupby("cluster", sort=True)
    out["n_reports"] = g["source_file"].nunique().to_numpy()
    out["qualifier"] = _qualifier(df, g)
    out["kind"] = _kind(df, g)
    out["fact_ids"] = _joined_ids(df["fact_id"].to_numpy(), cluster)
    out = out.reset_index(drop=True)
    out["_level"] = out["region_level"].map(LEVEL_ORDER).fillna(9).astype(int)
    out = out.sort_values(["measure", "unit", "per", "_level", "league_code", "banner_code", "township", "village",
                           "as_of", "kind", "period_start", "value"], kind="stable").reset_index(drop=True)
    return out[list(MEASURE_COLUMNS)]


def _qualifier(df: pd.DataFrame, g) -> np.ndarray:  # noqa: ANN001
    """One qualifier per row: the most exact one its reports give (exact before more, less, approx, range)."""
    rank = df["qualifier"].map({q: i for i, q in enumerate(QUALIFIERS)}).fillna(len(QUALIFIERS)).astype(int)
    best = rank.groupby(df["cluster"]).min().to_numpy()
    names = np.array(list(QUALIFIERS) + ["exact"], dtype=object)
    return names[best]


def _kind(df: pd.DataFrame, g) -> np.ndarray:  # noqa: ANN001
    """One kind per row: a figure reported once as a part and once on its own is the region's own (stock, flow)."""
    order = {"stock": 0, "flow": 1, "rate": 2, "percent": 3, "part": 4}
    rank = df["kind"].map(order).fillna(5).astype(int)
    best = rank.groupby(df["cluster"]).min().to_numpy()
    names = np.array(["stock", "flow", "rate", "percent", "part", ""], dtype=object)
    return names[best]


def _joined_ids(ids: np.ndarray, cluster: np.ndarray) -> list[str]:
    """"|"-joined sorted fact ids of each cluster (cluster numbers are 0..n-1, rows grouped by cluster)."""
    bounds = np.flatnonzero(np.diff(cluster)) + 1
    out = []
    for part in np.split(ids, bounds):
        out.append(part[0] if len(part) == 1 else FACT_ID_SEPARATOR.join(sorted(set(part))))
    return out
