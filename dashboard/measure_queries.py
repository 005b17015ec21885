"""The measure view of the main page: filter state + chosen measure → what it shows (pure, no Dash).

``dashboard/measures.py`` answers "one measure, all regions" over the measures table; this module
puts it on the page: the dropdown's options (grouped by indicator, with counts), the chosen measure
read from a link or the dropdown and checked against the data, the page's filters applied where they
mean something, the headline, the table of latest values, and the Chinese CSV of the view.

How the page's filters apply to a measure:

* 盟市 / 旗县区 never remove figures from the comparison: the chosen ones are drawn strong, the
  banner chart shows only the chosen leagues' banners, the trend draws the chosen regions, and the
  table and the CSV keep the chosen regions' rows.
* 举措, 报道日期 and 搜索 choose reports: the figures are those of the facts these filters keep
  (the measures table is rebuilt from those facts of this one measure, so "latest" means the latest
  figure in the chosen reports).
* 指标 narrows the measure dropdown to that indicator's measures; 数值类型 and the table's column
  filters belong to the facts table and leave the measure alone.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qs

import numpy as np
import pandas as pd

from etl.export import csv_rows_bytes
from etl.measure_table import FACT_ID_SEPARATOR, MEASURE_COLUMNS, empty_measure_table, measure_table

from . import queries
from .labels import LEVEL_LABELS, QUALIFIER_LABELS, REGION_WIDE, format_value, indicator_label
from .measures import (
    LATEST_COLUMNS, MeasureIndex, MeasureKey, MeasureView, latest_by_region, measure_options, measure_view, series,
    summable,
)

MEASURE_PARAM = "measure"  # the URL parameter: ?measure=嘎查党群服务中心|个|
NO_DATA = "该指标在所选地区没有数据"
KIND_LABELS = {"stock": "存量（某一时点的数）", "flow": "时段累计（如今年以来）", "part": "分项（其中…）",
               "rate": "比率（人均、户均等）", "percent": "百分比", "": ""}
KIND_SHORT = {"stock": "存量", "flow": "时段累计", "part": "分项", "rate": "比率", "percent": "百分比", "": ""}
BANNER_TOP = 30  # banner bars on a desktop (the table lists them all)
BANNER_TOP_PHONE = 15
TREND_BANNERS = 6  # banner lines added to a chosen league's trend
HEADLINE_LEAGUES = 3  # leagues named in the headline (more: counted)
TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("region", "地区"), ("level", "层级"), ("value_text", "数值"), ("as_of_text", "时点"), ("kind_text", "类型"),
    ("n_reports", "报道"), ("note", "说明"),
)
# The Chinese CSV of the view: (measures.csv column, Chinese header); the machine columns on request.
ZH_CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("measure", "指标（计数对象）"), ("unit", "单位"), ("per", "每（人均、户均等）"), ("kind", "数字类型"),
    ("region_level", "地区层级"), ("league", "盟市"), ("league_code", "盟市代码"), ("banner", "旗县区"),
    ("banner_code", "旗县区代码"), ("township", "苏木乡镇"), ("village", "嘎查村"), ("as_of", "时点"),
    ("period_start", "时段起"), ("value", "数值"), ("qualifier", "数值说明"), ("n_reports", "报道篇数"),
    ("indicator", "指标类别"), ("fact_ids", "事实编号（可在事实 CSV 中查原文）"),
)


# ------------------------------------------------------------------ per snapshot

@dataclass(frozen=True)
class MeasureData:
    """The measures of one data snapshot: the index and the dropdown's rows. Built once per snapshot."""

    index: MeasureIndex
    options: pd.DataFrame  # measure_options(table)

    def knows(self, key: MeasureKey | None) -> bool:
        return key is not None and (key.measure, key.unit, key.per) in self.index.positions


def build_measure_data(facts: pd.DataFrame | None) -> MeasureData:
    """Build the measures table, its index and the dropdown's rows from a snapshot's facts."""
    table = measure_table(facts) if facts is not None and len(facts) else empty_measure_table()
    return MeasureData(MeasureIndex.build(table), measure_options(table))


EMPTY_MEASURES = build_measure_data(None)


def dropdown_options(options: pd.DataFrame, indicator: str | None = None, chosen: str | None = None) -> list[dict]:
    """The measure dropdown: a heading per indicator (not selectable), then its measures with counts.

    With ``indicator`` only that indicator's measures (the chosen measure stays, so it never
    disappears from the box). Each option is searchable by its name and its indicator's name.
    """
    if options is None or options.empty:
        return []
    sub = options
    if indicator:
        sub = options[(options["indicator"] == indicator).to_numpy() | (options["key"] == (chosen or "")).to_numpy()]
    out: list[dict] = []
    current = None
    for ind, key, label, measure in zip(sub["indicator"], sub["key"], sub["label"], sub["measure"]):
        if ind != current:
            current = ind
            name = indicator_label(ind) or "其他"
            out.append({"label": f"—— {name} ——", "value": f"__group__{ind}", "disabled": True,
                        "search": name})
        out.append({"label": label, "value": key, "search": f"{measure} {indicator_label(ind)}"})
    return out


def measure_from_search(search: str | None) -> str | None:
    """The raw ?measure= value of a link (unchecked), or None."""
    if not isinstance(search, str):
        return None
    values = parse_qs(search.lstrip("?")[:4000]).get(MEASURE_PARAM)
    return values[0] if values else None


def validate_measure(data: MeasureData, value) -> tuple[MeasureKey | None, str | None]:
    """(the measure, None) when the data has it; (None, what was ignored, in words) otherwise."""
    if value in (None, ""):
        return None, None
    key = MeasureKey.from_value(value)
    if key is not None and data.knows(key):
        return key, None
    text = str(value)[:30] if isinstance(value, str) else "?"
    return None, f"指标数值「{text.replace('|', ' ')}」（数据中没有）"


def with_measure(qs: str, key: MeasureKey | None) -> str:
    """The page's query string with the measure appended (?league=…&measure=…)."""
    if key is None:
        return qs
    from urllib.parse import urlencode  # noqa: PLC0415

    part = urlencode([(MEASURE_PARAM, key.to_value())])
    return f"{qs}&{part}" if qs else f"?{part}"


# ------------------------------------------------------------------ one request

REPORT_FILTERS = ("initiative", "date_from", "date_to", "q")


def selects_reports(f: queries.Filters) -> bool:
    """Whether the filters choose reports (initiative, report date, search): then figures are rebuilt."""
    return any(getattr(f, k) for k in REPORT_FILTERS)


def _key_mask(facts: pd.DataFrame, key: MeasureKey) -> np.ndarray:
    return (queries._eq(facts["measure"], key.measure) & queries._eq(facts["unit"], key.unit)
            & queries._eq(facts["per"], key.per))


def _codes_of(rows: pd.DataFrame, col: str, names, code_col: str) -> list[str]:
    if not names or rows.empty:
        return []
    sub = rows.loc[rows[col].isin(list(names)).to_numpy(dtype=bool), code_col]
    return sorted({str(c) for c in sub if str(c)})


@dataclass(frozen=True)
class PageView:
    """The measure view as the page shows it under the filters."""

    view: MeasureView
    region_wide: pd.DataFrame  # the latest region-wide (全区) figure: 0 or 1 row of LATEST_COLUMNS
    banners: pd.DataFrame  # the banners shown (of the chosen leagues, if any)
    rows: pd.DataFrame  # the measure's rows kept for the table's history and the CSV
    selected_leagues: tuple[str, ...]
    selected_banners: tuple[str, ...]
    other_basis: int  # rows of the other basis (flows beside levels) left out of this view


def page_view(data: MeasureData, facts: pd.DataFrame, key: MeasureKey, f: queries.Filters) -> PageView:
    """One request: the view of ``key`` under the (normalised) filters ``f`` (see the module doc)."""
    index = data.index
    if selects_reports(f):
        keep = _key_mask(facts, key)
        if keep.any():
            keep &= queries.filter_mask(facts, f.without("league", "banner", "indicator", "category", "table"))
        index = MeasureIndex.build(measure_table(facts[keep]) if keep.any() else empty_measure_table())
    rows_all = index.rows(key)
    real_leagues = tuple(x for x in f.league if x != REGION_WIDE)
    regions = _codes_of(rows_all, "league", real_leagues, "league_code") + \
        _codes_of(rows_all, "banner", f.banner, "banner_code")
    if REGION_WIDE in f.league:
        regions.append(REGION_WIDE)
    if f.league and not regions:
        regions = ["-"]  # chosen regions without figures: an empty trend, never the default lines
    view = measure_view(index, key, regions=regions or None)
    banners = view.banners
    if real_leagues:
        banners = banners[banners["league"].isin(list(real_leagues)).to_numpy(dtype=bool)].reset_index(drop=True)
    if not f.banner and len(banners) and (real_leagues or view.series.empty):
        # A chosen league's trend shows its banners' lines too (the largest few); so does a measure
        # reported only by banners (no league or region-wide line to show).
        extra = [str(c) for c in banners["code"].head(TREND_BANNERS) if str(c)]
        view = replace(view, series=series(view.rows, view.basis, (regions if regions != ["-"] else []) + extra))
    rows = view.rows
    other = 0
    if len(rows):
        flow = ((rows["kind"] == "flow") | ((rows["kind"] == "part") & (rows["period_start"] != ""))).to_numpy(bool)
        other = int((~flow).sum() if view.basis == "flow" else flow.sum())
    if f.league or f.banner:
        keep = np.zeros(len(rows), dtype=bool)
        if real_leagues:
            keep |= rows["league"].isin(list(real_leagues)).to_numpy(dtype=bool)
        if REGION_WIDE in f.league:
            keep |= (rows["region_level"] == "region").to_numpy(dtype=bool)
        if f.banner:  # banners chosen: their leagues' own rows and the chosen banners' rows
            in_banner = (rows["banner"] != "").to_numpy(dtype=bool)
            keep &= ~in_banner | rows["banner"].isin(list(f.banner)).to_numpy(dtype=bool)
        rows = rows[keep]
    region_wide = latest_by_region(view.rows, "region", view.basis) if len(view.rows) else \
        pd.DataFrame({c: [] for c in LATEST_COLUMNS})
    return PageView(view, region_wide, banners, rows, tuple(f.league), tuple(f.banner), other)


# ------------------------------------------------------------------ words

def date_text(iso: str) -> str:
    """2024-09-12 → 2024年9月12日 (the date a value is valid for)."""
    return queries.format_date_cn(str(iso or "")) or "日期不详"


def value_text(value: float, qualifier: str, key: MeasureKey) -> str:
    return format_value(value, str(qualifier or "exact")) + key.unit + (f"/{key.per}" if key.per else "")


def headline(pv: PageView) -> str:
    """One line: what the bars show, with the region-wide figure when there is one."""
    key, view = pv.view.key, pv.view
    if view.rows.empty:
        return f"{key.label()}：{NO_DATA}。"
    parts = []
    own = view.leagues[view.leagues["complete"].astype(bool)] if len(view.leagues) else view.leagues
    summed = len(view.leagues) - len(own)
    if pv.selected_leagues:
        named = view.leagues[view.leagues["league"].isin(list(pv.selected_leagues)).to_numpy(dtype=bool)]
    else:
        named = view.leagues if len(view.leagues) <= HEADLINE_LEAGUES else view.leagues.iloc[:0]
    for r in named.head(HEADLINE_LEAGUES * 2).to_dict("records"):
        extra = f"，{r['label']}" if not bool(r["complete"]) else f"，{int(r['n_reports'])} 篇次报道"
        parts.append(f"{r['league']} {value_text(r['value'], r['qualifier'], key)}（{date_text(r['as_of'])}{extra}）")
    if named.empty:
        if len(own):
            parts.append(f"{len(own)} 个盟市有本级数字")
        if summed:
            parts.append(f"{summed} 个盟市只有部分旗县的数字（柱为旗县合计，不完整）")
    n_banners = len(view.banners)
    if n_banners:
        parts.append(f"{n_banners} 个旗县区有数字")
    if len(pv.region_wide):
        r = pv.region_wide.iloc[0]
        parts.append(f"全区最新 {value_text(r['value'], r['qualifier'], key)}（{date_text(r['as_of'])}）")
    lead = "时段累计数" if view.basis == "flow" else "最新数值"
    return f"{key.label()} · {lead}：" + ("；".join(parts) or "只有苏木乡镇、嘎查村一级的数字（见下载）") + "。"


def explanation(pv: PageView) -> str:
    """How the values were chosen, in the official's words (under the headline)."""
    key, view = pv.view.key, pv.view
    text = ("每个地区显示最近一次报道的数字（时点见标签），多篇报道的数字不相加，同一数字被多篇报道提到只算一次；"
            "盟市柱用盟市本级的数字")
    if summable(key):
        text += "，没有本级数字时用所属旗县数字之和，以浅色斜纹标出“N 个旗县合计（不完整）”"
    else:
        text += "；比率、百分比不能相加，没有本级数字的盟市不画柱"
    text += "。"
    if view.basis == "flow":
        text += "这是时段累计数（如“今年以来”）：同一时段后来的累计数取代先前的，旗县只有起始日期相同的数字才相加。"
    if pv.other_basis:
        other = "时段累计数（如“今年以来新增”）" if view.basis == "level" else "存量数"
        text += f"另有 {pv.other_basis} 个{other}未与之混合（见下载）。"
    return text


# ------------------------------------------------------------------ table and CSV

def _note(row: dict) -> str:
    if row.get("label"):
        return str(row["label"])
    kind = str(row.get("kind") or "")
    if kind == "part":
        return "上级报道中的分项（其中…）"
    if str(row.get("period_start") or ""):
        return f"自{date_text(row['period_start'])}起累计"
    return ""


def table_rows(pv: PageView) -> list[dict]:
    """The table of latest values: 全区, then leagues (own or incomplete sums), then banners.

    Each row's ``id`` is its "|"-joined fact ids (a click opens those sources).
    """
    key = pv.view.key
    out: list[dict] = []

    def add(region: str, level: str, r: dict) -> None:
        out.append({
            "id": str(r["fact_ids"]), "region": region, "level": level,
            "value_text": value_text(r["value"], r["qualifier"], key), "value": float(r["value"]),
            "as_of_text": date_text(r["as_of"]), "as_of": str(r["as_of"]),
            "kind_text": "旗县合计" if r.get("complete") is False else KIND_SHORT.get(str(r.get("kind") or ""), ""),
            "n_reports": int(r["n_reports"]), "note": _note(r),
        })

    for r in pv.region_wide.to_dict("records"):
        add(REGION_WIDE, "自治区", r)
    leagues = pv.view.leagues
    for r in leagues.to_dict("records"):
        r["complete"] = bool(r["complete"])
        add(r["league"], LEVEL_LABELS["league"], r)
    for r in pv.banners.to_dict("records"):
        add(f"{r['league']}·{r['region']}" if r["league"] else r["region"], LEVEL_LABELS["banner"], r)
    return out


def csv_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The view's rows in measures.csv order: region, then date (latest last)."""
    if rows is None or rows.empty:
        return empty_measure_table()
    order = {"region": 0, "league": 1, "banner": 2, "township": 3, "village": 4}
    df = rows.reindex(columns=list(MEASURE_COLUMNS)).copy()
    for c in df.columns:
        if isinstance(df[c].dtype, pd.CategoricalDtype):
            df[c] = df[c].astype(str)
    df["_lv"] = df["region_level"].map(order).fillna(9)
    df = df.sort_values(["league_code", "_lv", "banner_code", "township", "village", "as_of", "value"], kind="stable")
    return df.drop(columns="_lv").reset_index(drop=True)


def csv_bytes(rows: pd.DataFrame, headers: str = "zh") -> bytes:
    """CSV of the view (UTF-8 with BOM, CRLF, formulas neutralised): Chinese headers and labels, or
    ``headers="en"`` the machine columns of measures.csv."""
    df = csv_frame(rows)
    if headers == "en":
        from .measures import measures_csv_bytes  # noqa: PLC0415

        return measures_csv_bytes(df)
    out = df.copy()
    out["kind"] = out["kind"].map(lambda k: KIND_SHORT.get(str(k), str(k)))
    out["region_level"] = out["region_level"].map(lambda v: LEVEL_LABELS.get(str(v), str(v)))
    out["qualifier"] = out["qualifier"].map(lambda v: QUALIFIER_LABELS.get(str(v), str(v)))
    out["indicator"] = out["indicator"].map(lambda v: indicator_label(str(v)))
    cols = [c for c, _h in ZH_CSV_COLUMNS]
    return csv_rows_bytes([h for _c, h in ZH_CSV_COLUMNS], out[cols].itertuples(index=False, name=None),
                          {"数值", "报道篇数"})


def csv_filename(key: MeasureKey, f: queries.Filters, today) -> str:
    """指标数值_嘎查党群服务中心_锡林郭勒盟_2026-12-02.csv"""
    parts = ["指标数值", queries._filename_part(key.measure)]
    for value in ("、".join(f.league), "、".join(f.banner), "、".join(f.initiative), f.q):
        if value:
            parts.append(queries._filename_part(value))
    if f.date_from or f.date_to:
        parts.append(f"{f.date_from or ''}至{f.date_to or ''}")
    return "_".join(parts + [today.isoformat()]) + ".csv"


def fact_ids(value) -> list[str]:
    """The fact ids a table row or a chart point carries ("a|b" → ["a", "b"]); junk → []."""
    if not isinstance(value, str) or not value or len(value) > 20000:
        return []
    return [x for x in value.split(FACT_ID_SEPARATOR) if x][:200]
