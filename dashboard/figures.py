"""Pure functions from aggregated frames to Plotly figures (go.*, Chinese labels, no Dash).

Figures are plain plotly-schema dicts ``{"data": [...], "layout": {...}}``, the form dcc.Graph
takes: building ``go.Figure`` objects (even with ``_validate=False``) deep-copies every property
and cost more than the queries behind the charts (measured here: ~9 ms a figure vs ~2 ms for
the aggregation). The unit tests rebuild every figure as a validated ``go.Figure``
(``validated``), so a misspelt property still fails a test.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from .labels import EMPTY_MESSAGE, SPECIAL_GROUPS, format_cn, format_tick, format_value, nice_ticks
from .queries import Hierarchy, Measure

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
PRIMARY = "#c0392b"
MUTED = "#e6b0aa"
SPECIAL = "#8e8e8e"
SPECIAL_MUTED = "#d5d5d5"
TREEMAP_COLORS = ["#c0392b", "#d35400", "#b7950b", "#1e8449", "#1f618d", "#6c3483", "#a04000", "#117a65",
                  "#7b241c", "#2e4053", "#922b21", "#0e6655"]
SUNBURST_COLORS = TREEMAP_COLORS
# Charts never zoom or pan on a drag (on a phone a swipe must scroll the page); clicks still filter.
GRAPH_CONFIG = {"locale": "zh-CN", "displaylogo": False, "responsive": True, "scrollZoom": False,
                "doubleClick": False, "showTips": False,
                "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud", "zoom2d", "pan2d",
                                           "zoomIn2d", "zoomOut2d", "autoScale2d", "resetScale2d",
                                           "resetViewMap", "zoomInMap", "zoomOutMap"],
                "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "内蒙古基层党建图表"}}
MAP_MISSING = "地图数据缺失"
NO_WEBGL = "地图无法显示：浏览器未开启 WebGL（图形加速）。请换用新版浏览器或开启硬件加速；各盟市数字见左侧柱状图和下方明细表。"


def _base_layout(title: str, height: int = 360, subtitle: str = "", **extra) -> dict:
    title_dict = dict(text=title, x=0.01, xanchor="left", font=dict(size=15))
    top = 42
    if subtitle:
        # Shown in downloaded chart images and small under the title: filters, date, source.
        title_dict["subtitle"] = dict(text=subtitle, font=dict(size=10, color="#777"))
        top = 58
    layout = dict(
        template="none",  # our own styling; skips deep-copying plotly's default template (~7 ms a figure)
        title=title_dict,
        font=dict(family=FONT, size=12, color="#222"),
        margin=dict(l=8, r=12, t=top, b=8),
        height=height,
        paper_bgcolor="white",
        plot_bgcolor="white",
        separators=".,",
        dragmode=False,
        hoverlabel=dict(font=dict(family=FONT)),
    )
    layout.update(extra)
    return layout


Figure = dict  # {"data": [trace dicts], "layout": {...}}


def _figure(traces: list[dict], layout: dict) -> Figure:
    return {"data": traces, "layout": layout}


def validated(fig: Figure | go.Figure) -> Figure:
    """Return the figure as a fully validated go.Figure (raises ValueError on an invalid property)."""
    return go.Figure(fig)


def _message(text: str, y: float = 0.5, size: int = 16) -> dict:
    return dict(text=text, x=0.5, y=y, xref="paper", yref="paper", showarrow=False,
                font=dict(size=size, color="#888"), bgcolor="rgba(255,255,255,0.85)")


def empty_figure(title: str = "", message: str = EMPTY_MESSAGE, height: int = 300, subtitle: str = "") -> Figure:
    """Return a blank figure that says why it is blank."""
    return _figure([], _base_layout(title, height, subtitle, xaxis=dict(visible=False, fixedrange=True),
                                    yaxis=dict(visible=False, fixedrange=True), annotations=[_message(message)]))


def value_axis(ys: list[float], measure: Measure, title: str | None = None) -> dict:
    """Return a value axis with Chinese tick labels (万/亿, never k/M/B) and room for the bar labels."""
    low, high = min(ys + [0.0]), max(ys + [0.0])
    ticks = nice_ticks(low, high)
    if measure.kind == "count":
        ticks = [t for t in ticks if float(t).is_integer()] or [0.0, 1.0]
    span = (ticks[-1] - ticks[0]) or 1.0
    # Labels sit outside the bars: leave room beyond the longest one.
    right = max(ticks[-1], high + span * 0.22)
    return dict(title=dict(text=title if title is not None else measure.axis_title), gridcolor="#eee",
                zeroline=True, zerolinecolor="#bbb", tickmode="array", tickvals=ticks,
                ticktext=[format_tick(t) for t in ticks], range=[min(ticks[0], 0.0), right], fixedrange=True,
                automargin=True)


def bar_chart(agg: pd.DataFrame, name_col: str, measure: Measure, title: str,
              selected=None, code_col: str | None = None, subtitle: str = "", label_col: str | None = None,
              max_height: int = 720) -> Figure:
    """Return a horizontal bar chart, largest at the top, values formatted the Chinese way.

    ``selected`` (a name or several) are drawn strong and the others light — every bar stays, so a
    chosen league is still compared with the rest. Special groups (全区, 区外…) are grey.
    customdata carries [name, code, facts] so a click can filter to (or deselect) the bar.
    """
    if agg is None or agg.empty:
        return empty_figure(title, subtitle=subtitle)
    chosen = {selected} if isinstance(selected, str) else set(selected or ())
    agg = agg.iloc[::-1]  # plotly draws the first category at the bottom
    names = agg[name_col].astype(str).tolist()
    labels = agg[label_col].astype(str).tolist() if label_col else names
    ys = agg["y"].astype(float).tolist()
    ns = agg["n"].astype(int).tolist()
    codes = agg[code_col].astype(str).tolist() if code_col else [""] * len(names)
    colors = []
    for n in names:
        strong = not chosen or n in chosen
        if n in SPECIAL_GROUPS:
            colors.append(SPECIAL if strong else SPECIAL_MUTED)
        else:
            colors.append(PRIMARY if strong else MUTED)
    unit = "" if measure.kind == "count" else measure.unit
    text = [format_cn(v) for v in ys]
    trace = dict(
        type="bar", x=ys, y=labels, orientation="h", marker=dict(color=colors), text=text,
        textposition="outside", textangle=0, cliponaxis=False, constraintext="none",
        textfont=dict(size=11, color="#333"),
        customdata=[list(t) for t in zip(names, codes, ns)],
        hovertemplate="%{y}<br>" + measure.label() + "：%{text}" + unit + "<br>事实 %{customdata[2]} 条<extra></extra>",
    )
    height = max(220, min(90 + 24 * len(names) + (16 if subtitle else 0), max_height))
    return _figure([trace], _base_layout(
        title, height, subtitle, bargap=0.25, clickmode="event", xaxis=value_axis(ys, measure),
        yaxis=dict(automargin=True, tickfont=dict(size=12), type="category", fixedrange=True)))


def treemap(h: Hierarchy | None, measure: Measure, title: str = "层级：盟市 → 旗县区 → 举措",
            subtitle: str = "", height: int = 460) -> Figure:
    """Return a league → banner → initiative treemap (two levels at a time; click to drill down).

    The nodes come from ``queries.hierarchy``: every fact is in it, so each league's box holds
    exactly its bar's total; folded initiatives are named ("其他 N 项举措").
    """
    if h is None or not h.ids or sum(h.values[:len([p for p in h.parents if p == ""])]) <= 0:
        return empty_figure(title, subtitle=subtitle)
    texts = [format_cn(v) for v in h.values]
    note = "点击方块逐级查看；每个旗县区列出前 %d 个举措，其余合并为“其他”。" % h.per_banner if h.folded else "点击方块逐级查看。"
    trace = dict(
        type="treemap", ids=h.ids, labels=h.labels, parents=h.parents, values=h.values, branchvalues="total",
        text=texts, customdata=h.facts, texttemplate="%{label}<br>%{text}", textposition="top left",
        hovertemplate="%{label}<br>" + measure.label() + "：%{text}<br>事实 %{customdata} 条<extra></extra>",
        maxdepth=2, pathbar=dict(visible=True, side="top", textfont=dict(family=FONT)),
        tiling=dict(pad=2), marker=dict(line=dict(width=1, color="white")), sort=True,
    )
    layout = _base_layout(title, height, subtitle, treemapcolorway=TREEMAP_COLORS, extendtreemapcolors=True,
                          annotations=[dict(text=note, x=0, y=-0.01, xref="paper", yref="paper", xanchor="left",
                                            yanchor="top", showarrow=False, font=dict(size=11, color="#777"))])
    layout["margin"] = dict(l=8, r=8, t=layout["margin"]["t"], b=26)
    return _figure([trace], layout)


# ------------------------------------------------------------------ map

@dataclass(frozen=True)
class GeoIndex:
    """What the server needs to know about a GeoJSON file: feature codes, names, extents, label points."""

    geojson: dict
    codes: tuple[str, ...]
    names: tuple[str, ...]
    bboxes: tuple[tuple[float, float, float, float], ...]
    points: tuple[tuple[float, float], ...] = ()

    def select(self, code_prefix: str | None) -> list[int]:
        return [i for i, c in enumerate(self.codes) if code_prefix is None or c.startswith(code_prefix)]


def _bbox(geom: dict) -> tuple[float, float, float, float] | None:
    xs, ys = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0]); ys.append(coords[1])
        else:
            for c in coords:
                walk(c)
    walk((geom or {}).get("coordinates") or [])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _ring_area_centroid(ring: list) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs = [p[0] for p in ring]; ys = [p[1] for p in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def _inside(x: float, y: float, ring: list) -> bool:
    hit = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / ((y1 - y0) or 1e-12) + x0:
            hit = not hit
    return hit


def label_point(geom: dict) -> tuple[float, float] | None:
    """Return a point inside the largest polygon of a (Multi)Polygon for its name label.

    The area centroid when it falls inside; otherwise the middle of the widest horizontal chord
    through the centroid's latitude (long, bent leagues such as 呼伦贝尔市 or 阿拉善盟).
    """
    if not geom:
        return None
    polys = geom.get("coordinates") or []
    if geom.get("type") == "Polygon":
        polys = [polys]
    best = None
    for poly in polys:
        if not poly or not poly[0]:
            continue
        ring = [tuple(p[:2]) for p in poly[0]]
        area, cx, cy = _ring_area_centroid(ring)
        if best is None or area > best[0]:
            best = (area, cx, cy, ring)
    if best is None:
        return None
    _area, cx, cy, ring = best
    if _inside(cx, cy, ring):
        return (round(cx, 4), round(cy, 4))
    xs = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > cy) != (y1 > cy):
            xs.append(x0 + (cy - y0) * (x1 - x0) / ((y1 - y0) or 1e-12))
    xs.sort()
    chords = [(xs[i + 1] - xs[i], (xs[i] + xs[i + 1]) / 2) for i in range(0, len(xs) - 1, 2)]
    if not chords:
        return (round(cx, 4), round(cy, 4))
    return (round(max(chords)[1], 4), round(cy, 4))


def index_geojson(gj: dict | None) -> GeoIndex | None:
    """Index a GeoJSON FeatureCollection whose features carry properties {code, name}."""
    if not isinstance(gj, dict) or not isinstance(gj.get("features"), list) or not gj["features"]:
        return None
    codes, names, boxes, points = [], [], [], []
    for feat in gj["features"]:
        props = feat.get("properties") or {}
        box = _bbox(feat.get("geometry") or {})
        if not props.get("code") or box is None:
            continue
        codes.append(str(props["code"])); names.append(str(props.get("name", ""))); boxes.append(box)
        points.append(label_point(feat.get("geometry") or {}) or ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
    if not codes:
        return None
    return GeoIndex(gj, tuple(codes), tuple(names), tuple(boxes), tuple(points))
@lru_cache(maxsize=8)
def _load_geo(path: str, mtime: float) -> GeoIndex | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return index_geojson(json.load(fh))
    except (OSError, ValueError):
        return None


def load_geojson(path: Path) -> GeoIndex | None:
    """Read and index a GeoJSON file once per process (again if the file changes); None if missing."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _load_geo(str(path), mtime)


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mid_lat(south: float, north: float) -> float:
    y = (_merc_y(south) + _merc_y(north)) / 2
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit_zoom(bbox: tuple[float, float, float, float], width: int = 480, height: int = 360) -> float:
    """Return the web-map zoom at which a lon/lat box fills a width × height pixel area."""
    lon_span = max(bbox[2] - bbox[0], 0.05)
    y_span = max(_merc_y(bbox[3]) - _merc_y(bbox[1]), 0.001)
    zx = math.log2(width * 360 / (512 * lon_span))  # MapLibre: the world is 512 px wide at zoom 0
    zy = math.log2(height * 2 * math.pi / (512 * y_span))
    return round(max(1.0, min(zx, zy, 10.0)) - 0.15, 2)


def short_place(name: str) -> str:
    """A map label: 锡林郭勒盟 → 锡林郭勒, 鄂温克族自治旗 → 鄂温克旗 (full names stay in the hover)."""
    for suffix, repl in (("族自治旗", "旗"), ("自治旗", "旗"), ("市", ""), ("盟", "")):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: len(name) - len(suffix)] + repl
    return name


def choropleth(geo: GeoIndex | dict | Path | None, agg: pd.DataFrame, measure: Measure, title: str,
               code_prefix: str | None = None, url: str | None = None, selected=None,
               subtitle: str = "", width: int = 480, height: int = 420) -> Figure:
    """Return a choropleth over local GeoJSON (white background, no tiles: works offline), with place names.

    ``code_prefix`` keeps the features whose code starts with it (a league's banners). With
    ``url`` the browser fetches the GeoJSON from the app once instead of receiving it in every
    figure. ``width`` is the plot's width in pixels (a phone: about 370), so the region fits.
    ``selected`` codes get a dark outline.
    """
    if isinstance(geo, Path):
        geo = load_geojson(geo)
    elif isinstance(geo, dict):
        geo = index_geojson(geo)
    if geo is None:
        return empty_figure(title, MAP_MISSING, subtitle=subtitle)
    keep = geo.select(code_prefix)
    if not keep:
        return empty_figure(title, MAP_MISSING, subtitle=subtitle)
    chosen = {selected} if isinstance(selected, str) else set(selected or ())
    codes = [geo.codes[i] for i in keep]
    names = [geo.names[i] for i in keep]
    boxes = [geo.bboxes[i] for i in keep]
    points = [geo.points[i] for i in keep] if geo.points else [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    values = dict(zip(agg["code"].astype(str), agg["y"].astype(float))) if agg is not None and len(agg) else {}
    z = [values.get(c, 0.0) for c in codes]
    if url:
        geojson = url
    else:
        wanted = set(codes)
        geojson = {"type": "FeatureCollection",
                   "features": [f for f in geo.geojson["features"]
                                if str((f.get("properties") or {}).get("code", "")) in wanted]}
    ticks = nice_ticks(0, max(z + [0.0]))
    if measure.kind == "count":
        ticks = [t for t in ticks if float(t).is_integer()] or [0.0, 1.0]
    zmax = max(max(z + [0.0]), 1.0)
    ticks = [t for t in ticks if t <= zmax]
    colorbar = dict(title=dict(text=measure.label(), side="top"), thickness=10, len=0.6, tickmode="array",
                    tickvals=ticks, ticktext=[format_tick(t) for t in ticks], x=1.0, xanchor="right",
                    bgcolor="rgba(255,255,255,0.7)")
    map_height = height - 70
    if width < 500:  # a phone: the colour bar lies under the map instead of over its eastern end
        colorbar.update(orientation="h", x=0.5, xanchor="center", y=0, yanchor="top", len=0.8, thickness=8,
                        title=dict(text=measure.label(), side="top"))
        map_height = height - 130
    trace = dict(
        type="choroplethmap", geojson=geojson, featureidkey="properties.code", locations=codes, z=z,
        text=[format_cn(v) for v in z], customdata=names, colorscale=[[0, "#fdf2f0"], [1, PRIMARY]], zmin=0,
        zmax=zmax,
        marker=dict(line=dict(color=["#111" if c in chosen else "#888" for c in codes],
                              width=[2.5 if c in chosen else 0.6 for c in codes])),
        colorbar=colorbar,
        hovertemplate="%{customdata}<br>" + measure.label() + "：%{text}<extra></extra>",
    )
    labels = dict(type="scattermap", mode="text", lon=[p[0] for p in points], lat=[p[1] for p in points],
                  text=[short_place(n) for n in names], hoverinfo="skip", showlegend=False,
                  textfont=dict(size=11 if len(codes) <= 20 else 9, color="#1a1a1a"))
    annotations = [_message(EMPTY_MESSAGE, y=0.08, size=14)] if all(v == 0 for v in z) else []
    layout = _base_layout(title, height, subtitle, annotations=annotations,
                          **({"margin": dict(l=4, r=4, t=42 if not subtitle else 58, b=60)} if width < 500 else {}),
                          map=dict(style="white-bg", zoom=fit_zoom(bbox, width, map_height),
                                   center=dict(lon=(bbox[0] + bbox[2]) / 2, lat=_mid_lat(bbox[1], bbox[3]))))
    return _figure([trace, labels], layout)


# ------------------------------------------------------------------ measure view (issue 12)

INCOMPLETE_COLOR = "#eab8b1"
TREND_COLORS = ["#c0392b", "#1f618d", "#1e8449", "#b7950b", "#6c3483", "#d35400", "#117a65", "#7b241c"]
NO_DATA_COLOR = "#eeeeee"
TREND_LABELS = 40  # points labelled with their value (more: the hover only)
NO_DATA_MESSAGE = "该指标在所选地区没有数据"


def _date_cn(iso: str) -> str:
    parts = str(iso or "").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return "日期不详"
    return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"


def _date_short(iso: str) -> str:
    """2024-09-12 → 2024.9.12 (bar labels: short enough for a phone)."""
    parts = str(iso or "").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return "日期不详"
    return f"{int(parts[0])}.{int(parts[1])}.{int(parts[2])}"


def _measure_axis(values: list[float], unit_label: str, room: float) -> dict:
    axis = value_axis(values, Measure("sum", "", "", unit_label))
    low, high = axis["range"]
    top = max(values + [0.0])
    axis["range"] = [low, max(high, top * (1 + room)) if top > 0 else high]
    return axis


def measure_bars(bars: pd.DataFrame, label: str, unit: str, title: str, selected=(), subtitle: str = "",
                 max_height: int = 720, phone: bool = False, empty_message: str = EMPTY_MESSAGE) -> Figure:
    """Horizontal bars of each region's latest value, labelled with the value and its date.

    ``bars``: columns region, code, value, qualifier, as_of, n_reports, fact_ids, and optionally
    complete (False: a sum of some banners' figures) and label ("2 个旗县合计（不完整）"). Figures of
    the region itself are solid; incomplete sums are light and hatched, named in the legend and in
    their label. customdata is [region, code, fact_ids, kind] so a click opens the sources.
    """
    if bars is None or bars.empty:
        return empty_figure(title, empty_message, subtitle=subtitle)
    chosen = {selected} if isinstance(selected, str) else set(selected or ())
    df = bars.iloc[::-1].reset_index(drop=True)  # plotly draws the first category at the bottom
    complete = df["complete"].astype(bool).tolist() if "complete" in df.columns else [True] * len(df)
    notes = df["label"].astype(str).tolist() if "label" in df.columns else [""] * len(df)
    names = df["region"].astype(str).tolist()
    categories = names
    values = df["value"].astype(float).tolist()
    quals = df["qualifier"].astype(str).tolist()
    dates = df["as_of"].astype(str).tolist()
    reports = df["n_reports"].astype(int).tolist()
    texts = [format_value(v, q) + (f" · {n}" if not ok and not phone else " · 旗县合计" if not ok else "")
             + f" · {_date_short(d)}" for v, q, d, ok, n in zip(values, quals, dates, complete, notes)]
    traces = []
    for own in (True, False):
        idx = [i for i, ok in enumerate(complete) if ok == own]
        if not idx:
            continue
        strong = [not chosen or names[i] in chosen for i in idx]
        if own:
            marker = dict(color=[PRIMARY if s else MUTED for s in strong])
            name = "本级数字（最近一次报道）"
        else:
            marker = dict(color=[INCOMPLETE_COLOR if s else "#f6e3e0" for s in strong],
                          pattern=dict(shape="/", fgcolor=PRIMARY, fgopacity=0.55, size=7, solidity=0.25),
                          line=dict(color=PRIMARY, width=1))
            name = "部分旗县数字之和（不完整）"
        hover = [f"{names[i]}<br>{label}：{format_value(values[i], quals[i])}{unit}"
                 f"<br>时点：{_date_cn(dates[i])}"
                 + (f"<br>{notes[i]}" if not complete[i] else "")
                 + f"<br>{reports[i]} 篇次报道 · 点击查看来源" for i in idx]
        traces.append(dict(
            type="bar", orientation="h", name=name, x=[values[i] for i in idx], y=[categories[i] for i in idx],
            marker=marker, text=[texts[i] for i in idx], textposition="outside", textangle=0, cliponaxis=False,
            constraintext="none", textfont=dict(size=11, color="#333"),
            customdata=[[names[i], str(df["code"].iloc[i]), str(df["fact_ids"].iloc[i])] for i in idx],
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        ))
    legend = len(traces) > 1
    height = max(220, min(100 + 26 * len(names) + (16 if subtitle else 0) + (30 if legend else 0), max_height))
    layout = _base_layout(
        title, height, subtitle, bargap=0.25, barmode="overlay", clickmode="event", showlegend=legend,
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom", font=dict(size=11)),
        xaxis=_measure_axis(values, label, 0.9 if phone else 0.6),
        yaxis=dict(automargin=True, tickfont=dict(size=12), type="category", fixedrange=True,
                   categoryorder="array", categoryarray=categories))
    if legend:
        layout["margin"] = dict(layout["margin"], t=layout["margin"]["t"] + 26)
    return _figure(traces, layout)


def measure_trend(points: pd.DataFrame, label: str, unit: str, title: str, subtitle: str = "",
                  height: int = 360, empty_message: str = EMPTY_MESSAGE, phone: bool = False) -> Figure:
    """The measure over time (by the date each value is valid for), one line per region.

    ``points``: columns region, code, as_of, value, qualifier, n_reports, fact_ids and period_start
    (flows of different periods are different lines: 2023年全年 and 2024年以来 never join).
    Points are labelled with their values while there are few (``TREND_LABELS``); the hover says
    value, date and reports; customdata carries the fact ids for a click.
    """
    pts = points[(points["as_of"].astype(str) != "").to_numpy()] if points is not None and len(points) else None
    if pts is None or pts.empty:
        return empty_figure(title, empty_message, height=height, subtitle=subtitle)
    pts = pts.assign(_code=pts["code"].astype(str), _start=pts["period_start"].astype(str),
                     _as_of=pts["as_of"].astype(str), _q=pts["qualifier"].astype(str))
    labelled = len(pts) <= TREND_LABELS
    traces = []
    for k, ((code, start), g) in enumerate(pts.groupby(["_code", "_start"], sort=False)):
        g = g.sort_values("_as_of", kind="stable")
        region = str(g["region"].iloc[0])
        name = region + (f"（{_date_cn(start)}起）" if start else "")
        color = TREND_COLORS[k % len(TREND_COLORS)]
        vals = g["value"].astype(float).tolist()
        trace = dict(
            type="scatter", mode="lines+markers+text" if labelled else "lines+markers", name=name,
            x=g["_as_of"].tolist(), y=vals, line=dict(color=color, width=2),
            marker=dict(size=8 if labelled else 5, color=color),
            customdata=[[region, code, f] for f in g["fact_ids"].astype(str)], cliponaxis=False,
        )
        if labelled:
            texts = [format_value(v, q) for v, q in zip(vals, g["_q"])]
            trace.update(text=texts, textposition="top center", textfont=dict(size=11, color=color),
                         hovertext=[f"{name}<br>{label}：{t}{unit}<br>时点：{_date_cn(d)}<br>{n} 篇次报道 · 点击查看来源"
                                    for t, d, n in zip(texts, g["_as_of"], g["n_reports"].astype(int))],
                         hovertemplate="%{hovertext}<extra></extra>")
        else:  # a long series: plotly formats the hover itself
            trace["hovertemplate"] = (f"{name}<br>{label}：%{{y:,}}{unit}<br>时点：%{{x|%Y年%-m月%-d日}}"
                                      "<br>点击查看来源<extra></extra>")
        traces.append(trace)
    values = pts["value"].astype(float).tolist()
    axis = _measure_axis(values, label, 0.15)
    layout = _base_layout(
        title, height, subtitle, clickmode="event", showlegend=True,
        legend=dict(orientation="h", x=0, y=-0.18, yanchor="top", font=dict(size=11)),
        xaxis=dict(type="date", tickformat="%Y年%-m月", hoverformat="%Y年%-m月%-d日", gridcolor="#eee",
                   fixedrange=True, automargin=True),
        yaxis=dict(axis, title=dict(text=label)))
    layout["margin"] = dict(layout["margin"], l=12, r=24, b=40)
    layout["xaxis"].update(date_axis(sorted(set(pts["_as_of"])), 3 if phone else 8))
    return _figure(traces, layout)


def date_axis(dates: list[str], max_ticks: int = 8) -> dict:
    """Ticks for a time axis in whole months or years (never the same month twice, at most about
    ``max_ticks``, horizontal), with room either side."""
    days = [pd.Timestamp(d) for d in dates if d]
    if not days:
        return {}
    first, last = min(days), max(days)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    pad = pd.Timedelta(days=max(20, int((last - first).days * 0.06)))
    out = dict(range=[str((first - pad).date()), str((last + pad).date())], tickformat="%Y年%-m月", tickangle=0,
               tick0=f"{first.year}-01-01")
    step = next((m for m in (1, 2, 3, 6) if months / m <= max_ticks), None)
    if step is not None:
        out["dtick"] = f"M{step}"
    else:
        years = months / 12
        out.update(dtick=f"M{12 * next((y for y in (1, 2, 5, 10) if years / y <= max_ticks), 20)}", tickformat="%Y年")
    return out


def measure_map(geo: GeoIndex | Path | None, values: pd.DataFrame, label: str, unit: str, title: str,
                code_prefix: str | None = None, url: str | None = None, selected=None, subtitle: str = "",
                width: int = 480, height: int = 420) -> Figure:
    """Regions coloured by their latest value of one measure; regions without a figure grey ("无数据").

    ``values``: columns code, region, value, qualifier, as_of, fact_ids, and optionally complete /
    label (an incomplete banner sum is said so in the hover). customdata carries the fact ids.
    """
    if isinstance(geo, Path):
        geo = load_geojson(geo)
    if geo is None:
        return empty_figure(title, MAP_MISSING, subtitle=subtitle)
    keep = geo.select(code_prefix)
    if not keep:
        return empty_figure(title, MAP_MISSING, subtitle=subtitle)
    chosen = {selected} if isinstance(selected, str) else set(selected or ())
    codes = [geo.codes[i] for i in keep]
    names = [geo.names[i] for i in keep]
    boxes = [geo.bboxes[i] for i in keep]
    points = [geo.points[i] for i in keep] if geo.points else [((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in boxes]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    by_code = {}
    if values is not None and len(values):
        for r in values.to_dict("records"):
            by_code[str(r["code"])] = r
    have = [i for i, c in enumerate(codes) if c in by_code]
    missing = [i for i, c in enumerate(codes) if c not in by_code]
    geojson = url if url else {"type": "FeatureCollection", "features": [
        f for f in geo.geojson["features"] if str((f.get("properties") or {}).get("code", "")) in set(codes)]}

    def outline(idx):
        return dict(line=dict(color=["#111" if codes[i] in chosen else "#888" for i in idx],
                              width=[2.5 if codes[i] in chosen else 0.6 for i in idx]))

    traces = []
    if missing:
        traces.append(dict(
            type="choroplethmap", geojson=geojson, featureidkey="properties.code", locations=[codes[i] for i in missing],
            z=[0] * len(missing), colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]], showscale=False,
            marker=outline(missing), customdata=[[names[i], codes[i], ""] for i in missing],
            hovertemplate="%{customdata[0]}<br>无数据<extra></extra>", name="无数据"))
    map_height = height - 70
    if have:
        z = [float(by_code[codes[i]]["value"]) for i in have]
        zmax = max(max(z), 1e-9)
        ticks = [t for t in nice_ticks(0, zmax) if t <= zmax]
        colorbar = dict(title=dict(text=f"数值（{unit}）" if unit else "数值", side="top"), thickness=10, len=0.6,
                        tickmode="array", tickvals=ticks,
                        ticktext=[format_tick(t) for t in ticks], x=1.0, xanchor="right",
                        bgcolor="rgba(255,255,255,0.7)")
        if code_prefix is None:  # the whole region: the north-west corner of the map is empty
            colorbar.update(x=0.02, xanchor="left", y=0.98, yanchor="top", len=0.45)
        if width < 500:
            colorbar.update(orientation="h", x=0.5, xanchor="center", y=0, yanchor="top", len=0.8, thickness=8)
            map_height = height - 130
        hover = []
        for i in have:
            r = by_code[codes[i]]
            extra = f"<br>{r['label']}" if r.get("complete") is False and r.get("label") else ""
            hover.append(f"{names[i]}<br>{label}：{format_value(float(r['value']), str(r['qualifier']))}{unit}"
                         f"<br>时点：{_date_cn(str(r['as_of']))}{extra}<br>点击查看来源")
        traces.append(dict(
            type="choroplethmap", geojson=geojson, featureidkey="properties.code", locations=[codes[i] for i in have],
            z=z, zmin=0, zmax=zmax, colorscale=[[0, "#fdf2f0"], [1, PRIMARY]], colorbar=colorbar,
            marker=outline(have), customdata=[[names[i], codes[i], str(by_code[codes[i]]["fact_ids"])] for i in have],
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", name=label))
    labels = dict(type="scattermap", mode="text", lon=[p[0] for p in points], lat=[p[1] for p in points],
                  text=[short_place(n) for n in names], hoverinfo="skip", showlegend=False,
                  textfont=dict(size=11 if len(codes) <= 20 else 9, color="#1a1a1a"))
    annotations = [_message(NO_DATA_MESSAGE, y=0.08, size=14)] if not have else []
    if have and missing:
        annotations.append(dict(text="灰色：没有报道数字", x=0, y=0, xref="paper", yref="paper", xanchor="left",
                                yanchor="bottom", showarrow=False, font=dict(size=11, color="#777"),
                                bgcolor="rgba(255,255,255,0.8)"))
    layout = _base_layout(title, height, subtitle, annotations=annotations, showlegend=False, clickmode="event",
                          **({"margin": dict(l=4, r=4, t=42 if not subtitle else 58, b=60)} if width < 500 else {}),
                          map=dict(style="white-bg", zoom=fit_zoom(bbox, width, map_height),
                                   center=dict(lon=(bbox[0] + bbox[2]) / 2, lat=_mid_lat(bbox[1], bbox[3]))))
    return _figure(traces + [labels], layout)

