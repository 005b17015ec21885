"""Pure functions for the dashboard's measure view, over the measures table (no Dash import).

The measures table (``etl.measure_table.measure_table``) is built once per data snapshot; a
``MeasureIndex`` over it finds one measure's rows without scanning, and ``measure_view`` answers
one request: the latest value of each league and banner (with its date and fact ids), league bars
that use the league's own figure and, where only banner figures exist, their sum marked
incomplete ("3 个旗县合计（不完整）"), and the measure's time series for chosen regions.

Nothing here adds overlapping figures: a region's bar is its latest reported value, never a sum of
its reports; a league without its own figure shows the sum of its banners' latest values, marked
incomplete, only for quantities that may be added (no rates, percentages or temperatures) and, for
flows, only banners whose figures cover the same period.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from etl.measure_table import FACT_ID_SEPARATOR, MEASURE_COLUMNS, NUMERIC_MEASURE_COLUMNS, empty_measure_table

NOT_SUMMABLE_UNITS = frozenset({"%", "个百分点", "°C", "倍"})
REGION_WIDE = "全区"  # the label of region-level rows (league "" and banner "")
INCOMPLETE_LABEL = "{n} 个旗县合计（不完整）"
KEY_SEPARATOR = "|"

LATEST_COLUMNS = ("region", "code", "league", "league_code", "region_level", "value", "qualifier", "as_of", "kind",
                  "period_start", "n_reports", "fact_ids")
LEAGUE_BAR_COLUMNS = ("league", "league_code", "value", "qualifier", "as_of", "kind", "complete", "label", "n_banners",
                      "n_reports", "fact_ids")
SERIES_COLUMNS = ("region", "code", "region_level", "as_of", "value", "qualifier", "kind", "period_start", "n_reports",
                  "fact_ids")
OPTION_COLUMNS = ("key", "measure", "unit", "per", "indicator", "label", "n_rows", "n_regions", "n_reports")


@dataclass(frozen=True)
class MeasureKey:
    """A measure as the user picks it: what is counted, in which unit, per what."""

    measure: str
    unit: str
    per: str = ""

    def label(self) -> str:
        """嘎查党群服务中心（个）, 户均增收（元/户）."""
        unit = self.unit + (f"/{self.per}" if self.per else "")
        return f"{self.measure}（{unit}）" if unit else self.measure

    def to_value(self) -> str:
        """The dropdown value / URL form: measure|unit|per."""
        return KEY_SEPARATOR.join((self.measure, self.unit, self.per))

    @classmethod
    def from_value(cls, value: object) -> "MeasureKey | None":
        """Parse a dropdown value or URL parameter (None for anything else: forged input is ignored)."""
        if not isinstance(value, str) or value.count(KEY_SEPARATOR) != 2 or len(value) > 200:
            return None
        measure, unit, per = value.split(KEY_SEPARATOR)
        return cls(measure, unit, per) if measure else None


def summable(key: MeasureKey) -> bool:
    """Tell whether figures of this measure may be added across regions (counts, money, areas, lengths)."""
    return not key.per and key.unit not in NOT_SUMMABLE_UNITS


@dataclass
class MeasureIndex:
    """The measures table with each measure's row positions, built once per snapshot."""

    table: pd.DataFrame
    positions: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, table: pd.DataFrame) -> "MeasureIndex":
        table = table.reset_index(drop=True)
        if table.empty:
            return cls(table, {})
        groups = table.groupby(["measure", "unit", "per"], sort=False, observed=True).indices
        return cls(table, {tuple(str(x) for x in k): v for k, v in groups.items()})

    def rows(self, key: MeasureKey) -> pd.DataFrame:
        """The rows of one measure (an empty table when it is unknown)."""
        pos = self.positions.get((key.measure, key.unit, key.per))
        if pos is None:
            return empty_measure_table()
        return self.table.iloc[pos]

    def keys(self) -> list[MeasureKey]:
        return [MeasureKey(*k) for k in self.positions]


def measure_options(table: pd.DataFrame) -> pd.DataFrame:
    """One row per measure for a searchable dropdown grouped by indicator, with counts.

    ``label`` reads 嘎查党群服务中心（个）· 4 个数据点 · 3 篇报道; rows are ordered by indicator, then
    by how many reports give the measure (most first), then by name.
    """
    if table.empty:
        return pd.DataFrame({c: [] for c in OPTION_COLUMNS})
    region = pd.Series(pd.factorize(pd.MultiIndex.from_frame(
        table[["region_level", "league_code", "banner_code", "township", "village"]].astype(str)))[0], index=table.index)
    g = table.assign(_region=region).groupby(["measure", "unit", "per"], sort=False, observed=True)
    out = g.agg(indicator=("indicator", "first"), n_rows=("value", "size"), n_regions=("_region", "nunique"),
                n_reports=("n_reports", "sum")).reset_index()
    for c in ("measure", "unit", "per", "indicator"):
        out[c] = out[c].astype(str)
    out["key"] = [MeasureKey(m, u, p).to_value() for m, u, p in zip(out["measure"], out["unit"], out["per"])]
    out["label"] = [f"{MeasureKey(m, u, p).label()} · {n} 个数据点 · {r} 篇次报道"
                    for m, u, p, n, r in zip(out["measure"], out["unit"], out["per"], out["n_rows"], out["n_reports"])]
    out = out.sort_values(["indicator", "n_reports", "measure", "unit", "per"], ascending=[True, False, True, True, True],
                          kind="stable").reset_index(drop=True)
    return out[list(OPTION_COLUMNS)]


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """A small result with its categorical columns as plain text (sortable, comparable, max-able)."""
    for c in df.columns:
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(str)
    return df


def _flow_mask(rows: pd.DataFrame) -> np.ndarray:
    """Rows that are flows (or parts of flows: a part with a period)."""
    return ((rows["kind"] == "flow") | ((rows["kind"] == "part") & (rows["period_start"] != ""))).to_numpy(dtype=bool)


def choose_basis(rows: pd.DataFrame, basis: str | None = None) -> str:
    """"level" (stocks, parts, rates, shares) when the measure has any, else "flow"; or the one asked for."""
    if basis in ("level", "flow"):
        return basis
    return "flow" if len(rows) and _flow_mask(rows).all() else "level"


def _basis_mask(rows: pd.DataFrame, basis: str) -> np.ndarray:
    flow = _flow_mask(rows)
    return flow if basis == "flow" else ~flow


def _latest_positions(idx: np.ndarray, rows: pd.DataFrame, code: str) -> np.ndarray:
    """Of the rows at ``idx``, the position of each region's latest row: greatest as_of, then most
    reports, then greatest value."""
    codes, _u = pd.factorize(rows[code].iloc[idx].to_numpy(dtype=object))
    dates, _d = pd.factorize(rows["as_of"].iloc[idx].to_numpy(dtype=object), sort=True)
    reports = rows["n_reports"].iloc[idx].to_numpy()
    values = rows["value"].iloc[idx].to_numpy(dtype="float64")
    order = np.lexsort((-values, -reports, -dates, codes))
    first = np.ones(len(order), dtype=bool)
    first[1:] = codes[order][1:] != codes[order][:-1]
    return idx[order[first]]


def latest_by_region(rows: pd.DataFrame, level: str, basis: str, league: str | None = None) -> pd.DataFrame:
    """Each league's (level="league") or banner's (level="banner") latest value of one measure.

    ``rows`` are one measure's rows (``MeasureIndex.rows``); ``league`` restricts banners to one league
    (its name). Columns ``LATEST_COLUMNS``, largest value first.
    """
    mask = _basis_mask(rows, basis) & (rows["region_level"] == level).to_numpy(dtype=bool)
    if league:
        mask &= (rows["league"] == league).to_numpy(dtype=bool)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return pd.DataFrame({c: [] for c in LATEST_COLUMNS})
    code = "league_code" if level == "league" else "banner_code"
    name = "league" if level == "league" else "banner"
    latest = _plain(rows.iloc[_latest_positions(idx, rows, code)].copy())
    latest = latest.assign(region=latest[name], code=latest[code])
    return latest.sort_values(["value", "code"], ascending=[False, True], kind="stable")[list(LATEST_COLUMNS)] \
        .reset_index(drop=True)


def league_bars(rows: pd.DataFrame, key: MeasureKey, basis: str, banners: pd.DataFrame | None = None) -> pd.DataFrame:
    """One bar per league: its own latest figure, else its banners' latest figures added up (incomplete).

    A league's own figure (全盟…达到560个) wins over its banners, whatever their dates: the banners
    reported may be only some of them. Without one, the bar is the sum of its banners' latest values,
    ``complete`` False and ``label`` "N 个旗县合计（不完整）" — only for measures that may be added
    (``summable``), and for flows only over banners whose figures start their period on the same day
    (the period most banners report). ``banners``: ``latest_by_region(rows, "banner", basis)`` when the
    caller has it already. Columns ``LEAGUE_BAR_COLUMNS``, largest value first.
    """
    own = latest_by_region(rows, "league", basis)
    out = [dict(league=r.league, league_code=r.league_code, value=r.value, qualifier=r.qualifier, as_of=r.as_of,
                kind=r.kind, complete=True, label="", n_banners=0, n_reports=r.n_reports, fact_ids=r.fact_ids)
           for r in own.itertuples(index=False)]
    if summable(key):
        have = set(own["league_code"])
        banners = latest_by_region(rows, "banner", basis) if banners is None else banners
        banners = banners[~banners["league_code"].isin(have) & (banners["league_code"] != "")]
        for (lcode, lname), grp in banners.groupby(["league_code", "league"], sort=True, observed=True):
            if basis == "flow":
                counts = grp["period_start"].value_counts()
                best = sorted(counts.index, key=lambda p: (-counts[p], p == "", p))[0]
                grp = grp[grp["period_start"] == best]
            qualifiers = set(grp["qualifier"])
            out.append(dict(league=lname, league_code=lcode, value=float(grp["value"].sum()),
                            qualifier="exact" if qualifiers == {"exact"} else "more" if qualifiers <= {"exact", "more"}
                            else "approx",
                            as_of=str(grp["as_of"].max()), kind=str(grp["kind"].iloc[0]), complete=False,
                            label=INCOMPLETE_LABEL.format(n=len(grp)), n_banners=len(grp),
                            n_reports=int(grp["n_reports"].sum()),
                            fact_ids=FACT_ID_SEPARATOR.join(sorted(
                                {i for ids in grp["fact_ids"] for i in ids.split(FACT_ID_SEPARATOR)}))))
    if not out:
        return pd.DataFrame({c: [] for c in LEAGUE_BAR_COLUMNS})
    df = pd.DataFrame(out, columns=list(LEAGUE_BAR_COLUMNS))
    return df.sort_values(["value", "league_code"], ascending=[False, True], kind="stable").reset_index(drop=True)


def region_codes(rows: pd.DataFrame) -> pd.Series:
    """A code per row for choosing regions: the banner's code, else the league's, else 全区 (region level)."""
    banner, league = rows["banner_code"].astype(str), rows["league_code"].astype(str)
    return banner.where(banner != "", league).where((banner != "") | (league != ""), REGION_WIDE)


def series(rows: pd.DataFrame, basis: str, regions: list[str] | None = None) -> pd.DataFrame:
    """One measure over time (by as_of) for the chosen regions (league or banner codes, or 全区).

    Without ``regions``: the leagues' own figures and the region-wide ones. A region's line shows
    that region's own figures only (a banner's line never includes its townships' figures).
    Columns ``SERIES_COLUMNS``, ordered by region, then date.
    """
    level = rows["region_level"]
    mask = _basis_mask(rows, basis) & (rows["as_of"] != "").to_numpy(dtype=bool)
    if regions:
        mask &= level.isin(("region", "league", "banner")).to_numpy(dtype=bool)
        wanted = set(regions)
        codes_wanted = [c for c in wanted if c != REGION_WIDE]
        by_code = (rows["banner_code"].isin(codes_wanted) | ((rows["banner_code"] == "") &
                                                             rows["league_code"].isin(codes_wanted)))
        if REGION_WIDE in wanted:
            by_code |= level == "region"
        mask &= by_code.to_numpy(dtype=bool)
    else:
        mask &= level.isin(("region", "league")).to_numpy(dtype=bool)
    sel = _plain(rows.iloc[np.flatnonzero(mask)].copy())
    if sel.empty:
        return pd.DataFrame({c: [] for c in SERIES_COLUMNS})
    code = region_codes(sel)
    banner, league = sel["banner"].astype(str), sel["league"].astype(str)
    name = banner.where(banner != "", league).where(code != REGION_WIDE, REGION_WIDE)
    out = sel.assign(region=name, code=code)
    return out.sort_values(["code", "as_of", "value"], kind="stable")[list(SERIES_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True)
class MeasureView:
    """Everything the measure view shows for one measure."""

    key: MeasureKey
    basis: str  # level | flow
    leagues: pd.DataFrame  # league_bars
    banners: pd.DataFrame  # latest_by_region(level="banner")
    series: pd.DataFrame  # series
    rows: pd.DataFrame  # the measure's rows of the measures table (for the table and the CSV)


def measure_view(index: MeasureIndex, key: MeasureKey, league: str | None = None,
                 regions: list[str] | None = None, basis: str | None = None) -> MeasureView:
    """Answer one request of the measure view: league bars, banner bars (of one league if given), trend."""
    rows = index.rows(key)
    if rows.empty:
        empty = empty_measure_table()
        return MeasureView(key, "level", league_bars(empty, key, "level"), latest_by_region(empty, "banner", "level"),
                           series(empty, "level"), empty)
    basis = choose_basis(rows, basis)
    banners = latest_by_region(rows, "banner", basis)
    shown = banners[banners["league"] == league].reset_index(drop=True) if league else banners
    return MeasureView(key, basis, league_bars(rows, key, basis, banners), shown, series(rows, basis, regions), rows)


def measures_csv_bytes(rows: pd.DataFrame) -> bytes:
    """Rows of the measures table as CSV bytes for a download (BOM, CRLF, formulas neutralised)."""
    from etl.export import csv_rows_bytes  # noqa: PLC0415

    rows = rows.reindex(columns=list(MEASURE_COLUMNS))
    return csv_rows_bytes(MEASURE_COLUMNS, rows.itertuples(index=False, name=None), NUMERIC_MEASURE_COLUMNS)
