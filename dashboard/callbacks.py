"""Callbacks: validate inputs → queries → figures. They read the per-process snapshot only.

Each callback has a plain function (``compute_*``) that the Dash wrapper calls, so the logic is
tested without a browser, and a forged request (unknown names, injection strings, huge page
numbers) gets an empty answer instead of an error page.
"""
from __future__ import annotations

import html as html_lib
import os
import threading
from collections import OrderedDict
from datetime import datetime, timezone

import numpy as np
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from etl.paths import REFERENCE_DIR

from . import figures, ids, measure_queries, queries
from .data import FactSource, Snapshot
from .measure_queries import EMPTY_MEASURES, MeasureData
from .labels import (
    EMPTY_MESSAGE, OUTSIDE, REGION_WIDE, format_cn, format_value, group_label, indicator_label, unit_text,
)
from .layout import ACTIVITY_TITLE, MEASURE_PROMPT, PRINT_ROWS

LEAGUE_GEOJSON = REFERENCE_DIR / "im_leagues.geojson"
BANNER_GEOJSON = REFERENCE_DIR / "im_banners.geojson"
PHONE_WIDTH = 720  # px: at or below, the page is one column (assets/style.css)
PHONE_PAGE_SIZE = 10  # table rows a page on a phone


# ------------------------------------------------------------------ state

def state_from_click(click: dict | None, kind: str) -> dict:
    """Return the filter field and value a click on a chart names ({} if the click is unusable)."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return {}
    if not isinstance(point, dict):
        return {}
    if kind == "map":
        name = point.get("customdata")
        code = str(point.get("location") or "")
        if not isinstance(name, str) or not code:
            return {}
        return {"league": name} if code.endswith("00") else {"banner": name}
    custom = point.get("customdata")
    name = custom[0] if isinstance(custom, list) and custom else point.get("y")
    if not isinstance(name, str):
        return {}
    return {kind: name}


def _toggle(values, value: str) -> list[str]:
    values = list(values or [])
    return [v for v in values if v != value] if value in values else values + [value]


def compute_state_report(df, triggered: str | None, search: str | None, values: dict,
                         clicks: dict | None = None) -> queries.Normalised:
    """Merge what triggered the update into one normalised filter state (with what was ignored).

    A click on a bar or a map region adds it to the selection, a second click removes it.
    """
    clicks = clicks or {}
    if triggered in (None, ids.URL):
        raw = queries.from_query_string(search)
    elif triggered == ids.RESET:
        raw = queries.Filters()
    else:
        raw = queries.Filters.from_dict(values)
        click_kind = {ids.CHART_LEAGUE: "league", ids.CHART_BANNER: "banner",
                      ids.CHART_INITIATIVE: "initiative", ids.CHART_MAP: "map"}.get(triggered)
        if click_kind:
            update = state_from_click(clicks.get(triggered), click_kind)
            d = raw.to_dict()
            for key, value in update.items():
                d[key] = _toggle(d.get(key), value)
                if key == "league" and value not in d[key]:
                    # a deselected league takes its banners with it
                    banners = set(queries.banner_values(df, [value]))
                    d["banner"] = [b for b in d.get("banner") or [] if b not in banners]
            raw = queries.Filters.from_dict(d)
    return queries.normalise_report(df, raw)


def compute_state(df, triggered: str | None, search: str | None, values: dict,
                  clicks: dict | None = None) -> queries.Filters:
    """Return only the normalised filters of compute_state_report."""
    return compute_state_report(df, triggered, search, values, clicks).filters


def filter_notice(ignored: tuple[str, ...]) -> str:
    """Say which parts of a link were ignored (never applied silently)."""
    if not ignored:
        return ""
    return "网址中的以下条件无效，已忽略：" + "；".join(ignored) + "。"


def table_notice(ignored: tuple[str, ...]) -> str:
    """Say which column filters of the table could not be read, and how to write them."""
    bad = [x for x in ignored if x.startswith("表格筛选")]
    if not bad:
        return ""
    return ("以下按列筛选看不懂，未使用：" + "；".join(bad)
            + "。数值列请输入 >1000、>=5000、1万 或 1万-5万。")


# ------------------------------------------------------------------ charts

def chart_width(viewport) -> int:
    """Return the width in px of one chart card for a browser window width (two columns on desktop)."""
    try:
        w = int((viewport or {}).get("w") or 1366)
    except (TypeError, ValueError, AttributeError):
        w = 1366
    w = max(320, min(w, 4000))
    if w <= PHONE_WIDTH:
        return w - 32
    return int((min(w, 1440) - 44) / 2 - 14)


def _reports(df_all, mask) -> int:
    codes = df_all["source_file"].cat.codes.to_numpy()[mask]
    return int(np.count_nonzero(np.bincount(codes + 1)[1:])) if len(codes) else 0


def source_index(snap: Snapshot) -> tuple[list[str], np.ndarray]:
    """Return (source names, the source index of every source_file category) for one snapshot.

    Computed once per snapshot (the callbacks keep it in their cache), so naming the newspapers
    behind a view is a bincount over the rows' file codes.
    """
    cats = [str(c) for c in snap.facts["source_file"].cat.categories]
    docs = snap.documents
    lookup = {}
    if docs is not None and len(docs):
        lookup = {f: ("合成测试数据" if queries.is_synthetic_file(f) else s)
                  for f, s in zip(docs["source_file"].astype(str), docs["source"].astype(str))}
    names: list[str] = [""]
    index: dict[str, int] = {"": 0}
    out = np.zeros(len(cats) + 1, dtype=np.int64)  # the last entry: missing file code -1
    for i, f in enumerate(cats):
        name = lookup.get(f, "合成测试数据" if queries.is_synthetic_file(f) else "")
        if name not in index:
            index[name] = len(names)
            names.append(name)
        out[i] = index[name]
    return names, out


def sources_text(snap: Snapshot, mask, index: tuple[list[str], np.ndarray] | None = None) -> str:
    """Return "来源：N 篇报道（内蒙古日报等）" for the facts in ``mask``."""
    df = snap.facts
    n = _reports(df, mask)
    names, of_file = index if index is not None else source_index(snap)
    codes = df["source_file"].cat.codes.to_numpy()[mask]
    top = []
    if n and len(names) > 1:
        counts = np.bincount(of_file[codes], minlength=len(names))
        top = [names[i] for i in np.argsort(-counts, kind="stable") if counts[i] and names[i]][:2]
    return f"来源：{n} 篇报道" + (f"（{'、'.join(top)}等）" if top else "")


def compute_charts(snap: Snapshot, state: dict | None, geo_url=None, viewport=None, units=None,
                   sources=None) -> tuple:
    """Return the five figures, the summary line, the measure note, the print note and the heading.

    Every chart is drawn without its own dimension's filter and highlights the chosen values, so
    choosing a league keeps the other leagues visible for comparison. ``geo_url(name)`` gives
    the URL the browser loads a GeoJSON file from (served by the app, so the map works offline).
    """
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    width = chart_width(viewport)
    phone = width < 500
    units = queries.indicator_units(df_all) if units is None else units
    cols = list(queries.CHART_COLUMNS)
    mask = queries.filter_mask(df_all, f)
    df = df_all[cols][mask]
    measure, rows = queries.choose_measure(df, f, units)
    where = " · ".join(queries.describe_filters(f)) or "全部数据"
    updated = (snap.last_updated or "")[:10]
    src = sources_text(snap, mask, sources)
    subtitle = f"{where} · 数据更新于 {updated} · {src}" if updated else f"{where} · {src}"

    def facet(*skip):
        """Rows for a chart drawn without some filters (same measure, so bars and totals agree)."""
        m = queries.filter_mask(df_all, f, skip=skip) if f.league or f.banner or f.initiative else mask
        sub = df_all[cols][m] if m is not mask else df
        if measure.kind == "sum":
            keep = (sub["unit"].isin(list(measure.units)).to_numpy(dtype=bool, na_value=False)
                    & sub["category"].isin(list(queries.SUMMABLE_CATEGORIES)).to_numpy(dtype=bool, na_value=False)
                    & (sub["per"] == "").to_numpy(dtype=bool, na_value=False))
            sub = sub[keep]
        return sub

    max_h = 460 if phone else 720
    g_league = figures.bar_chart(queries.by_league(facet("league", "banner"), measure), "league", measure,
                                 "按盟市" + ("（已选的突出显示）" if f.league else ""), selected=f.league,
                                 code_col="league_code", label_col="label", subtitle=subtitle, max_height=max_h)
    top_banners = 12 if phone else 25
    g_banner = figures.bar_chart(queries.by_banner(facet("banner"), measure, top=top_banners), "banner", measure,
                                 "按旗县区" + (f"（{'、'.join(group_label(x) for x in f.league)}）" if f.league
                                              else f"（前 {top_banners} 位）"),
                                 selected=f.banner, code_col="banner_code", subtitle=subtitle, max_height=max_h)
    top_inits = 10 if phone else 20
    g_init = figures.bar_chart(queries.by_initiative(facet("initiative"), measure, top=top_inits), "initiative",
                               measure, f"按举措（前 {top_inits} 位）", selected=f.initiative, subtitle=subtitle,
                               max_height=max_h)
    g_hier = figures.treemap(queries.hierarchy(rows, measure), measure, subtitle=subtitle,
                             height=380 if phone else 480)
    g_map = map_figure(facet("league", "banner") if len(f.league) != 1 else facet("banner"), f, measure, geo_url,
                       subtitle, width, 340 if phone else 430)
    if df.empty:
        line = f"{where}：{EMPTY_MESSAGE}"
    else:
        line = f"{where}：{len(df)} 条事实，来自 {_reports(df_all, mask)} 篇报道"
        if measure.kind == "sum":
            t = queries.totals(rows, measure)
            line += f"；合计 {format_cn(t['im'])}{measure.unit}"
            extra = [f"{group_label(g)} {format_cn(t[g])}{measure.unit}" for g in (REGION_WIDE, OUTSIDE) if t[g]]
            if extra:
                line += f"（另列：{'，'.join(extra)}，不计入合计）"
    note = measure.note
    print_note = f"打印于 {datetime.now().strftime('%Y-%m-%d %H:%M')} · 数据更新于 {updated or '未知'} · {src}"
    return g_league, g_banner, g_init, g_hier, g_map, line, note, print_note, activity_title(measure)


SUM_TITLE = ("报道中数字的简单合计：同一数字被多篇报道提到、总数和它的分项都会重复相加，仅供参考；"
             "各地区的实际数值请在上方“指标数值”中选择指标")


def activity_title(measure: queries.Measure) -> str:
    """The heading of the fact-count charts: reporting activity, or a warning when values are summed."""
    return SUM_TITLE if measure.kind == "sum" else ACTIVITY_TITLE


def map_figure(rows, f: queries.Filters, measure: queries.Measure, geo_url=None, subtitle: str = "",
               width: int = 480, height: int = 420):
    """Leagues of Inner Mongolia, or the banners of the one chosen league (chosen ones outlined)."""
    real = [x for x in f.league if x not in queries.SPECIAL_GROUPS]
    if len(f.league) == 1 and real:
        codes = rows.loc[(rows["league"] == real[0]).to_numpy(), "league_code"]
        code = next((str(c) for c in codes.unique() if str(c)), "")
        if code:
            return figures.choropleth(BANNER_GEOJSON, queries.by_code(rows, "banner", measure), measure,
                                      f"地图：{real[0]}各旗县区", code_prefix=code[:4],
                                      url=geo_url(BANNER_GEOJSON.name) if geo_url else None,
                                      selected=_codes(rows, "banner", f.banner), subtitle=subtitle,
                                      width=width, height=height)
    return figures.choropleth(LEAGUE_GEOJSON, queries.by_code(rows, "league", measure), measure,
                              "地图：各盟市（全区、区外的数字不在图上）",
                              url=geo_url(LEAGUE_GEOJSON.name) if geo_url else None,
                              selected=_codes(rows, "league", real), subtitle=subtitle, width=width, height=height)


def _codes(rows, level: str, names) -> list[str]:
    if not names:
        return []
    col = f"{level}_code"
    sub = rows.loc[rows[level].isin(list(names)).to_numpy(dtype=bool, na_value=False), col]
    return sorted({str(c) for c in sub.unique() if str(c)})


# ------------------------------------------------------------------ table

def compute_table(snap: Snapshot, state: dict | None, page, sort_by, filter_query=None,
                  page_size: int = queries.PAGE_SIZE) -> tuple:
    """Return (rows of one page, page count, page, count text); the state holds the table's filters."""
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    mask = queries.filter_mask(df_all, f)
    rows, pages, n = queries.table_page(df_all, page, sort_by if isinstance(sort_by, list) else None, None,
                                        page_size=page_size, mask=mask)
    try:
        page = min(max(int(page or 0), 0), pages - 1)
    except (TypeError, ValueError, OverflowError):
        page = 0
    count = f"共 {n} 条" if n else EMPTY_MESSAGE
    return rows, pages, page, count


def compute_print_table(snap: Snapshot, state: dict | None, limit: int = PRINT_ROWS) -> str:
    """Return the table printed on paper as HTML: the first ``limit`` filtered rows and a line saying so.

    One HTML string (every cell escaped), not hundreds of Dash components: the page's renderer
    would otherwise walk each cell on every update and slow the first load down.
    """
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    mask = queries.filter_mask(df_all, f)
    n = int(mask.sum())
    rows = queries.table_rows(df_all[mask].head(limit)) if n else []
    shown = len(rows)
    if n == 0:
        caption = "事实明细：" + EMPTY_MESSAGE
    elif shown < n:
        caption = f"事实明细：共 {n} 条，以下打印前 {shown} 条（完整数据请下载 CSV 或 Excel）"
    else:
        caption = f"事实明细：共 {n} 条，全部列出"
    esc = html_lib.escape
    head = "".join(f"<th>{esc(name)}</th>" for _cid, name in queries.TABLE_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{esc(str(r[cid]))}</td>" for cid, _name in queries.TABLE_COLUMNS) + "</tr>"
                   for r in rows)
    return (f'<p class="print-caption">{esc(caption)}</p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


# ------------------------------------------------------------------ article

def highlight(text: str, start: int, end: int, quote: str = "") -> list:
    """Return children with text[start:end] wrapped in <mark>; falls back to finding the quote."""
    if not (0 <= start < end <= len(text)):
        start = text.find(quote) if quote else -1
        end = start + len(quote)
        if start < 0:
            return [text]
    return [text[:start], html.Mark(text[start:end], id="article-mark"), text[end:]]


def provenance(snap: Snapshot, fact) -> list:
    """Return the source panel's provenance lines: newspaper, date (推断 when inferred), page, link."""
    docs = snap.documents
    doc = {}
    if docs is not None and len(docs):
        hit = docs[docs["source_file"] == str(fact["source_file"])]
        if len(hit):
            doc = hit.iloc[0].to_dict()
    items = []
    source = str(doc.get("source") or "")
    if queries.is_synthetic_file(str(fact["source_file"])):
        items.append(html.Li([html.Strong("合成数据"), "：程序生成的测试报道，并非真实报道"], className="synthetic"))
        source = ""
    link = source if source.startswith(("http://", "https://")) else ""
    if source and not link:
        items.append(html.Li(f"报纸/来源：{source}"))
    published = str(fact["published"] or "")
    how = str(doc.get("published_how") or "")
    if published:
        mark = "（推断：由正文推算）" if how == "text" else ""
        items.append(html.Li(f"日期：{queries.format_date_cn(published)}{mark}"))
    else:
        items.append(html.Li("日期：不详"))
    location = str(fact.get("location") or "") if hasattr(fact, "get") else ""
    if location:
        # page / column / paragraph / table row / cell the number came from (etl/provenance.py)
        items.append(html.Li(f"原文位置：{location}", id="article-location", className="article-location"))
    if link:
        items.append(html.Li(["链接：", html.A(link, href=link, target="_blank", rel="noopener noreferrer")]))
    items.append(html.Li(f"文件：{fact['source_file']}"))
    return [html.Ul(items, className="article-provenance")]


def compute_article(source: FactSource, snap: Snapshot, fact_id: str | None):
    """Return the article panel's children for one fact id (or None)."""
    if not isinstance(fact_id, str) or not fact_id:
        return None
    df = snap.facts
    hit = df[(df["fact_id"] == fact_id).to_numpy()]
    if hit.empty:
        return html.P("找不到这条事实，可能数据已更新。")
    fact = hit.iloc[0]
    art = source.article(str(fact["article_id"]))
    value = format_value(fact["value"], str(fact["qualifier"]), fact["value_low"], fact["value_high"])
    meta = html.P(className="article-meta", children=[
        html.Strong(f"{value}{unit_text(str(fact['unit']), str(fact['per']))}"),
        f" · {fact['subject']} · {indicator_label(str(fact['indicator']))} · ",
        queries.region_text(fact.to_dict()),
        f" · {fact['initiative']}" if str(fact["initiative"]) else "",
    ])
    if art is None:
        body = [html.P("原文未载入，以下为摘录："),
                html.Blockquote(highlight(str(fact["quote"]), -1, -1, ""))]
        title = str(fact["article_title"])
        byline = ""
    else:
        text = str(art.get("text") or "")
        body = [html.Div(highlight(text, int(fact["span_start"]), int(fact["span_end"]), str(fact["quote"])),
                         className="article-text")]
        title = str(art.get("title") or fact["article_title"])
        byline = str(art.get("byline") or "")
    head = [html.H3(title or "（无标题）")]
    if byline:
        head.append(html.P(byline, className="article-source"))
    return [*head, *provenance(snap, fact), meta, *body]


MAX_SOURCES = 20  # sources listed in the panel for one value (all of them are in the CSV's fact ids)
CONTEXT = 90  # characters of the article either side of the number, for a value with several sources


def compute_sources(source: FactSource, snap: Snapshot, fact_ids: list[str]):
    """The source panel for one value of the measure view: its fact's article, or each of its sources.

    A value reported once opens like a row of the facts table (the article, the number marked). A
    value with several sources (the same figure in several reports, or a sum of banners' figures)
    lists every source: title, newspaper, date, page, the fact, and the passage with the number marked.
    """
    ids_ = [x for x in fact_ids if isinstance(x, str) and x]
    if not ids_:
        return None
    if len(ids_) == 1:
        return compute_article(source, snap, ids_[0])
    df = snap.facts
    hit = df[df["fact_id"].isin(ids_).to_numpy()]
    if hit.empty:
        return [html.P("找不到这些数字的来源，可能数据已更新。")]
    hit = hit.sort_values(["published", "source_file", "span_start"], kind="stable")
    n = len(hit)
    out = [html.H3(f"{n} 条来源"),
           html.P("这个数字来自以下报道（同一数字被多篇报道提到，或为几个旗县数字之和），按报道日期排列。" +
                  (f"以下列出前 {MAX_SOURCES} 条，全部来源见“下载该指标 CSV”中的事实编号。" if n > MAX_SOURCES else ""),
                  className="article-source")]
    for k, (_i, fact) in enumerate(hit.head(MAX_SOURCES).iterrows()):
        mark = {"id": "article-mark"} if k == 0 else {}  # the first is scrolled into view (on a phone: the panel)
        art = source.article(str(fact["article_id"]))
        value = format_value(fact["value"], str(fact["qualifier"]), fact["value_low"], fact["value_high"])
        meta = html.P(className="article-meta", children=[
            html.Strong(f"{value}{unit_text(str(fact['unit']), str(fact['per']))}"),
            f" · {fact['subject']} · ", queries.region_text(fact.to_dict()),
        ])
        if art is not None:
            text = str(art.get("text") or "")
            start, end = int(fact["span_start"]), int(fact["span_end"])
            if 0 <= start < end <= len(text):
                lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
                passage = [("…" if lo else "") + text[lo:start], html.Mark(text[start:end], **mark),
                           text[end:hi] + ("…" if hi < len(text) else "")]
            else:
                passage = highlight(str(fact["quote"]), -1, -1, "")
            title = str(art.get("title") or fact["article_title"])
        else:
            passage = highlight(str(fact["quote"]), -1, -1, "")
            title = str(fact["article_title"])
        out.append(html.Div(className="source-item", children=[
            html.H4(title or "（无标题）"), *provenance(snap, fact), meta,
            html.Blockquote(passage, className="source-passage"),
        ]))
    return out


def measures_of(snap: Snapshot) -> MeasureData:
    """The snapshot's measures (built with the snapshot; empty for a snapshot without them)."""
    return snap.measures if snap.measures is not None else EMPTY_MEASURES


def compute_measure(snap: Snapshot, state: dict | None, measure: str | None, geo_url=None, viewport=None) -> tuple:
    """Return the measure view for a filter state and a measure (a dropdown or URL value).

    (body class, headline, explanation, league bars, banner bars, trend, map, table rows). Without
    a measure (or with one the data does not know) the body is hidden and the headline invites a choice.
    """
    data = measures_of(snap)
    key, _bad = measure_queries.validate_measure(data, measure)
    width = chart_width(viewport)
    phone = width < 500
    if key is None:
        blank = figures.empty_figure("", "请先选择指标")
        return ("measure-body hidden", MEASURE_PROMPT, "", blank, blank, blank, blank, [])
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    pv = measure_queries.page_view(data, df_all, key, f)
    view = pv.view
    label = key.label()
    unit = key.unit + (f"/{key.per}" if key.per else "")
    where = " · ".join(queries.describe_filters(f.without("indicator", "category", "table"))) or "全部地区"
    updated = (snap.last_updated or "")[:10]
    subtitle = f"{label} · {where}" + (f" · 数据更新于 {updated}" if updated else "")
    empty = measure_queries.NO_DATA
    max_h = 460 if phone else 720
    leagues = view.leagues.rename(columns={"league": "region", "league_code": "code"})
    g_league = figures.measure_bars(leagues, label, unit, f"按盟市：{label}最新数值", selected=f.league,
                                    subtitle=subtitle, max_height=max_h, phone=phone, empty_message=empty)
    top = measure_queries.BANNER_TOP_PHONE if phone else measure_queries.BANNER_TOP
    banners = pv.banners
    title_b = f"按旗县区：{label}最新数值"
    if f.league:
        title_b += f"（{'、'.join(f.league)}）"
    if len(banners) > top:
        title_b += f"（前 {top} 位，共 {len(banners)} 个，全部见下表）"
    g_banner = figures.measure_bars(banners.head(top), label, unit, title_b, selected=f.banner, subtitle=subtitle,
                                    max_height=max_h, phone=phone, empty_message=empty)
    chosen = [x for x in list(f.league) + list(f.banner)]
    trend_title = f"随时间变化：{'、'.join(chosen)}" if chosen else "随时间变化：各盟市本级和全区的数字"
    g_trend = figures.measure_trend(view.series, label, unit, trend_title, subtitle=subtitle,
                                    height=340 if phone else 400, empty_message=empty, phone=phone)
    real = [x for x in f.league if x not in queries.SPECIAL_GROUPS]
    map_h = 340 if phone else 430
    code = ""
    if len(f.league) == 1 and real:
        codes = view.rows.loc[(view.rows["league"] == real[0]).to_numpy(dtype=bool), "league_code"] \
            if len(view.rows) else []
        code = next((str(c) for c in codes if str(c)), "")
    if code:
        g_map = figures.measure_map(BANNER_GEOJSON, pv.banners, label, unit, f"地图：{real[0]}各旗县区 · {label}",
                                    code_prefix=code[:4], url=geo_url(BANNER_GEOJSON.name) if geo_url else None,
                                    selected=_codes(view.rows, "banner", f.banner), subtitle=subtitle, width=width,
                                    height=map_h)
    else:
        g_map = figures.measure_map(LEAGUE_GEOJSON, leagues, label, unit, f"地图：各盟市 · {label}",
                                    url=geo_url(LEAGUE_GEOJSON.name) if geo_url else None,
                                    selected=_codes(view.rows, "league", real), subtitle=subtitle, width=width,
                                    height=map_h)
    return ("measure-body", measure_queries.headline(pv), measure_queries.explanation(pv), g_league, g_banner, g_trend,
            g_map, measure_queries.table_rows(pv))


def compute_measure_download(snap: Snapshot, state: dict | None, measure: str | None,
                             headers: str = "zh") -> tuple[bytes, str] | None:
    """(CSV bytes with BOM, file name) of the measure view: every data point of the chosen regions."""
    data = measures_of(snap)
    key, _bad = measure_queries.validate_measure(data, measure)
    if key is None:
        return None
    f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
    pv = measure_queries.page_view(data, snap.facts, key, f)
    name = measure_queries.csv_filename(key, f, datetime.now(timezone.utc).date())
    return measure_queries.csv_bytes(pv.rows, "en" if headers == "en" else "zh"), name


def clicked_fact_ids(click) -> list[str]:
    """The fact ids a click on a measure chart carries (customdata [region, code, fact ids])."""
    try:
        custom = click["points"][0]["customdata"]
    except (TypeError, KeyError, IndexError):
        return []
    if isinstance(custom, list) and len(custom) >= 3:
        return measure_queries.fact_ids(custom[2])
    return []


# ------------------------------------------------------------------ downloads

def _snapshot_info(snap: Snapshot) -> dict:
    return {"exported": datetime.now().strftime("%Y-%m-%d %H:%M"), "last_updated": snap.last_updated[:19],
            "scope": f"{snap.n_reports} 篇报道、{len(snap.facts)} 条事实"}


def compute_download(snap: Snapshot, state: dict | None, filter_query: str | None = None,
                     headers: str = "zh") -> tuple[bytes, str]:
    """Return (CSV bytes with BOM, file name) for the filtered rows, or for everything if state is None.

    ``headers="zh"`` (the default): Chinese headers and labels, sorted by region and date;
    ``"en"``: the machine columns of facts.csv.
    """
    df_all = snap.facts
    today = datetime.now(timezone.utc).date()
    if state is None:
        df, name = df_all, queries.csv_filename(None, today)
    else:
        raw = queries.Filters.from_dict(state)
        if filter_query and not raw.table:
            raw = queries.Filters.from_dict({**raw.to_dict(), "table": filter_query})
        f = queries.normalise(df_all, raw)
        df, name = queries.apply_filters(df_all, f), queries.csv_filename(f, today)
    if headers == "en":
        return queries.to_csv_bytes(df), name
    return queries.to_csv_bytes_zh(df, snap.documents), name


def compute_xlsx(snap: Snapshot, state: dict | None, units=None) -> tuple[bytes, str]:
    """Return (Excel bytes, file name) for the filtered rows: facts, filters and sources sheets."""
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    df = queries.apply_filters(df_all, f)
    measure, _rows = queries.choose_measure(df, f, queries.indicator_units(df_all) if units is None else units)
    notes = [measure.note] if measure.note else []
    data = queries.to_xlsx_bytes(df, f, snap.documents, _snapshot_info(snap), notes)
    return data, queries.csv_filename(f, datetime.now(timezone.utc).date(), ext=".xlsx")


def _row_id(cell, data):
    """The id of a table's active row (its row_id, else the id of the row it points at)."""
    if not isinstance(cell, dict):
        return None
    row_id = cell.get("row_id")
    if isinstance(row_id, str):
        return row_id
    try:
        return data[int(cell.get("row"))]["id"]
    except (TypeError, ValueError, IndexError, KeyError):
        return None


def compute_measure_choice(snap: Snapshot, triggered: str | None, search: str | None, value):
    """The measure the page shows: from the link when it is opened, else from the dropdown.

    Returns (MeasureKey or None, what was ignored or None): a measure the data does not know is
    dropped and said so, never applied silently.
    """
    raw = measure_queries.measure_from_search(search) if triggered in (None, ids.URL) else value
    return measure_queries.validate_measure(measures_of(snap), raw)


# ------------------------------------------------------------------ per-process result cache

class ResultCache:
    """A small thread-safe LRU of callback results, keyed by the data snapshot and the inputs.

    Results depend only on (snapshot, normalised inputs), so a cached answer is never stale: a
    new snapshot has a new key. Each gunicorn worker keeps its own; nothing is shared or written
    back, and a forged request can only add an entry that ages out.
    """

    def __init__(self, maxsize: int = 256):
        self.maxsize = maxsize
        self._data: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key, compute):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        value = compute()
        with self._lock:
            self.misses += 1
            self._data[key] = value
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value


def snapshot_key(snap: Snapshot) -> tuple:
    return (snap.token, snap.loaded_at)


def _viewport_key(viewport) -> int:
    return chart_width(viewport) // 40  # charts differ only by a width bucket


# ------------------------------------------------------------------ registration

def register(app: Dash, source: FactSource) -> None:
    """Attach the callbacks to an app; they close over ``source`` and never write to it."""
    def geo_url(name: str) -> str:
        return app.get_relative_path(f"/geo/{name}")

    # Per-process cache of results; DASHBOARD_CACHE_SIZE=0 switches it off (benchmarks of cold calls).
    cache = ResultCache(int(os.environ.get("DASHBOARD_CACHE_SIZE", "256")))
    # CSV snapshots can be tens of MB: a few of them only
    csv_cache = ResultCache(min(8, int(os.environ.get("DASHBOARD_CACHE_SIZE", "256"))))
    app.server.config["RESULT_CACHE"] = cache

    def units_of(snap: Snapshot) -> dict:
        return cache.get_or_compute(("units", snapshot_key(snap)), lambda: queries.indicator_units(snap.facts))

    def sources_of(snap: Snapshot):
        return cache.get_or_compute(("sources", snapshot_key(snap)), lambda: source_index(snap))

    filter_outputs = [
        Output(ids.LEAGUE, "value"), Output(ids.BANNER, "value"), Output(ids.INITIATIVE, "value"),
        Output(ids.INDICATOR, "value"), Output(ids.CATEGORY, "value"),
        Output(ids.DATES, "start_date"), Output(ids.DATES, "end_date"), Output(ids.SEARCH, "value"),
        Output(ids.TABLE, "filter_query"), Output(ids.INITIATIVE_BASIS, "value"),
    ]

    @app.callback(
        *filter_outputs,
        Output(ids.URL, "search"), Output(ids.STATE, "data"),
        Output(ids.LEAGUE, "options"), Output(ids.BANNER, "options"), Output(ids.INITIATIVE, "options"),
        Output(ids.INDICATOR, "options"), Output(ids.CATEGORY, "options"), Output(ids.INITIATIVE_BASIS, "options"),
        Output(ids.FILTER_NOTICE, "children"),
        Output(ids.MEASURE, "value"), Output(ids.MEASURE, "options"), Output(ids.MEASURE_STATE, "data"),
        Input(ids.URL, "search"),
        Input(ids.LEAGUE, "value"), Input(ids.BANNER, "value"), Input(ids.INITIATIVE, "value"),
        Input(ids.INDICATOR, "value"), Input(ids.CATEGORY, "value"),
        Input(ids.DATES, "start_date"), Input(ids.DATES, "end_date"), Input(ids.SEARCH, "value"),
        Input(ids.TABLE, "filter_query"), Input(ids.INITIATIVE_BASIS, "value"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.CHART_LEAGUE, "clickData"), Input(ids.CHART_BANNER, "clickData"),
        Input(ids.CHART_INITIATIVE, "clickData"), Input(ids.CHART_MAP, "clickData"),
        Input(ids.MEASURE, "value"),
        State(ids.FILTER_NOTICE, "children"),
    )
    def sync_state(search, league, banner, initiative, indicator, category, date_from, date_to, q, table_query,
                   basis, _reset, click_league, click_banner, click_initiative, click_map, measure, notice):
        snap = source.get()
        df = snap.facts
        values = dict(league=league, banner=banner, initiative=initiative, indicator=indicator,
                      category=category, date_from=date_from, date_to=date_to, q=q, table=table_query, basis=basis)
        clicks = {ids.CHART_LEAGUE: click_league, ids.CHART_BANNER: click_banner,
                  ids.CHART_INITIATIVE: click_initiative, ids.CHART_MAP: click_map}
        trig = ctx.triggered_id
        report = compute_state_report(df, trig, search, values, clicks)
        f = report.filters
        key, bad_measure = compute_measure_choice(snap, trig, search, measure)
        qs = measure_queries.with_measure(queries.to_query_string(f), key)
        snap_key = snapshot_key(snap)
        opts = cache.get_or_compute(("options", snap_key, f), lambda: (
            queries.league_options(df, f), queries.banner_options(df, f=f), queries.initiative_options(df, f=f),
            queries.indicator_options(df, f), queries.category_options(df, f), queries.basis_options(df, f)))
        chosen = key.to_value() if key else None
        measure_opts = cache.get_or_compute(("measure-options", snap_key, f.indicator, chosen), lambda: (
            measure_queries.dropdown_options(measures_of(snap).options, f.indicator, chosen)))
        # A link's bad parts are reported when the link is opened, a column filter the table cannot
        # read when it is typed; other changes keep the note, the reset button clears it.
        if trig in (None, ids.URL):
            notice = filter_notice(report.ignored + ((bad_measure,) if bad_measure else ()))
        elif trig == ids.TABLE:
            notice = table_notice(report.ignored)
        else:
            notice = "" if trig == ids.RESET else no_update
        table_out = no_update if trig == ids.TABLE else (f.table or "")  # the table shows what was typed
        dates = (f.date_from, f.date_to)
        if trig == ids.DATES and (queries.parse_date(date_from), queries.parse_date(date_to, end=True)) == dates:
            dates = (no_update, no_update)
        # Choosing a measure changes no filter: the fact charts and the table are left alone.
        state_out = no_update if trig == ids.MEASURE else f.to_dict()
        return (list(f.league), list(f.banner), list(f.initiative), f.indicator, f.category, *dates, f.q,
                table_out, f.basis, qs, state_out, *opts, notice, chosen, measure_opts, chosen)

    def charts_of(state, viewport):
        snap = source.get()
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        units = units_of(snap)
        return cache.get_or_compute(("charts", snapshot_key(snap), f, _viewport_key(viewport)),
                                    lambda: compute_charts(snap, f.to_dict(), geo_url, viewport, units,
                                                           sources_of(snap)))

    # The bar charts and the headline come first; the map (WebGL, the slowest to draw) and the
    # treemap follow once they are on screen (their callback waits for the headline).
    @app.callback(
        Output(ids.CHART_LEAGUE, "figure"), Output(ids.CHART_BANNER, "figure"),
        Output(ids.CHART_INITIATIVE, "figure"), Output(ids.SUMMARY, "children"), Output(ids.MEASURE_NOTE, "children"),
        Output(ids.PRINT_NOTE, "children"), Output(ids.ACTIVITY_TITLE, "children"),
        Input(ids.STATE, "data"), Input(ids.VIEWPORT, "data"),
    )
    def update_charts(state, viewport):
        g_league, g_banner, g_init, _h, _m, line, note, print_note, title = charts_of(state, viewport)
        return g_league, g_banner, g_init, line, note, print_note, title

    @app.callback(
        Output(ids.CHART_HIERARCHY, "figure"), Output(ids.CHART_MAP, "figure"),
        Input(ids.STATE, "data"), Input(ids.VIEWPORT, "data"), Input(ids.SUMMARY, "children"),
    )
    def update_map_and_hierarchy(state, viewport, _summary):
        out = charts_of(state, viewport)
        return out[3], out[4]

    @app.callback(
        Output(ids.TABLE, "data"), Output(ids.TABLE, "page_count"), Output(ids.TABLE, "page_current"),
        Output(ids.TABLE_COUNT, "children"),
        Input(ids.STATE, "data"), Input(ids.TABLE, "page_current"), Input(ids.TABLE, "sort_by"),
        Input(ids.TABLE, "page_size"),
    )
    def update_table(state, page, sort_by, page_size):
        # Only paging keeps the page; new filters or sorting start at page 1.
        if f"{ids.TABLE}.page_current" not in ctx.triggered_prop_ids:
            page = 0
        size = page_size if page_size in (PHONE_PAGE_SIZE, queries.PAGE_SIZE) else queries.PAGE_SIZE
        snap = source.get()
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        key = ("table", snapshot_key(snap), f, repr(page)[:20], repr(sort_by)[:300], size)
        return cache.get_or_compute(key, lambda: compute_table(snap, f.to_dict(), page, sort_by, page_size=size))

    # The printed table waits for the charts, so it never slows the first chart down.
    @app.callback(Output(ids.PRINT_TABLE_HTML, "data"), Input(ids.SUMMARY, "children"), State(ids.STATE, "data"))
    def update_print_table(_summary, state):
        snap = source.get()
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        return cache.get_or_compute(("print", snapshot_key(snap), f), lambda: compute_print_table(snap, f.to_dict()))

    app.clientside_callback(
        """function (markup) {
            var el = document.getElementById('%s');
            if (el) { el.innerHTML = markup || ''; }
            return Date.now();
        }""" % ids.PRINT_TABLE,
        Output(ids.PRINT_TABLE_SET, "data"), Input(ids.PRINT_TABLE_HTML, "data"), prevent_initial_call=True,
    )

    # The measure view: drawn when a measure is chosen (or the filters change while one is).
    @app.callback(
        Output(ids.MEASURE_BODY, "className"), Output(ids.MEASURE_HEADLINE, "children"),
        Output(ids.MEASURE_EXPLAIN, "children"), Output(ids.MEASURE_LEAGUE, "figure"),
        Output(ids.MEASURE_BANNER, "figure"), Output(ids.MEASURE_TREND, "figure"), Output(ids.MEASURE_MAP, "figure"),
        Output(ids.MEASURE_TABLE, "data"), Output(ids.MEASURE_TABLE, "page_current"),
        Input(ids.MEASURE_STATE, "data"), Input(ids.STATE, "data"), Input(ids.VIEWPORT, "data"),
    )
    def update_measure(measure, state, viewport):
        snap = source.get()
        if not measure:
            return ("measure-body hidden", MEASURE_PROMPT, "", no_update, no_update, no_update, no_update, [], 0)
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        key = ("measure", snapshot_key(snap), f, str(measure)[:300], _viewport_key(viewport))
        out = cache.get_or_compute(key, lambda: compute_measure(snap, f.to_dict(), measure, geo_url, viewport))
        return (*out, 0)

    # Charts drawn while the measure view was hidden get their size when it appears (a resize event
    # makes plotly measure their cards again).
    app.clientside_callback(
        """function (cls) {
            if (cls && cls.indexOf('hidden') < 0) {
                [60, 400].forEach(function (t) {
                    setTimeout(function () { window.dispatchEvent(new Event('resize')); }, t);
                });
            }
            return Date.now();
        }""",
        Output(ids.MEASURE_SHOWN, "data"), Input(ids.MEASURE_BODY, "className"), prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.MEASURE_DOWNLOAD_FILE, "data"),
        Input(ids.MEASURE_DOWNLOAD, "n_clicks"),
        State(ids.STATE, "data"), State(ids.MEASURE_STATE, "data"), State(ids.CSV_HEADERS, "value"),
        prevent_initial_call=True,
    )
    def download_measure(_n, state, measure, headers):
        out = compute_measure_download(source.get(), state, measure, "en" if headers == "en" else "zh")
        if out is None:
            return no_update
        data, name = out
        return dcc.send_bytes(data, name, type="text/csv")

    @app.callback(
        Output(ids.ARTICLE_BODY, "children"), Output(ids.ARTICLE_PANEL, "className"),
        Output(ids.TABLE, "active_cell"), Output(ids.MEASURE_TABLE, "active_cell"),
        Input(ids.TABLE, "active_cell"), Input(ids.ARTICLE_CLOSE, "n_clicks"),
        Input(ids.MEASURE_TABLE, "active_cell"), Input(ids.MEASURE_LEAGUE, "clickData"),
        Input(ids.MEASURE_BANNER, "clickData"), Input(ids.MEASURE_TREND, "clickData"),
        Input(ids.MEASURE_MAP, "clickData"),
        State(ids.TABLE, "data"), State(ids.MEASURE_TABLE, "data"),
        prevent_initial_call=True,
    )
    def open_article(active_cell, _close, measure_cell, *rest):
        # Closing (关闭, Esc or a click outside: assets/dashboard.js) also clears the tables' active
        # cells, so the same row opens again on the next click.
        *clicks, data, measure_data = rest
        trig = ctx.triggered_id
        hidden = ("article-panel hidden", None, None)
        if trig == ids.ARTICLE_CLOSE:
            return no_update, *hidden
        if trig in (ids.MEASURE_TABLE, ids.MEASURE_LEAGUE, ids.MEASURE_BANNER, ids.MEASURE_TREND, ids.MEASURE_MAP):
            if trig == ids.MEASURE_TABLE:
                fact_ids = measure_queries.fact_ids(_row_id(measure_cell, measure_data))
            else:
                fact_ids = clicked_fact_ids(ctx.triggered[0]["value"] if ctx.triggered else None)
            children = compute_sources(source, source.get(), fact_ids)
            if children is None:
                return no_update, no_update, no_update, no_update
            return children, "article-panel open", no_update, no_update
        if not isinstance(active_cell, dict):
            return no_update, *hidden
        fact_id = _row_id(active_cell, data)
        if not isinstance(fact_id, str):
            return no_update, "article-panel hidden", no_update, no_update
        children = compute_article(source, source.get(), fact_id)
        if children is None:
            return no_update, "article-panel hidden", no_update, no_update
        return children, "article-panel open", no_update, no_update

    # Scroll the highlighted number into view when an article opens (browser-only, no server work).
    app.clientside_callback(
        """function (children) {
            setTimeout(function () {
                var m = document.getElementById('article-mark');
                if (m) { m.scrollIntoView({block: 'center'}); }
            }, 250);
            return Date.now();
        }""",
        Output(ids.ARTICLE_SCROLLED, "data"),
        Input(ids.ARTICLE_BODY, "children"),
        prevent_initial_call=True,
    )
    # The window's width decides the map's zoom and the charts' heights (phone or desktop).
    app.clientside_callback(
        "function (_s) { var w = window.innerWidth; return [{w: w}, w <= %d ? %d : %d]; }"
        % (PHONE_WIDTH, PHONE_PAGE_SIZE, queries.PAGE_SIZE),
        Output(ids.VIEWPORT, "data"), Output(ids.TABLE, "page_size"), Input(ids.URL, "pathname"),
    )
    # 打印/导出报告: charts at A4 width, the map as a picture, then the browser's print dialog.
    app.clientside_callback(
        "function (n) { if (n && window.dashboardPrint) { window.dashboardPrint(); } return n || 0; }",
        Output(ids.PRINTED, "data"), Input(ids.PRINT, "n_clicks"), prevent_initial_call=True,
    )

    @app.callback(
        Output(ids.DOWNLOAD_FILTERED_FILE, "data"),
        Input(ids.DOWNLOAD_FILTERED, "n_clicks"),
        State(ids.STATE, "data"), State(ids.TABLE, "filter_query"), State(ids.CSV_HEADERS, "value"),
        prevent_initial_call=True,
    )
    def download_filtered(_n, state, filter_query, headers):
        snap = source.get()
        headers = "en" if headers == "en" else "zh"
        key = ("csv", snapshot_key(snap), repr(sorted((state or {}).items())), filter_query or "", headers,
               datetime.now(timezone.utc).date().isoformat())
        data, name = csv_cache.get_or_compute(key, lambda: compute_download(snap, state, filter_query, headers))
        return dcc.send_bytes(data, name, type="text/csv")

    @app.callback(
        Output(ids.DOWNLOAD_XLSX_FILE, "data"),
        Input(ids.DOWNLOAD_XLSX, "n_clicks"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    def download_xlsx(_n, state):
        snap = source.get()
        data, name = compute_xlsx(snap, state, units_of(snap))
        return dcc.send_bytes(data, name,
                              type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @app.callback(
        Output(ids.DOWNLOAD_ALL_FILE, "data"),
        Input(ids.DOWNLOAD_ALL, "n_clicks"), State(ids.CSV_HEADERS, "value"),
        prevent_initial_call=True,
    )
    def download_all(_n, headers):
        data, name = compute_download(source.get(), None, None, "en" if headers == "en" else "zh")
        return dcc.send_bytes(data, name, type="text/csv")
