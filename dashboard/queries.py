"""Pure functions over the in-memory fact frame: filter state, filtering, aggregation, exports.

Nothing here imports Dash; every function takes a DataFrame (see ``data.normalise_facts``) and
plain values, so the callbacks stay thin and everything is testable without a browser.

Regions: a fact belongs to its league, or (without a league) to one of the named groups of
``labels.SPECIAL_GROUPS`` — 全区 (region-wide figures), 区外 (京蒙协作 partners…), 盟市不详 (a
place below league level whose league is not given) and 未定位 (region_level "unknown"). The
groups are filtered, charted and listed like leagues and never added into the leagues' totals.
"""
from __future__ import annotations

import calendar
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from etl.numbers import parse_number
from etl.schema import BASIS_GROUPS, CATEGORIES, FACT_COLUMNS, NUMERIC_FACT_COLUMNS, INTEGER_FACT_COLUMNS, SUMMABLE_CATEGORIES
from etl.units import canonical_unit

from .labels import (
    BASIS_GROUP_LABELS, BASIS_LABELS, DATE_HOW_LABELS, INDICATOR_LABELS, LEVEL_GROUPS, LEVEL_LABELS, NO_BANNER, NO_INITIATIVE,
    NO_LEAGUE_KNOWN, OUTSIDE, QUALIFIER_LABELS, REGION_WIDE, REVIEW_LABELS, SPECIAL_GROUPS, UNLOCATED,
    category_label, format_cn, format_value, group_label, indicator_label, unit_text,
)

MAX_QUERY_LEN = 100
MAX_MULTI = 20
PAGE_SIZE = 20
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MULTI_KEYS = ("league", "banner", "initiative")
FILTER_KEYS = ("league", "banner", "initiative", "indicator", "category", "date_from", "date_to", "q", "table", "basis")
# Indicators whose facts measure unlike things (a border's length and a temperature; 其他): their
# values are never added up, whatever their units.
NON_ADDITIVE_INDICATORS: dict[str, str] = {
    "environment": "自然条件（气温、边境线长度、面积等）各不相同",
    "other": "「其他」指标汇集了互不相干的数字",
}


def _as_tuple(value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(v for v in value if isinstance(v, str) and v)[:MAX_MULTI]
    return ()


@dataclass(frozen=True)
class Filters:
    """What the user selected; empty tuples and None mean no restriction.

    ``league``, ``banner`` and ``initiative`` hold several values (compare two leagues side by
    side); a plain string is accepted and becomes a one-element tuple. ``league`` may name a
    special group (全区, 区外, 盟市不详, 未定位). ``table`` is the table's column filters in the
    table's own syntax, normalised ("{value_text} > 1000 && {region} contains 赤峰").
    """

    league: tuple[str, ...] = ()
    banner: tuple[str, ...] = ()
    initiative: tuple[str, ...] = ()
    indicator: str | None = None
    category: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None
    table: str | None = None
    basis: str | None = None  # named | inferred | none: where the programme was named (etl.schema.BASIS_GROUPS)

    def __post_init__(self):
        for k in MULTI_KEYS:
            object.__setattr__(self, k, _as_tuple(getattr(self, k)))

    def to_dict(self) -> dict:
        return {k: (list(getattr(self, k)) if k in MULTI_KEYS else getattr(self, k)) for k in FILTER_KEYS}

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = d if isinstance(d, dict) else {}
        out = {}
        for k in FILTER_KEYS:
            v = d.get(k)
            if k in MULTI_KEYS:
                out[k] = _as_tuple(v)
            else:
                out[k] = v if isinstance(v, str) and v else None
        return cls(**out)

    def is_empty(self) -> bool:
        return all(not getattr(self, k) for k in FILTER_KEYS)

    def without(self, *keys: str) -> "Filters":
        """Return the same filters with some dimensions cleared (for faceted charts and counts)."""
        d = self.to_dict()
        for k in keys:
            d[k] = [] if k in MULTI_KEYS else None
        if "date" in keys:
            d["date_from"] = d["date_to"] = None
        return Filters.from_dict(d)


def _clean_str(value) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value[:MAX_QUERY_LEN] if value else None


def _categories(values: pd.Series) -> set[str]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        return {str(c) for c in values.cat.categories}
    return {str(v) for v in values.unique()}


# ---------------------------------------------------------------- dates

_CN_DATE = re.compile(r"^\s*(\d{4})\s*(?:[年./\-]\s*(\d{1,2})\s*(?:[月./\-]\s*(\d{1,2})\s*日?)?\s*月?)?\s*年?\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_date(text, end: bool = False) -> str | None:
    """Return an ISO date for what an official types or a URL holds, or None if it is no date.

    Accepts 2024-01-09, 2024/1/9, 2024.1.9, 2024年1月9日, 20240109; a month (2024年1月) or a
    year (2024年) means its first day, or its last day with ``end=True``.

    >>> parse_date("2024年1月9日"), parse_date("2024/1/9"), parse_date("2024-01-09T00:00:00")
    ('2024-01-09', '2024-01-09', '2024-01-09')
    >>> parse_date("2024年2月", end=True), parse_date("2024-13-45"), parse_date("明天")
    ('2024-02-29', None, None)
    """
    if not isinstance(text, str) or not text.strip() or len(text) > 40:
        return None
    text = text.strip()
    if len(text) > 10 and _DATE.match(text[:10]) and text[10] in "T ":
        text = text[:10]
    m = _COMPACT_DATE.match(text) or _CN_DATE.match(text)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (12 if end else 1)
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    day = int(m.group(3)) if m.group(3) else (last if end else 1)
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def format_date_cn(iso: str | None) -> str:
    """2024-01-09 → 2024年1月9日 ("" for no date)."""
    if not iso or not _DATE.match(iso):
        return ""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


# ---------------------------------------------------------------- validation

@dataclass(frozen=True)
class Normalised:
    """A validated filter state and what was ignored from the request, in words."""

    filters: Filters
    ignored: tuple[str, ...] = field(default=())


def _league_groups(df: pd.DataFrame) -> set[str]:
    """Return the leagues and special groups present in the data."""
    groups = _categories(df["league"]) - {""}
    if len(df):
        empty = _eq(df["league"], "")
        if empty.any():
            for lv in _counts(df["region_level"], empty):
                groups.add(LEVEL_GROUPS.get(lv, NO_LEAGUE_KNOWN))
    return groups


def normalise_report(df: pd.DataFrame, raw: Filters | dict) -> Normalised:
    """Validate a filter state against the data; say in Chinese what was dropped and why.

    Unknown names, malformed dates and junk are dropped (never applied silently as a hidden
    filter); banners keep only those of the chosen leagues; banners chosen without a league
    bring their leagues. A forged request gives an empty restriction, never an error.
    """
    f = raw if isinstance(raw, Filters) else Filters.from_dict(raw)
    ignored: list[str] = []
    groups = _league_groups(df)
    leagues = []
    for v in f.league:
        v = _clean_str(v)
        if v in groups:
            if v not in leagues:
                leagues.append(v)
        elif v:
            ignored.append(f"盟市「{v[:20]}」（数据中没有）")
    banners = []
    known_banners = _categories(df["banner"]) - {""}
    pairs = None
    for v in f.banner:
        v = _clean_str(v)
        if v not in known_banners:
            if v:
                ignored.append(f"旗县区「{v[:20]}」（数据中没有）")
            continue
        if pairs is None:
            pairs = df.loc[(df["banner"] != "").to_numpy(), ["banner", "league"]].drop_duplicates()
        its = {str(x) for x in pairs.loc[(pairs["banner"] == v).to_numpy(), "league"]}
        if leagues and not its & set(leagues):
            ignored.append(f"旗县区「{v}」（不属于所选盟市）")
            continue
        if v not in banners:
            banners.append(v)
    if banners and not leagues:
        for b in banners:
            for lg in sorted({str(x) for x in pairs.loc[(pairs["banner"] == b).to_numpy(), "league"]}):
                if lg and lg not in leagues:
                    leagues.append(lg)
    known_inits = _categories(df["initiative"]) - {""}
    initiatives = []
    for v in f.initiative:
        v = _clean_str(v)
        if v in known_inits:
            if v not in initiatives:
                initiatives.append(v)
        elif v:
            ignored.append(f"举措「{v[:20]}」（数据中没有）")
    indicator = f.indicator if (f.indicator in INDICATOR_LABELS or f.indicator in _categories(df["indicator"])) else None
    if f.indicator and indicator is None:
        ignored.append(f"指标「{str(f.indicator)[:20]}」")
    category = f.category if f.category in CATEGORIES else None
    if f.category and category is None:
        ignored.append(f"数值类型「{str(f.category)[:20]}」")
    date_from = parse_date(f.date_from) if f.date_from else None
    if f.date_from and date_from is None:
        ignored.append(f"开始日期「{str(f.date_from)[:20]}」（不是有效日期）")
    date_to = parse_date(f.date_to, end=True) if f.date_to else None
    if f.date_to and date_to is None:
        ignored.append(f"结束日期「{str(f.date_to)[:20]}」（不是有效日期）")
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    table = None
    if f.table:
        parsed, bad = parse_table_filter_report(f.table)
        table = serialise_table_filter(parsed) or None
        ignored.extend(f"表格筛选「{b[:30]}」（看不懂）" for b in bad)
    basis = f.basis if f.basis in BASIS_GROUPS else None
    if f.basis and basis is None:
        ignored.append(f"举措依据「{str(f.basis)[:20]}」")
    out = Filters(tuple(leagues), tuple(banners), tuple(initiatives), indicator, category, date_from, date_to,
                  _clean_str(f.q), table, basis)
    return Normalised(out, tuple(ignored))


def normalise(df: pd.DataFrame, raw: Filters | dict) -> Filters:
    """Validate a filter state against the data (see normalise_report); return only the filters."""
    return normalise_report(df, raw).filters


def to_query_string(f: Filters) -> str:
    """Return the URL query string (with leading '?', or '') for a filter state."""
    pairs = []
    for k in FILTER_KEYS:
        v = getattr(f, k)
        if k in MULTI_KEYS:
            pairs.extend((k, x) for x in v)
        elif v:
            pairs.append((k, v))
    return "?" + urlencode(pairs) if pairs else ""


def from_query_string(search: str | None) -> Filters:
    """Parse a URL query string into an (unvalidated) filter state; repeated keys give several values."""
    if not isinstance(search, str):
        return Filters()
    parsed = parse_qs(search.lstrip("?")[:4000], keep_blank_values=False)
    d: dict = {}
    for k, v in parsed.items():
        if k not in FILTER_KEYS or not v:
            continue
        if k in MULTI_KEYS:
            vals = []
            for x in v:
                vals.extend(p for p in x.split(",") if p) if k != "initiative" else vals.append(x)
            d[k] = vals
        else:
            d[k] = v[0]
    return Filters.from_dict(d)


# ---------------------------------------------------------------- filtering

# Columns the charts need; filtering a narrow frame is much cheaper than copying every column.
CHART_COLUMNS = ("league", "league_code", "banner", "banner_code", "region_level", "initiative", "indicator",
                 "category", "unit", "per", "qualifier", "value", "source_file")


def _isin(values: pd.Series, wanted) -> np.ndarray:
    """Return values ∈ wanted as a bool array (a lookup over category codes: ~1 ms a million rows)."""
    if not wanted:
        return np.ones(len(values), bool)
    if isinstance(values.dtype, pd.CategoricalDtype):
        idx = values.cat.categories.get_indexer(list(wanted))
        lut = np.zeros(len(values.cat.categories) + 1, dtype=bool)
        lut[idx[idx >= 0]] = True
        return lut[values.cat.codes.to_numpy()]  # code -1 (missing) picks the last entry: False
    return values.isin(list(wanted)).to_numpy(dtype=bool, na_value=False)


def _eq(values: pd.Series, value: str) -> np.ndarray:
    return _isin(values, [value])


def _counts(values: pd.Series, mask: np.ndarray | None = None) -> dict[str, int]:
    """Return {value: rows} for the masked rows, empty values left out (bincount over category codes)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        if mask is not None:
            codes = codes[mask]
        n = np.bincount(codes.astype(np.int64) + 1, minlength=len(values.cat.categories) + 1)[1:]
        cats = values.cat.categories
        return {str(cats[i]): int(n[i]) for i in np.flatnonzero(n) if str(cats[i]) != ""}
    sub = values if mask is None else values[mask]
    return {str(k): int(v) for k, v in sub.value_counts().items() if v and str(k) != ""}


def league_mask(df: pd.DataFrame, leagues: tuple[str, ...]) -> np.ndarray:
    """Rows of the chosen leagues and special groups (全区 = region_level "region" without a league…)."""
    if not leagues:
        return np.ones(len(df), dtype=bool)
    real = [x for x in leagues if x not in SPECIAL_GROUPS]
    mask = _isin(df["league"], real) if real else np.zeros(len(df), bool)
    specials = [x for x in leagues if x in SPECIAL_GROUPS]
    if specials:
        empty = _eq(df["league"], "")
        level = df["region_level"]
        for g in specials:
            if g == NO_LEAGUE_KNOWN:
                mask = mask | (empty & ~_isin(level, list(LEVEL_GROUPS)))
            else:
                lv = next(k for k, v in LEVEL_GROUPS.items() if v == g)
                mask = mask | (empty & _eq(level, lv))
    return mask


def filter_mask(df: pd.DataFrame, f: Filters, skip: tuple[str, ...] = ()) -> np.ndarray:
    """Return a boolean array selecting the rows that match a (normalised) filter state.

    ``skip`` leaves dimensions out (faceted counts and charts: the league chart keeps every
    league visible while one is chosen).
    """
    mask = np.ones(len(df), dtype=bool)
    if f.league and "league" not in skip:
        mask &= league_mask(df, f.league)
    for col in ("banner", "initiative"):
        if getattr(f, col) and col not in skip:
            mask &= _isin(df[col], getattr(f, col))
    for col in ("indicator", "category"):
        value = getattr(f, col)
        if value is not None and col not in skip:
            mask &= _eq(df[col], value)
    if f.basis is not None and "basis" not in skip:
        if "initiative_basis" in df.columns:
            mask &= _isin(df["initiative_basis"], BASIS_GROUPS[f.basis])
        elif f.basis != "none":  # a database written before schema 0004 knows no basis
            mask &= _eq(df["initiative"], "")
    if (f.date_from or f.date_to) and "date" not in skip:
        pub = df["published"]
        cats = pd.Series(pub.cat.categories.astype(str)) if isinstance(pub.dtype, pd.CategoricalDtype) else None
        if cats is not None:
            ok = (cats != "") & (cats >= (f.date_from or "")) & (cats <= (f.date_to or "9999-99-99"))
            mask &= pub.isin(cats[ok.to_numpy()].tolist()).to_numpy()
        else:
            pub = pub.astype(str)
            mask &= ((pub != "") & (pub >= (f.date_from or "")) & (pub <= (f.date_to or "9999-99-99"))).to_numpy()
    if f.q and "q" not in skip:
        idx = np.flatnonzero(mask)
        sub = df.iloc[idx]
        hit = (sub["subject"].str.contains(f.q, regex=False, na=False)
               | sub["quote"].str.contains(f.q, regex=False, na=False)).to_numpy(dtype=bool, na_value=False)
        mask = np.zeros(len(df), dtype=bool)
        mask[idx[hit]] = True
    if f.table and "table" not in skip and mask.any():
        idx = np.flatnonzero(mask)
        keep = table_filter_mask(df.iloc[idx], f.table)
        mask = np.zeros(len(df), dtype=bool)
        mask[idx[keep]] = True
    return mask


def apply_filters(df: pd.DataFrame, f: Filters, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return the rows matching a (normalised) filter state, optionally only some columns."""
    mask = filter_mask(df, f)
    frame = df if columns is None else df[list(columns)]
    if mask.all():
        return frame
    return frame[mask]


# ---------------------------------------------------------------- options with counts

def value_counts(df: pd.DataFrame, col: str) -> list[tuple[str, int]]:
    """Return (value, count) pairs, largest first, empty values left out."""
    counts = df[col].value_counts(sort=True)
    return [(str(k), int(v)) for k, v in counts.items() if v > 0 and str(k) != ""]


def _option(label: str, value: str, n: int, selected: bool) -> dict:
    opt = {"label": f"{label} ({n})", "value": value}
    if n == 0 and not selected:
        opt["disabled"] = True
    return opt


def options(df: pd.DataFrame, col: str, labeller=None) -> list[dict]:
    """Return dropdown options labelled "name (count)" for a column."""
    labeller = labeller or (lambda x: x)
    return [{"label": f"{labeller(v)} ({n})", "value": v} for v, n in value_counts(df, col)]


def group_counts(df: pd.DataFrame, mask: np.ndarray | None = None) -> dict[str, int]:
    """Return {league or special group: facts} for the masked rows."""
    out: dict[str, int] = {}
    if df.empty or (mask is not None and not mask.any()):
        return out
    agg = aggregate(df, ["league", "region_level"], Measure(), mask)
    for league, level, n in zip(agg["league"], agg["region_level"], agg["n"]):
        if not n:
            continue
        key = str(league) if str(league) else LEVEL_GROUPS.get(str(level), NO_LEAGUE_KNOWN)
        out[key] = out.get(key, 0) + int(n)
    return out


def league_options(df: pd.DataFrame, f: Filters | None = None) -> list[dict]:
    """Leagues by size, then 全区, 区外, 盟市不详, 未定位; counts follow the other filters (0 = disabled)."""
    f = f or Filters()
    every = group_counts(df)
    now = group_counts(df, filter_mask(df, f, skip=("league", "banner"))) if not f.without("league", "banner").is_empty() else every
    leagues = sorted((g for g in every if g not in SPECIAL_GROUPS), key=lambda g: (-every[g], g))
    specials = [g for g in SPECIAL_GROUPS if g in every]
    return [_option(group_label(g), g, now.get(g, 0), g in f.league) for g in leagues + specials]


def _faceted(df: pd.DataFrame, f: Filters, col: str, skip: tuple[str, ...], limit: int, labeller=None,
             within: np.ndarray | None = None) -> list[dict]:
    labeller = labeller or (lambda x: x)
    selected = set(getattr(f, col)) if col in MULTI_KEYS else {getattr(f, col)} - {None}
    mask = filter_mask(df, f, skip=skip)
    counts = _counts(df[col], mask) if mask.any() else {}
    universe = _counts(df[col], within) if within is not None else counts
    values = sorted(universe, key=lambda v: (-counts.get(v, 0), -universe.get(v, 0), v))
    values = [v for v in values if counts.get(v, 0) or v in selected][:limit] if within is None else values[:limit]
    for v in selected:
        if v not in values:
            values.append(v)
    return [_option(labeller(v), v, counts.get(v, 0), v in selected) for v in values]


def banner_values(df: pd.DataFrame, leagues) -> list[str]:
    """Return the banners that appear under the given leagues."""
    m = league_mask(df, tuple(leagues)) & (df["banner"] != "").to_numpy(dtype=bool, na_value=False)
    return sorted({str(b) for b in df["banner"][m].unique()})


def banner_options(df: pd.DataFrame, league=None, f: Filters | None = None) -> list[dict]:
    """Banners of the chosen leagues (all banners without a league), counted under the other filters."""
    if f is None:
        f = Filters(league=league)
    within = league_mask(df, f.league) & ~_eq(df["banner"], "")
    return _faceted(df, f, "banner", ("banner",), 400, within=within)


def initiative_options(df: pd.DataFrame, league=None, banner=None, f: Filters | None = None) -> list[dict]:
    if f is None:
        f = Filters(league=league, banner=banner)
    return _faceted(df, f, "initiative", ("initiative",), 300)


def indicator_options(df: pd.DataFrame, f: Filters | None = None) -> list[dict]:
    return _faceted(df, f or Filters(), "indicator", ("indicator",), 100, indicator_label,
                    within=np.ones(len(df), dtype=bool))


def category_options(df: pd.DataFrame, f: Filters | None = None) -> list[dict]:
    return _faceted(df, f or Filters(), "category", ("category",), 100, category_label,
                    within=np.ones(len(df), dtype=bool))


def basis_options(df: pd.DataFrame, f: Filters | None = None) -> list[dict]:
    """The basis filter's three groups, counted under the other filters."""
    f = f or Filters()
    mask = filter_mask(df, f, skip=("basis",))
    if "initiative_basis" in df.columns:
        counts = {g: int((mask & _isin(df["initiative_basis"], v)).sum()) for g, v in BASIS_GROUPS.items()}
    else:
        counts = {g: int((mask & _eq(df["initiative"], "")).sum()) if g == "none" else 0 for g in BASIS_GROUPS}
    return [_option(BASIS_GROUP_LABELS[g], g, n, g == f.basis) for g, n in counts.items()]


def date_bounds(df: pd.DataFrame) -> tuple[str | None, str | None]:
    """Return the first and last publication date present, or (None, None)."""
    pub = [str(p) for p in df["published"].unique() if _DATE.match(str(p))]
    if not pub:
        return None, None
    return min(pub), max(pub)


# ---------------------------------------------------------------- measure: count or sum

@dataclass(frozen=True)
class Measure:
    """How charts aggregate: count facts, or sum one canonical unit of one indicator."""

    kind: str = "count"  # count | sum
    unit: str = ""
    note: str = ""
    axis_title: str = "事实条数"
    units: tuple[str, ...] = ()  # the written units summed as ``unit`` (场, 次, 场次 → 场次)

    def label(self) -> str:
        return "条数" if self.kind == "count" else f"合计（{self.unit}）"


def indicator_units(df: pd.DataFrame) -> dict[str, str]:
    """Return the canonical unit each indicator is summed in, chosen over the whole data set.

    The unit is the commonest canonical unit (etl.units) among the indicator's summable facts in
    the whole frame — never in a filtered part — so a sum's unit never changes with the filter.
    """
    if df.empty:
        return {}
    ok = (df["category"].isin(list(SUMMABLE_CATEGORIES)).to_numpy(dtype=bool, na_value=False)
          & (df["per"] == "").to_numpy(dtype=bool, na_value=False))
    counts = df[ok].groupby(["indicator", "unit"], observed=True).size()
    totals: dict[str, dict[str, int]] = {}
    for (ind, unit), n in counts.items():
        if n:
            canon = canonical_unit(str(unit), str(ind))
            totals.setdefault(str(ind), {})
            totals[str(ind)][canon] = totals[str(ind)].get(canon, 0) + int(n)
    return {ind: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for ind, c in totals.items()}


def _unit_list(units: dict[str, int]) -> str:
    return "、".join(f"「{u or '无单位'}」{n} 条" for u, n in sorted(units.items(), key=lambda kv: (-kv[1], kv[0])))


def choose_measure(df: pd.DataFrame, f: Filters, units: dict[str, str] | None = None) -> tuple[Measure, pd.DataFrame]:
    """Decide whether values may be summed and return the measure with the rows it covers.

    Values are summed only when an indicator is chosen whose facts may be added up; the sum is
    in that indicator's canonical unit (``units``, from ``indicator_units`` over all the data),
    so it never depends on the filter. The note says how many facts are left out and why.
    """
    if f.indicator is None or df.empty:
        return Measure(), df
    label = indicator_label(f.indicator)
    if f.indicator in NON_ADDITIVE_INDICATORS:
        return Measure("count", "", f"「{label}」的数值不能相加：{NON_ADDITIVE_INDICATORS[f.indicator]}；图中显示条数。"), df
    units = indicator_units(df) if units is None else units
    unit = units.get(f.indicator)
    summable = (df["category"].isin(list(SUMMABLE_CATEGORIES)).to_numpy(dtype=bool, na_value=False)
                & (df["per"] == "").to_numpy(dtype=bool, na_value=False))
    if unit is None or not summable.any() and unit is None:
        top = df.loc[df["value"].idxmax()] if df["value"].notna().any() else None
        extra = ""
        if top is not None:
            extra = f"；最大值 {format_value(top['value'], str(top['qualifier']))}{unit_text(str(top['unit']), str(top['per']))}"
        return Measure("count", "", f"「{label}」的数值是比率、百分比或温度，不能相加，图中显示条数{extra}。"), df
    written = {str(u) for u in df["unit"].unique()}
    same = sorted(u for u in written if canonical_unit(u, f.indicator) == unit)
    ok = summable & df["unit"].isin(same).to_numpy(dtype=bool, na_value=False)
    rows = df[ok]
    note = f"按「{label}」合计，单位：{unit or '—'}"
    if len(same) > 1:
        note += f"（{'、'.join(same)}视为同一单位）"
    if (rows["qualifier"] == "more").any():
        note += "；“多/余”按下限计"
    left = df[~ok]
    if len(left):
        not_add = left[~summable[~ok]]
        other = left[summable[~ok]]
        parts = []
        if len(not_add):
            parts.append(f"{len(not_add)} 条是比率、百分比或人均数，不能相加")
        if len(other):
            parts.append(f"{len(other)} 条单位不同（{_unit_list(other['unit'].astype(str).value_counts().to_dict())}）")
        note += f"；另有 {len(left)} 条未计入合计：" + "，".join(parts)
    return Measure("sum", unit, note + "。", f"合计（{unit}）", tuple(same)), rows


# ---------------------------------------------------------------- aggregation

def aggregate(df: pd.DataFrame, by: str | list[str], measure: Measure,
              mask: np.ndarray | None = None) -> pd.DataFrame:
    """Group by one or more columns and return columns [*by, 'y', 'n'] sorted by y descending.

    ``mask`` restricts the rows without copying the frame. Categorical keys are counted with
    numpy.bincount over their codes (a few ms for a million rows); anything else falls back to
    DataFrame.groupby.
    """
    by = [by] if isinstance(by, str) else list(by)
    if df.empty or (mask is not None and not mask.any()):
        return pd.DataFrame({**{b: [] for b in by}, "y": [], "n": []})
    out = _aggregate_codes(df, by, measure, mask)
    if out is None:
        if mask is not None:
            df = df[mask]
        g = df.groupby(by, observed=True, sort=False)
        out = g.size().rename("n").to_frame()
        out["y"] = g["value"].sum() if measure.kind == "sum" else out["n"]
        out = out.reset_index()
        out = out[out["n"] > 0]
        for b in by:
            out[b] = out[b].astype(str)
    # Small result: sorting in Python is cheaper than DataFrame.sort_values here.
    keys = [out[b].tolist() for b in by]
    ys = out["y"].tolist()
    order = sorted(range(len(out)), key=lambda i: (-ys[i], *[k[i] for k in keys]))
    return out.iloc[order].reset_index(drop=True)


def _aggregate_codes(df: pd.DataFrame, by: list[str], measure: Measure,
                     mask: np.ndarray | None = None) -> pd.DataFrame | None:
    cols = [df[b] for b in by]
    if not all(isinstance(c.dtype, pd.CategoricalDtype) for c in cols):
        return None
    sizes = [len(c.cat.categories) for c in cols]
    total = int(np.prod(sizes, dtype=np.int64))
    if total == 0 or total > 4_000_000:
        return None
    idx = None if mask is None else np.flatnonzero(mask)
    key = None
    for c, size in zip(cols, sizes):
        codes = c.cat.codes.to_numpy()
        if idx is not None:
            codes = codes[idx]
        if (codes < 0).any():
            return None
        key = codes.astype(np.int64) if key is None else key * size + codes
    n = np.bincount(key, minlength=total)
    nz = np.flatnonzero(n)
    if measure.kind == "sum":
        values = df["value"].to_numpy(dtype=float, na_value=0.0)
        if idx is not None:
            values = values[idx]
        y = np.bincount(key, weights=np.nan_to_num(values), minlength=total)[nz]
    else:
        y = n[nz].astype(float)
    data = {}
    rest = nz.copy()
    for c, size, b in reversed(list(zip(cols, sizes, by))):
        data[b] = np.asarray(c.cat.categories.to_numpy(dtype=object), dtype=object)[rest % size]
        rest //= size
    out = pd.DataFrame({b: data[b] for b in by})
    out["y"] = y
    out["n"] = n[nz]
    return out


def _nonempty(df: pd.DataFrame, col: str) -> np.ndarray:
    """Return a mask of the rows where ``col`` is not empty."""
    return ~_eq(df[col], "")


def by_league(df: pd.DataFrame, measure: Measure, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Leagues (largest first), then the special groups 全区, 区外, 盟市不详, 未定位 in that order.

    Columns: league (the filter value), label (as shown), league_code, special (bool), y, n.
    """
    raw = aggregate(df, ["league", "league_code", "region_level"], measure, mask)
    merged: dict[str, list] = {}
    for league, code, level, y, n in zip(raw["league"], raw["league_code"], raw["region_level"], raw["y"], raw["n"]):
        key = str(league) if str(league) else LEVEL_GROUPS.get(str(level), NO_LEAGUE_KNOWN)
        row = merged.setdefault(key, [str(code) if str(league) else "", 0.0, 0])
        row[1] += float(y)
        row[2] += int(n)
    leagues = sorted((k for k in merged if k not in SPECIAL_GROUPS), key=lambda k: (-merged[k][1], k))
    specials = [k for k in SPECIAL_GROUPS if k in merged]
    keys = leagues + specials
    return pd.DataFrame({
        "league": keys, "label": [group_label(k) for k in keys], "league_code": [merged[k][0] for k in keys],
        "special": [k in SPECIAL_GROUPS for k in keys], "y": [merged[k][1] for k in keys],
        "n": [merged[k][2] for k in keys],
    })


def by_banner(df: pd.DataFrame, measure: Measure, top: int = 25, mask: np.ndarray | None = None) -> pd.DataFrame:
    by = ["banner", "banner_code", "league"]
    m = _nonempty(df, "banner") if mask is None else mask & _nonempty(df, "banner")
    out = aggregate(df, by, measure, m)
    return out.head(top)


def by_initiative(df: pd.DataFrame, measure: Measure, top: int = 20, mask: np.ndarray | None = None) -> pd.DataFrame:
    m = _nonempty(df, "initiative") if mask is None else mask & _nonempty(df, "initiative")
    out = aggregate(df, "initiative", measure, m)
    return out.head(top)


@dataclass(frozen=True)
class Hierarchy:
    """Treemap nodes (ids, labels, parents, values, facts) and what was folded into 其他 nodes."""

    ids: list[str]
    labels: list[str]
    parents: list[str]
    values: list[float]
    facts: list[int]
    folded: int = 0  # initiatives folded into "其他 N 项举措" nodes
    per_banner: int = 0


def hierarchy(df: pd.DataFrame, measure: Measure, per_banner: int = 6) -> Hierarchy:
    """Return league → banner → initiative nodes whose totals are exactly the bars' totals.

    Every fact is counted (nothing is cut off): under each banner the ``per_banner`` largest
    initiatives get their own node and the rest are folded into one "其他 N 项举措" node, so a
    league's node always equals its bar in 按盟市.
    """
    agg = aggregate(df, ["league", "region_level", "banner", "initiative"], measure)
    leaf: dict[tuple[str, str], list[tuple[str, float, int]]] = {}
    for lg, lv, bn, ini, y, n in zip(agg["league"], agg["region_level"], agg["banner"], agg["initiative"],
                                      agg["y"], agg["n"]):
        group = str(lg) if str(lg) else LEVEL_GROUPS.get(str(lv), NO_LEAGUE_KNOWN)
        leaf.setdefault((group, str(bn)), []).append((str(ini), float(y), int(n)))
    ids, labels, parents, values, facts = [], [], [], [], []
    league_tot: dict[str, list] = {}
    folded = 0
    for (group, banner), items in leaf.items():
        merged: dict[str, list] = {}
        for ini, y, n in items:
            row = merged.setdefault(ini, [0.0, 0])
            row[0] += y
            row[1] += n
        ranked = sorted(merged.items(), key=lambda kv: (-kv[1][0], kv[0]))
        keep, rest = ranked[:per_banner], ranked[per_banner:]
        bid = f"{group}/{banner}"
        b_y = sum(v[0] for _k, v in ranked)
        b_n = sum(v[1] for _k, v in ranked)
        ids.append(bid); labels.append(banner or NO_BANNER); parents.append(group); values.append(b_y); facts.append(b_n)
        for ini, (y, n) in keep:
            ids.append(f"{bid}/{ini}"); labels.append(ini or NO_INITIATIVE); parents.append(bid)
            values.append(y); facts.append(n)
        if rest:
            folded += len(rest)
            ids.append(f"{bid}/…"); labels.append(f"其他 {len(rest)} 项举措"); parents.append(bid)
            values.append(sum(v[0] for _k, v in rest)); facts.append(sum(v[1] for _k, v in rest))
        t = league_tot.setdefault(group, [0.0, 0])
        t[0] += b_y
        t[1] += b_n
    order = sorted((g for g in league_tot if g not in SPECIAL_GROUPS), key=lambda g: -league_tot[g][0])
    order += [g for g in SPECIAL_GROUPS if g in league_tot]
    top_ids = order
    return Hierarchy(top_ids + ids, [group_label(g) for g in order] + labels, [""] * len(order) + parents,
                     [league_tot[g][0] for g in order] + values, [league_tot[g][1] for g in order] + facts,
                     folded, per_banner)


def by_code(df: pd.DataFrame, level: str, measure: Measure, mask: np.ndarray | None = None) -> pd.DataFrame:
    """Aggregate by league_code or banner_code for the map."""
    col = "league_code" if level == "league" else "banner_code"
    name = "league" if level == "league" else "banner"
    m = _nonempty(df, col) if mask is None else mask & _nonempty(df, col)
    return aggregate(df, [col, name], measure, m).rename(columns={col: "code", name: "name"})


def totals(df: pd.DataFrame, measure: Measure) -> dict[str, float]:
    """Return the sum (or count) for 盟市及以下 (every fact in Inner Mongolia) and each special group.

    Keys: "im" (facts with a league, or a place in Inner Mongolia whose league is unknown or
    not located), and 全区 / 区外 as their own totals: they are never added into "im".
    """
    out = {"im": 0.0, REGION_WIDE: 0.0, OUTSIDE: 0.0}
    if df.empty:
        return out
    level = df["region_level"]
    empty = (df["league"] == "").to_numpy(dtype=bool, na_value=False)
    vals = df["value"].to_numpy(dtype=float, na_value=0.0) if measure.kind == "sum" else np.ones(len(df))
    vals = np.nan_to_num(vals)
    wide = empty & (level == "region").to_numpy(dtype=bool, na_value=False)
    outside = empty & (level == "outside").to_numpy(dtype=bool, na_value=False)
    out[REGION_WIDE] = float(vals[wide].sum())
    out[OUTSIDE] = float(vals[outside].sum())
    out["im"] = float(vals[~(wide | outside)].sum())
    return out


# ---------------------------------------------------------------- describing filters

def table_filter_text(table: str | None) -> list[str]:
    """Describe the table's column filters in words: 数值>1000, 地区含“赤峰”."""
    out = []
    for col, op, value in parse_table_filter(table):
        name = dict(TABLE_COLUMNS).get(col, col)
        if op == "contains":
            out.append(f"{name}含“{value}”" if col != "value_text" else f"{name}{_value_expr_text(value)}")
        else:
            out.append(f"{name}{op.replace('>=', '≥').replace('<=', '≤').replace('!=', '≠')}{value}")
    return out


def _value_expr_text(value: str) -> str:
    ops = parse_value_expr(value)
    if not ops:
        return f"含“{value}”"
    return "、".join(f"{op.replace('>=', '≥').replace('<=', '≤')}{format_cn(x)}" for op, x in ops)


def describe_filters(f: Filters, short: bool = False) -> list[str]:
    """Return the filters in words, one item per dimension (empty list: no filter)."""
    parts = []
    if f.league:
        parts.append("、".join(group_label(x) for x in f.league))
    if f.banner:
        parts.append("、".join(f.banner))
    if f.initiative:
        parts.append(("举措：" if not short else "") + "、".join(f.initiative))
    if f.indicator:
        parts.append(("指标：" if not short else "") + indicator_label(f.indicator))
    if f.category:
        parts.append(("类型：" if not short else "") + category_label(f.category))
    if f.basis:
        parts.append(("举措依据：" if not short else "") + BASIS_GROUP_LABELS[f.basis])
    if f.date_from or f.date_to:
        if short:
            parts.append(f"{f.date_from or ''}至{f.date_to or ''}")
        else:
            parts.append(f"{format_date_cn(f.date_from) or '最早'}至{format_date_cn(f.date_to) or '最新'}")
    if f.q:
        parts.append(f"搜索“{f.q}”" if not short else f.q)
    parts.extend(table_filter_text(f.table))
    return parts


# ---------------------------------------------------------------- table

TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("value_text", "数值"),
    ("unit_text", "单位"),
    ("subject", "对象"),
    ("indicator_text", "指标"),
    ("region", "地区"),
    ("initiative", "举措"),
    ("basis_text", "举措依据"),  # 同句点名 / 全文推断…: how directly the text ties the programme to the number
    ("published", "日期"),
    ("source", "来源"),
    ("review", "审核"),  # 已更正 / 已确认 (issue 11: corrected rows are marked)
)
REVIEW_MARKS = {"corrected": "已更正", "confirmed": "已确认"}
# Hints shown in each column's filter box.
TABLE_FILTER_HINTS: dict[str, str] = {
    "value_text": "如 >1000、1万",
    "unit_text": "如 人",
    "subject": "如 书记",
    "indicator_text": "如 资金",
    "region": "如 赤峰市·林西县",
    "initiative": "如 红色",
    "basis_text": "如 同句点名",
    "published": "如 2024-01",
    "source": "报道或文件名",
    "review": "已更正 / 已确认",
}
# Table column → fact column used to sort and filter it.
SORT_COLUMNS = {
    "value_text": "value", "unit_text": "unit", "subject": "subject", "indicator_text": "indicator",
    "region": "league", "initiative": "initiative", "published": "published", "source": "source_file",
    "basis_text": "initiative_basis",
}
SYNTHETIC_MARK = "【合成数据】"


def region_text(row) -> str:
    """Return a fact's place as shown: 赤峰市·阿鲁科尔沁旗, or 全区 / 区外（京蒙协作等） / 未定位."""
    parts = [str(row.get(k) or "") for k in ("league", "banner", "township", "village")]
    text = "·".join(p for p in parts if p)
    level = str(row.get("region_level") or "")
    if not str(row.get("league") or ""):
        if level in LEVEL_GROUPS:
            group = group_label(LEVEL_GROUPS[level])
            return group if not text else f"{group}·{text}"
    return text or group_label(UNLOCATED)


_REGION_COLS = ("league", "banner", "township", "village", "region_level")


def region_texts(df: pd.DataFrame, normalised: bool = False) -> np.ndarray:
    """Return region_text for every row, computed once per distinct place (fast on a million rows)."""
    if df.empty:
        return np.array([], dtype=object)
    cols = [df[c] for c in _REGION_COLS]
    if all(isinstance(c.dtype, pd.CategoricalDtype) for c in cols):
        key = np.zeros(len(df), dtype=np.int64)
        for c in cols:
            key = key * (len(c.cat.categories) + 1) + (c.cat.codes.to_numpy().astype(np.int64) + 1)
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        recs = df.iloc[first][list(_REGION_COLS)].astype(str).to_dict("records")
    else:
        frame = df[list(_REGION_COLS)].astype(str)
        recs_all = frame.to_dict("records")
        keys = [tuple(r.values()) for r in recs_all]
        index: dict[tuple, int] = {}
        inverse = np.array([index.setdefault(k, len(index)) for k in keys])
        recs = [dict(zip(_REGION_COLS, k)) for k in index]
    texts = [region_text(r) for r in recs]
    if normalised:
        texts = [_norm_region(t) for t in texts]
    return np.asarray(texts, dtype=object)[inverse]


def is_synthetic_file(name: str) -> bool:
    return name.startswith("synthetic") or "/synthetic" in name


def table_rows(page: pd.DataFrame) -> list[dict]:
    """Turn fact rows into display rows (Chinese formatted), keeping fact_id as the row id."""
    rows = []
    for rec in page.to_dict("records"):
        title = str(rec.get("article_title") or "")
        source = f"{title}（{rec['source_file']}）" if title else str(rec["source_file"])
        if is_synthetic_file(str(rec["source_file"])):
            source = SYNTHETIC_MARK + source
        rows.append({
            "id": rec["fact_id"],
            "value_text": format_value(rec["value"], str(rec["qualifier"]), rec["value_low"], rec["value_high"]),
            "unit_text": unit_text(str(rec["unit"]), str(rec["per"])),
            "subject": rec["subject"],
            "indicator_text": indicator_label(str(rec["indicator"])),
            "region": region_text(rec),
            "initiative": str(rec["initiative"]),
            "basis_text": BASIS_LABELS.get(str(rec.get("initiative_basis") or ""), ""),
            "published": str(rec["published"]),
            "source": source,
            "review": REVIEW_MARKS.get(str(rec.get("review_status") or ""), ""),
        })
    return rows


_FILTER_OPS = {">=": ">=", "<=": "<=", "<": "<", ">": ">", "!=": "!=", "=": "=", "eq": "=", "ne": "!=",
               "gt": ">", "ge": ">=", "lt": "<", "le": "<=", "contains": "contains",
               "datestartswith": "contains"}
_FILTER_PART = re.compile(r"\s*\{([^}]+)\}\s+(\S+)\s+(.*)$")


def _norm_op(op: str) -> str | None:
    """DataTable writes i>, s>=, icontains, scontains…: drop the case prefix."""
    if op in _FILTER_OPS:
        return _FILTER_OPS[op]
    if op[:1] in ("i", "s") and op[1:] in _FILTER_OPS:
        return _FILTER_OPS[op[1:]]
    return None


def parse_table_filter_report(query: str | None) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Parse a DataTable filter_query into (column, op, value) triples and the parts it could not read."""
    out, bad = [], []
    if not isinstance(query, str) or not query.strip():
        return out, bad
    for part in query[:500].split(" && "):
        if not part.strip():
            continue
        m = _FILTER_PART.match(part)
        op = _norm_op(m.group(2)) if m else None
        if not m or op is None or m.group(1) not in SORT_COLUMNS:
            bad.append(part.strip())
            continue
        col, value = m.group(1), m.group(3).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'`":
            value = value[1:-1]
        if not value:
            continue
        if col == "value_text" and op == "contains" and not parse_value_expr(value):
            bad.append(part.strip())
            continue
        if col == "value_text" and op != "contains":
            if not parse_value_expr(value):
                bad.append(part.strip())
                continue
        out.append((col, op, value))
    return out, bad


def parse_table_filter(query: str | None) -> list[tuple[str, str, str]]:
    """Parse a DataTable filter_query ("{col} i> 1000 && {col} icontains x") into (col, op, value)."""
    return parse_table_filter_report(query)[0]


def serialise_table_filter(parts: list[tuple[str, str, str]]) -> str:
    """Write (col, op, value) triples back in the table's syntax (the value quoted when needed)."""
    out = []
    for col, op, value in parts:
        v = value.replace('"', "")
        if re.search(r"[\s&{}]", v) or not v:
            v = f'"{v}"'
        out.append(f"{{{col}}} {op} {v}")
    return " && ".join(out)


_VALUE_EXPR = re.compile(r"^\s*(>=|<=|≥|≤|>|<|=|大于等于|小于等于|不少于|不低于|不超过|不多于|大于|小于|超过|高于|低于|少于|多于|等于)?\s*(.+?)\s*$")
_VALUE_OPS = {"≥": ">=", "≤": "<=", "大于等于": ">=", "不少于": ">=", "不低于": ">=", "小于等于": "<=",
              "不超过": "<=", "不多于": "<=", "大于": ">", "超过": ">", "高于": ">", "多于": ">", "小于": "<",
              "低于": "<", "少于": "<", "等于": "=", "=": "=", ">=": ">=", "<=": "<=", ">": ">", "<": "<"}
_RANGE = re.compile(r"^\s*([^~～至到\-–—]+?)\s*(?:~|～|至|到|-|–|—)\s*([^~～至到\-–—]+?)\s*$")


def _number(text: str) -> float | None:
    text = text.strip().replace("，", ",").rstrip("+＋")
    if not text or len(text) > 20:
        return None
    try:
        p = parse_number(text)
    except Exception:  # noqa: BLE001 - parse_number raises its own errors for anything unreadable
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    return float(p.value) if p.value is not None else None


def parse_value_expr(text: str) -> list[tuple[str, float]]:
    """Read a numeric filter as an official types it: >1000, >=5000, ≥5千, 1万, 1万-5万, 大于1000.

    >>> parse_value_expr(">1000"), parse_value_expr("1万"), parse_value_expr("1万-5万")
    ([('>', 1000.0)], [('=', 10000.0)], [('>=', 10000.0), ('<=', 50000.0)])
    >>> parse_value_expr("abc")
    []
    """
    if not isinstance(text, str) or not text.strip():
        return []
    m = _RANGE.match(text)
    if m and not text.strip().startswith(("-", ">", "<", "≥", "≤")):
        lo, hi = _number(m.group(1)), _number(m.group(2))
        if lo is not None and hi is not None:
            return [(">=", min(lo, hi)), ("<=", max(lo, hi))]
    m = _VALUE_EXPR.match(text)
    if not m:
        return []
    x = _number(m.group(2))
    if x is None:
        return []
    return [(_VALUE_OPS.get(m.group(1) or "=", "="), x)]


def _norm_region(text: str) -> str:
    return re.sub(r"[\s·•・/\\>→,，、\-]+", "", text)


def table_filter_mask(df: pd.DataFrame, query: str | None) -> np.ndarray:
    """Return the rows of ``df`` that pass the table's own column filters."""
    mask = np.ones(len(df), dtype=bool)
    for col, op, value in parse_table_filter(query):
        if col == "value_text":
            v = df["value"].to_numpy(dtype=float, na_value=np.nan)
            ops = parse_value_expr(value) if op == "contains" else [(op, x) for _o, x in parse_value_expr(value)]
            for o, x in ops:
                if o == "=":
                    lo = df["value_low"].to_numpy(dtype=float, na_value=np.nan)
                    hi = df["value_high"].to_numpy(dtype=float, na_value=np.nan)
                    in_range = (lo <= x) & (x <= hi)
                    mask &= (v == x) | np.nan_to_num(in_range, nan=0).astype(bool)
                else:
                    mask &= {">=": v >= x, "<=": v <= x, "<": v < x, ">": v > x, "!=": v != x}[o]
            continue
        if col == "region":
            text = pd.Series(region_texts(df, normalised=True), index=df.index, dtype=object)
            value = _norm_region(value)
        elif col == "indicator_text":
            text = df["indicator"].astype(str).map(lambda c: indicator_label(c) + c)
        elif col == "source":
            text = df["source_file"].astype(str) + df["article_title"].astype(str)
        elif col == "unit_text":
            text = df["unit"].astype(str) + "/" + df["per"].astype(str)
        elif col == "basis_text":
            text = df["initiative_basis"].astype(str).map(lambda c: BASIS_LABELS.get(c, c))
        else:
            text = df[SORT_COLUMNS[col]].astype(str)
        if op == "=":
            mask &= (text == value).to_numpy(dtype=bool)
        elif op == "!=":
            mask &= (text != value).to_numpy(dtype=bool)
        else:
            mask &= text.str.contains(value, regex=False, na=False).to_numpy(dtype=bool)
    return mask


def apply_table_filter(df: pd.DataFrame, query: str | None) -> pd.DataFrame:
    """Apply the table's own column filters (text contains, numeric comparisons on value)."""
    if not parse_table_filter(query):
        return df
    return df[table_filter_mask(df, query)]


def table_page(df: pd.DataFrame, page: int | None, sort_by: list | None = None,
               filter_query: str | None = None, page_size: int = PAGE_SIZE,
               mask: np.ndarray | None = None) -> tuple[list[dict], int, int]:
    """Return (display rows of one page, page count, matching row count); page is clamped.

    ``mask`` (from filter_mask) selects rows of ``df`` without copying them; only the page is
    materialised unless the table's own sort or column filters are used.
    """
    positions = np.arange(len(df)) if mask is None else np.flatnonzero(mask)
    keys, asc = [], []
    if sort_by and isinstance(sort_by, list):
        for s in sort_by[:3]:
            if isinstance(s, dict) and s.get("column_id") in SORT_COLUMNS:
                keys.append(SORT_COLUMNS[s["column_id"]])
                asc.append(s.get("direction") != "desc")
    if parse_table_filter(filter_query) and len(positions):
        keep = table_filter_mask(df.iloc[positions], filter_query)
        positions = positions[keep]
    n = len(positions)
    pages = max(1, -(-n // page_size))
    try:
        page = int(page or 0)
    except (TypeError, ValueError, OverflowError):
        page = 0
    page = min(max(page, 0), pages - 1)
    if keys and n:
        sort_frame = df[keys].iloc[positions].copy()
        for k in keys:
            if isinstance(sort_frame[k].dtype, pd.CategoricalDtype):
                sort_frame[k] = sort_frame[k].astype(str)
        sort_frame["_pos"] = positions
        positions = sort_frame.sort_values(keys, ascending=asc, kind="stable")["_pos"].to_numpy()
    start = page * page_size
    return table_rows(df.iloc[positions[start:start + page_size]]), pages, n


# ---------------------------------------------------------------- CSV

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with an apostrophe."""
    return "'" + text if text and text.startswith(_FORMULA_START) else text


def _number_cells(values: pd.Series) -> list[str]:
    """Format numbers like etl.export: 40000.0 → "40000", 0.85 → "0.85", NaN → ""."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(v), "", dtype=object)
    finite = np.isfinite(v)
    integral = finite & (np.abs(v) < 1e15) & (np.floor(v) == v)
    out[integral] = v[integral].astype(np.int64).astype(str)
    other = np.flatnonzero(finite & ~integral)
    out[other] = [repr(float(x)) for x in v[other]]
    return out.tolist()


def _text_cells(values: pd.Series) -> list[str]:
    """Return text cells with spreadsheet formulas neutralised (categories formatted once)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([neutralise(str(c)) for c in values.cat.categories] + [""], dtype=object)
        return cats[values.cat.codes.to_numpy()].tolist()  # code -1 (missing) picks the ""
    return [neutralise(x) if isinstance(x, str) else ("" if x is None or x != x else neutralise(str(x)))
            for x in values.tolist()]


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return facts as CSV bytes with the machine columns (UTF-8 with BOM, \\r\\n, FACT_COLUMNS order).

    Text cells that a spreadsheet would run as a formula (= + - @) get a leading "'"; numeric
    columns stay numbers, integral ones without ".0" as in etl/export.py's facts.csv. Written by
    pyarrow's CSV writer (C++; it quotes every text cell), ~20× faster than csv.writer.
    """
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a runtime requirement
        return _to_csv_bytes_python(df)
    frame = pd.DataFrame({c: (df[c] if c in df.columns else pd.Series([None] * len(df), dtype=object, index=df.index))
                          for c in FACT_COLUMNS})
    return _arrow_csv(frame, list(FACT_COLUMNS), set(NUMERIC_FACT_COLUMNS), set(INTEGER_FACT_COLUMNS))


def _arrow_csv(df: pd.DataFrame, names: list[str], numeric: set[str], integer: set[str]) -> bytes:
    """Write a frame's columns as CSV with pyarrow: BOM, CRLF, formulas neutralised in text cells."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    arrays = []
    for col in names:
        values = df[col]
        if col in numeric or col in integer:
            v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
            arr = pa.array(v, from_pandas=True)
            if col in integer or (np.isfinite(v).all() and (np.floor(v) == v).all() and len(v)
                                  and np.abs(v).max() < 1e15):
                arr = arr.cast(pa.int64()) if not arr.null_count else arr
            arrays.append(arr)
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.remove_unused_categories()  # neutralise only what is written
            cats = pa.array([neutralise(str(c)) for c in values.cat.categories], type=pa.string())
            codes = values.cat.codes.to_numpy()
            indices = pa.array(codes.astype(np.int32), mask=codes < 0)
            arrays.append(pa.DictionaryArray.from_arrays(indices, cats).cast(pa.string()))
        else:
            try:
                arr = pa.array(values, type=pa.string(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array([None if x is None or x != x else str(x) for x in values.tolist()], type=pa.string())
            arr = pc.fill_null(arr, "")
            bad = pc.starts_with(arr, _FORMULA_START[0])
            for prefix in _FORMULA_START[1:]:
                bad = pc.or_(bad, pc.starts_with(arr, prefix))
            if pc.any(bad).as_py():
                arr = pc.if_else(bad, pc.binary_join_element_wise("'", arr, ""), arr)
            arrays.append(arr)
    table = pa.Table.from_arrays(arrays, names=names)
    buf = pa.BufferOutputStream()
    pacsv.write_csv(table, buf, pacsv.WriteOptions(eol="\r\n", quoting_header="none"))
    return b"\xef\xbb\xbf" + buf.getvalue().to_pybytes()


def _to_csv_bytes_python(df: pd.DataFrame) -> bytes:
    """Fallback CSV writer (csv.writer, minimal quoting) with the same rules as to_csv_bytes."""
    numeric = set(NUMERIC_FACT_COLUMNS) | set(INTEGER_FACT_COLUMNS)
    columns = []
    for col in FACT_COLUMNS:
        values = df[col] if col in df.columns else pd.Series([""] * len(df), dtype=object)
        columns.append(_number_cells(values) if col in numeric else _text_cells(values))
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(FACT_COLUMNS)
    writer.writerows(zip(*columns))
    return buf.getvalue().encode("utf-8")



# ---------------------------------------------------------------- Chinese CSV and Excel

# Download columns with Chinese headers (the default of the download button); the English machine
# columns stay in `facts.csv` of the ETL export and in the "英文列名" choice.
ZH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("region", "地区"), ("league", "盟市"), ("league_code", "盟市代码"), ("banner", "旗县区"),
    ("banner_code", "旗县区代码"), ("township", "苏木乡镇"), ("village", "嘎查村"), ("region_level", "地区层级"),
    ("published", "报道日期"), ("date_how", "日期来源"), ("as_of", "数据截至"),
    ("indicator", "指标"), ("subject", "对象"), ("initiative", "举措"), ("initiative_basis", "举措依据"),
    ("value_text", "数值（写法）"), ("value", "数值"), ("value_low", "下限"), ("value_high", "上限"),
    ("qualifier", "限定"), ("unit", "单位"), ("per", "每"), ("category", "数值类型"),
    ("quote", "原文"), ("article_title", "文章标题"), ("newspaper", "报纸/来源"), ("location", "版面位置"),
    ("source_file", "来源文件"), ("synthetic", "合成数据"), ("review_status", "审核状态"), ("confidence", "置信度"),
    ("fact_id", "事实编号"),
)
ZH_NUMERIC = frozenset({"value", "value_low", "value_high", "confidence"})
_GROUP_RANK = {REGION_WIDE: 1, OUTSIDE: 2, NO_LEAGUE_KNOWN: 3, UNLOCATED: 4}


def sort_for_export(df: pd.DataFrame) -> pd.DataFrame:
    """Sort facts by region (leagues by code, then 全区, 区外, 盟市不详, 未定位) and date."""
    if df.empty:
        return df
    empty = (df["league"] == "").to_numpy(dtype=bool, na_value=False)
    level = df["region_level"].astype(str).to_numpy()
    rank = np.zeros(len(df), dtype=np.int64)
    for lv, group in LEVEL_GROUPS.items():
        rank[empty & (level == lv)] = _GROUP_RANK[group]
    rank[empty & (rank == 0)] = _GROUP_RANK[NO_LEAGUE_KNOWN]
    keys = pd.DataFrame({
        "r": rank, **{c: df[c].astype(str).to_numpy() for c in
                      ("league_code", "banner_code", "township", "village", "published", "source_file")},
        "s": df["span_start"].to_numpy(), "f": df["fact_id"].astype(str).to_numpy(),
    })
    order = keys.sort_values(list(keys.columns), kind="stable").index.to_numpy()
    return df.iloc[order]


def _doc_lookup(df: pd.DataFrame, docs: pd.DataFrame | None, col: str, mapper=None) -> np.ndarray:
    if docs is None or docs.empty or col not in docs.columns:
        return np.full(len(df), "", dtype=object)
    table = dict(zip(docs["source_file"].astype(str), docs[col].fillna("").astype(str)))
    if mapper:
        table = {k: mapper(v) for k, v in table.items()}
    return df["source_file"].astype(str).map(lambda s: table.get(s, "")).to_numpy(dtype=object)


def _mapped(values: pd.Series, mapping) -> np.ndarray:
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = np.array([mapping(str(c)) for c in values.cat.categories] + [""], dtype=object)
        return cats[values.cat.codes.to_numpy()]
    return np.array([mapping(str(x)) for x in values.fillna("").tolist()], dtype=object)


def zh_frame(df: pd.DataFrame, docs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the facts as the Chinese download shows them: Chinese headers, labels and sort order."""
    df = sort_for_export(df)
    cols: dict[str, object] = {}
    for key, _header in ZH_COLUMNS:
        if key == "region":
            cols[key] = region_texts(df)
        elif key == "region_level":
            cols[key] = _mapped(df["region_level"], lambda v: LEVEL_LABELS.get(v, v))
        elif key == "date_how":
            cols[key] = _doc_lookup(df, docs, "published_how", lambda v: DATE_HOW_LABELS.get(v, v))
        elif key == "newspaper":
            cols[key] = _doc_lookup(df, docs, "source")
        elif key == "indicator":
            cols[key] = _mapped(df["indicator"], indicator_label)
        elif key == "category":
            cols[key] = _mapped(df["category"], category_label)
        elif key == "qualifier":
            cols[key] = _mapped(df["qualifier"], lambda v: QUALIFIER_LABELS.get(v, v))
        elif key == "initiative_basis":
            cols[key] = _mapped(df[key], lambda v: BASIS_LABELS.get(v, v)) if key in df else ""
        elif key == "review_status":
            cols[key] = _mapped(df["review_status"], lambda v: REVIEW_LABELS.get(v, v)) if key in df else ""
        elif key == "synthetic":
            cols[key] = _mapped(df["source_file"], lambda v: "是" if is_synthetic_file(v) else "")
        elif key == "value_text":
            cols[key] = np.array([format_value(v, str(q), lo, hi) for v, q, lo, hi in
                                  zip(df["value"].tolist(), df["qualifier"].astype(str).tolist(),
                                      df["value_low"].tolist(), df["value_high"].tolist())], dtype=object)
        elif key in df.columns:
            cols[key] = df[key].to_numpy() if key in ZH_NUMERIC else df[key].astype(str).to_numpy(dtype=object)
        else:
            cols[key] = np.full(len(df), "", dtype=object)
    out = pd.DataFrame({k: (v if not isinstance(v, str) else np.full(len(df), v, dtype=object)) for k, v in cols.items()})
    out.columns = [h for _k, h in ZH_COLUMNS]
    return out


def to_csv_bytes_zh(df: pd.DataFrame, docs: pd.DataFrame | None = None) -> bytes:
    """Return the Chinese CSV (headers and labels in Chinese, sorted by region and date; BOM, CRLF)."""
    frame = zh_frame(df, docs)
    numeric = {h for k, h in ZH_COLUMNS if k in ZH_NUMERIC}
    return _arrow_csv(frame, list(frame.columns), numeric, set())


def filters_sheet(f: Filters | None, n_rows: int, snapshot_info: dict | None = None,
                  notes: list[str] | None = None) -> list[tuple[str, str]]:
    """Return the (item, value) rows of the Excel workbook's 筛选条件 sheet."""
    info = snapshot_info or {}
    rows = [("导出时间", info.get("exported", "")), ("数据更新于", info.get("last_updated", "")),
            ("数据范围", info.get("scope", ""))]
    if f is None or f.is_empty():
        rows.append(("筛选条件", "无（全部数据）"))
    else:
        for part in describe_filters(f):
            rows.append(("筛选条件", part))
    rows.append(("条数", str(n_rows)))
    for note in notes or []:
        rows.append(("说明", note))
    rows.append(("说明", "数字由程序从报道中自动抽取，请以原文为准；同一数字被多篇报道提到时，相加会重复计算。"))
    return rows


def sources_frame(df: pd.DataFrame, docs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per report behind the facts: file, title, newspaper, date and how it was known."""
    if df.empty:
        return pd.DataFrame(columns=["来源文件", "报道标题", "报纸/来源", "报道日期", "日期来源", "事实条数", "合成数据"])
    g = df.groupby("source_file", observed=True).agg(n=("fact_id", "size"), published=("published", "first"),
                                                     title=("article_title", "first")).reset_index()
    g = g[g["n"] > 0]
    g["source_file"] = g["source_file"].astype(str)
    info = docs.set_index("source_file") if docs is not None and not docs.empty else None

    def doc(name: str, col: str) -> str:
        if info is None or name not in info.index or col not in info.columns:
            return ""
        v = info.at[name, col]
        return "" if v is None or (isinstance(v, float) and v != v) else str(v)

    out = pd.DataFrame({
        "来源文件": g["source_file"],
        "报道标题": [doc(s, "title") or str(t) for s, t in zip(g["source_file"], g["title"])],
        "报纸/来源": [doc(s, "source") for s in g["source_file"]],
        "报道日期": g["published"].astype(str),
        "日期来源": [DATE_HOW_LABELS.get(doc(s, "published_how"), doc(s, "published_how")) for s in g["source_file"]],
        "事实条数": g["n"].astype(int),
        "合成数据": ["是" if is_synthetic_file(s) else "" for s in g["source_file"]],
    })
    return out.sort_values(["报道日期", "来源文件"], ascending=[False, True], kind="stable").reset_index(drop=True)


def to_xlsx_bytes(df: pd.DataFrame, f: Filters | None, docs: pd.DataFrame | None = None,
                  snapshot_info: dict | None = None, notes: list[str] | None = None) -> bytes:
    """Return an Excel workbook: 事实 (Chinese columns), 筛选条件 and 来源 sheets.

    Written by XlsxWriter with formulas, numbers and URLs in text cells left as text, so a cell
    that starts with "=" is shown, never run.
    """
    import xlsxwriter

    frame = zh_frame(df, docs)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_numbers": False,
                                   "strings_to_urls": False, "nan_inf_to_errors": True,
                                   "constant_memory": True, "in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#F7F2F1", "font_name": "Microsoft YaHei"})
    ws = wb.add_worksheet("事实")
    ws.write_row(0, 0, list(frame.columns), head)
    numeric_idx = {i for i, (k, _h) in enumerate(ZH_COLUMNS) if k in ZH_NUMERIC}
    data = [frame[c].tolist() for c in frame.columns]
    for r in range(len(frame)):
        for c, col in enumerate(data):
            v = col[r]
            if c in numeric_idx:
                if v is None or v != v:
                    continue
                ws.write_number(r + 1, c, float(v))
            elif v:
                ws.write_string(r + 1, c, str(v))
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 24)
    ws2 = wb.add_worksheet("筛选条件")
    ws2.write_row(0, 0, ["项目", "内容"], head)
    for i, (k, v) in enumerate(filters_sheet(f, len(frame), snapshot_info, notes), start=1):
        ws2.write_string(i, 0, k)
        ws2.write_string(i, 1, str(v))
    ws2.set_column(0, 0, 14)
    ws2.set_column(1, 1, 80)
    ws3 = wb.add_worksheet("来源")
    src = sources_frame(df, docs)
    ws3.write_row(0, 0, list(src.columns), head)
    for r, row in enumerate(src.itertuples(index=False), start=1):
        for c, v in enumerate(row):
            if isinstance(v, (int, np.integer)):
                ws3.write_number(r, c, int(v))
            elif v:
                ws3.write_string(r, c, str(v))
    ws3.set_column(0, 1, 30)
    wb.close()
    return buf.getvalue()


_UNSAFE_FILENAME = re.compile(r"[\\/:*?\"<>|\s]+")


def _filename_part(text: str) -> str:
    text = text.replace(">=", "≥").replace("<=", "≤").replace(">", "大于").replace("<", "小于")
    return _UNSAFE_FILENAME.sub("-", text)[:30]


def csv_filename(f: Filters | None, today: date | None = None, ext: str = ".csv") -> str:
    """Return a file name that says the filter and the date: 事实_赤峰市_阿鲁科尔沁旗_2026-11-28.csv."""
    today = today or date.today()
    parts = ["事实"]
    if f is None:
        parts.append("全部")
    else:
        for value in ("、".join(f.league), "、".join(f.banner), "、".join(f.initiative),
                      indicator_label(f.indicator) if f.indicator else None,
                      category_label(f.category) if f.category else None,
                      BASIS_GROUP_LABELS[f.basis] if f.basis else None, f.q):
            if value:
                parts.append(_filename_part(value))
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or ''}至{f.date_to or ''}")
        for text in table_filter_text(f.table):
            parts.append(_filename_part(text))
        if len(parts) == 1:
            parts.append("全部")
    return "_".join(parts + [today.isoformat()]) + ext
