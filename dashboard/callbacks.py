"""Callbacks: validate inputs → queries → figures. They read the per-process snapshot only.

Each callback has a plain function (``compute_*``) that the Dash wrapper calls, so the logic is
tested without a browser, and a forged request (unknown names, injection strings, huge page
numbers) gets an empty answer instead of an error page.
"""
from __future__ import annotations

import os
import threading

import numpy as np
from collections import OrderedDict
from datetime import datetime, timezone

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from etl.paths import REFERENCE_DIR

from . import figures, ids, queries
from .data import FactSource, Snapshot
from .labels import EMPTY_MESSAGE, format_cn, format_value, indicator_label, unit_text

LEAGUE_GEOJSON = REFERENCE_DIR / "im_leagues.geojson"
BANNER_GEOJSON = REFERENCE_DIR / "im_banners.geojson"


# ------------------------------------------------------------------ state

def state_from_click(click: dict | None, kind: str) -> dict:
    """Return the filter fields a click on a chart sets ({} if the click is unusable)."""
    try:
        point = click["points"][0]
    except (TypeError, KeyError, IndexError):
        return {}
    if not isinstance(point, dict):
        return {}
    if kind == "map":
        name = point.get("customdata")
        code = str(point.get("location") or "")
        if not isinstance(name, str):
            return {}
        return {"league": name} if code.endswith("00") else {"banner": name}
    custom = point.get("customdata")
    name = custom[0] if isinstance(custom, list) and custom else point.get("y")
    if not isinstance(name, str):
        return {}
    return {kind: name}


def compute_state(df, triggered: str | None, search: str | None, values: dict,
                  clicks: dict | None = None) -> queries.Filters:
    """Merge what triggered the update into one normalised filter state."""
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
            if "league" in update and update["league"] != d.get("league"):
                d["banner"] = None
            if "banner" in update:
                d["league"] = None  # normalise() finds the banner's league
            d.update(update)
            raw = queries.Filters.from_dict(d)
    return queries.normalise(df, raw)


# ------------------------------------------------------------------ charts

def compute_charts(snap: Snapshot, state: dict | None, geo_url=None) -> tuple:
    """Return the five figures, the summary line and the measure note for a state.

    ``geo_url(name)`` gives the URL the browser loads a GeoJSON file from (served by the app, so
    the map works offline and the boundaries are not resent with every figure).
    """
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    mask = queries.filter_mask(df_all, f)
    df = df_all[list(queries.CHART_COLUMNS)][mask]
    measure, rows = queries.choose_measure(df, f)
    g_league = figures.bar_chart(queries.by_league(rows, measure), "league", measure, "按盟市",
                                 selected=f.league, code_col="league_code")
    g_banner = figures.bar_chart(queries.by_banner(rows, measure), "banner", measure,
                                 "按旗县区" + (f"（{f.league}）" if f.league else "（前 25 位）"),
                                 selected=f.banner, code_col="banner_code")
    g_init = figures.bar_chart(queries.by_initiative(rows, measure), "initiative", measure, "按举措（前 20 位）",
                               selected=f.initiative)
    g_hier = figures.sunburst(queries.hierarchy(rows, measure), measure)
    g_map = map_figure(rows, f, measure, geo_url)
    if df.empty:
        line = EMPTY_MESSAGE
    else:
        where = " · ".join(x for x in (f.league, f.banner, f.initiative) if x) or "全区"
        reports = int(np.count_nonzero(np.bincount(df_all["source_file"].cat.codes.to_numpy()[mask] + 1)[1:]))
        line = f"{where}：{len(df)} 条事实，来自 {reports} 篇报道"
        if measure.kind == "sum":
            line += f"；合计 {format_cn(float(rows['value'].sum()))}{measure.unit}"
    return g_league, g_banner, g_init, g_hier, g_map, line, measure.note


def map_figure(rows, f: queries.Filters, measure: queries.Measure, geo_url=None):
    """Leagues of Inner Mongolia, or the banners of the chosen league."""
    if f.league:
        codes = rows["league_code"]
        code = next((str(c) for c in codes.unique() if str(c)), "")
        if code:
            return figures.choropleth(BANNER_GEOJSON, queries.by_code(rows, "banner", measure), measure,
                                      f"地图：{f.league}各旗县区", code_prefix=code[:4],
                                      url=geo_url(BANNER_GEOJSON.name) if geo_url else None,
                                      selected=_banner_code(rows, f.banner))
    return figures.choropleth(LEAGUE_GEOJSON, queries.by_code(rows, "league", measure), measure, "地图：各盟市",
                              url=geo_url(LEAGUE_GEOJSON.name) if geo_url else None)


def _banner_code(rows, banner: str | None) -> str | None:
    if not banner:
        return None
    codes = rows.loc[(rows["banner"] == banner).to_numpy(), "banner_code"]
    return str(codes.iloc[0]) if len(codes) else None


# ------------------------------------------------------------------ table

def compute_table(snap: Snapshot, state: dict | None, page, sort_by, filter_query) -> tuple:
    df_all = snap.facts
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    mask = queries.filter_mask(df_all, f)
    rows, pages, n = queries.table_page(df_all, page, sort_by if isinstance(sort_by, list) else None,
                                        filter_query if isinstance(filter_query, str) else None, mask=mask)
    try:
        page = min(max(int(page or 0), 0), pages - 1)
    except (TypeError, ValueError, OverflowError):
        page = 0
    count = f"共 {n} 条" if n else EMPTY_MESSAGE
    return rows, pages, page, count


# ------------------------------------------------------------------ article

def highlight(text: str, start: int, end: int, quote: str = "") -> list:
    """Return children with text[start:end] wrapped in <mark>; falls back to finding the quote."""
    if not (0 <= start < end <= len(text)):
        start = text.find(quote) if quote else -1
        end = start + len(quote)
        if start < 0:
            return [text]
    return [text[:start], html.Mark(text[start:end], id="article-mark"), text[end:]]


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
        title, source_line = str(fact["article_title"]), str(fact["source_file"])
    else:
        text = str(art.get("text") or "")
        body = [html.Div(highlight(text, int(fact["span_start"]), int(fact["span_end"]), str(fact["quote"])),
                         className="article-text")]
        title = str(art.get("title") or fact["article_title"])
        source_line = " · ".join(x for x in (str(art.get("published") or ""), str(art.get("byline") or ""),
                                             str(art.get("source_file") or "")) if x)
    location = fact.get("location") if "location" in fact.index else ""
    location = location if isinstance(location, str) else ""  # page / column / paragraph / table row / cell
    where = [html.P(f"原文位置：{location}", id="article-location", className="article-location")] if location else []
    return [html.H3(title or "（无标题）"), html.P(source_line, className="article-source"), *where, meta, *body]


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

    filter_outputs = [
        Output(ids.LEAGUE, "value"), Output(ids.BANNER, "value"), Output(ids.INITIATIVE, "value"),
        Output(ids.INDICATOR, "value"), Output(ids.CATEGORY, "value"),
        Output(ids.DATES, "start_date"), Output(ids.DATES, "end_date"), Output(ids.SEARCH, "value"),
    ]

    @app.callback(
        *filter_outputs,
        Output(ids.URL, "search"), Output(ids.STATE, "data"),
        Output(ids.BANNER, "options"), Output(ids.INITIATIVE, "options"),
        Input(ids.URL, "search"),
        Input(ids.LEAGUE, "value"), Input(ids.BANNER, "value"), Input(ids.INITIATIVE, "value"),
        Input(ids.INDICATOR, "value"), Input(ids.CATEGORY, "value"),
        Input(ids.DATES, "start_date"), Input(ids.DATES, "end_date"), Input(ids.SEARCH, "value"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.CHART_LEAGUE, "clickData"), Input(ids.CHART_BANNER, "clickData"),
        Input(ids.CHART_INITIATIVE, "clickData"), Input(ids.CHART_MAP, "clickData"),
    )
    def sync_state(search, league, banner, initiative, indicator, category, date_from, date_to, q,
                   _reset, click_league, click_banner, click_initiative, click_map):
        snap = source.get()
        df = snap.facts
        values = dict(league=league, banner=banner, initiative=initiative, indicator=indicator,
                      category=category, date_from=date_from, date_to=date_to, q=q)
        clicks = {ids.CHART_LEAGUE: click_league, ids.CHART_BANNER: click_banner,
                  ids.CHART_INITIATIVE: click_initiative, ids.CHART_MAP: click_map}
        f = compute_state(df, ctx.triggered_id, search, values, clicks)
        qs = queries.to_query_string(f)
        snap_key = snapshot_key(snap)
        banners = cache.get_or_compute(("banners", snap_key, f.league),
                                       lambda: queries.banner_options(df, f.league))
        initiatives = cache.get_or_compute(("initiatives", snap_key, f.league, f.banner),
                                           lambda: queries.initiative_options(df, f.league, f.banner))
        return (f.league, f.banner, f.initiative, f.indicator, f.category, f.date_from, f.date_to, f.q,
                qs, f.to_dict(), banners, initiatives)

    @app.callback(
        Output(ids.CHART_LEAGUE, "figure"), Output(ids.CHART_BANNER, "figure"),
        Output(ids.CHART_INITIATIVE, "figure"), Output(ids.CHART_HIERARCHY, "figure"),
        Output(ids.CHART_MAP, "figure"), Output(ids.SUMMARY, "children"), Output(ids.MEASURE_NOTE, "children"),
        Input(ids.STATE, "data"),
    )
    def update_charts(state):
        snap = source.get()
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        return cache.get_or_compute(("charts", snapshot_key(snap), f),
                                    lambda: compute_charts(snap, f.to_dict(), geo_url))

    @app.callback(
        Output(ids.TABLE, "data"), Output(ids.TABLE, "page_count"), Output(ids.TABLE, "page_current"),
        Output(ids.TABLE_COUNT, "children"),
        Input(ids.STATE, "data"), Input(ids.TABLE, "page_current"), Input(ids.TABLE, "sort_by"),
        Input(ids.TABLE, "filter_query"),
    )
    def update_table(state, page, sort_by, filter_query):
        # Only paging keeps the page; new filters, sorting or column filters start at page 1.
        if f"{ids.TABLE}.page_current" not in ctx.triggered_prop_ids:
            page = 0
        snap = source.get()
        f = queries.normalise(snap.facts, queries.Filters.from_dict(state))
        key = ("table", snapshot_key(snap), f, repr(page)[:20], repr(sort_by)[:300], repr(filter_query)[:300])
        return cache.get_or_compute(key, lambda: compute_table(snap, f.to_dict(), page, sort_by, filter_query))

    @app.callback(
        Output(ids.ARTICLE_BODY, "children"), Output(ids.ARTICLE_PANEL, "className"),
        Input(ids.TABLE, "active_cell"), Input(ids.ARTICLE_CLOSE, "n_clicks"),
        State(ids.TABLE, "data"),
        prevent_initial_call=True,
    )
    def open_article(active_cell, _close, data):
        if ctx.triggered_id == ids.ARTICLE_CLOSE or not isinstance(active_cell, dict):
            return no_update, "article-panel hidden"
        fact_id = active_cell.get("row_id")
        if not isinstance(fact_id, str):
            try:
                fact_id = data[int(active_cell.get("row"))]["id"]
            except (TypeError, ValueError, IndexError, KeyError):
                return no_update, "article-panel hidden"
        children = compute_article(source, source.get(), fact_id)
        if children is None:
            return no_update, "article-panel hidden"
        return children, "article-panel open"

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

    @app.callback(
        Output(ids.DOWNLOAD_FILTERED_FILE, "data"),
        Input(ids.DOWNLOAD_FILTERED, "n_clicks"),
        State(ids.STATE, "data"), State(ids.TABLE, "filter_query"),
        prevent_initial_call=True,
    )
    def download_filtered(_n, state, filter_query):
        snap = source.get()
        key = ("csv", snapshot_key(snap), repr(sorted((state or {}).items())), filter_query or "",
               datetime.now(timezone.utc).date().isoformat())
        data, name = csv_cache.get_or_compute(key, lambda: compute_download(snap, state, filter_query))
        return dcc.send_bytes(data, name, type="text/csv")

    @app.callback(
        Output(ids.DOWNLOAD_ALL_FILE, "data"),
        Input(ids.DOWNLOAD_ALL, "n_clicks"),
        prevent_initial_call=True,
    )
    def download_all(_n):
        data, name = compute_download(source.get(), None, None)
        return dcc.send_bytes(data, name, type="text/csv")


def compute_download(snap: Snapshot, state: dict | None, filter_query: str | None) -> tuple[bytes, str]:
    """Return (CSV bytes with BOM, file name) for the filtered rows, or for everything if state is None."""
    df_all = snap.facts
    today = datetime.now(timezone.utc).date()
    if state is None:
        return queries.to_csv_bytes(df_all), queries.csv_filename(None, today)
    f = queries.normalise(df_all, queries.Filters.from_dict(state))
    df = queries.apply_table_filter(queries.apply_filters(df_all, f), filter_query)
    return queries.to_csv_bytes(df), queries.csv_filename(f, today)
