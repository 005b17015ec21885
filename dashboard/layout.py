"""Page layout: build() assembles the header, filters, charts, table and article panel."""
from __future__ import annotations

from dash import dash_table, dcc, html

from . import ids
from .data import Snapshot
from .figures import GRAPH_CONFIG, empty_figure
from .queries import PAGE_SIZE, TABLE_COLUMNS, category_options, date_bounds, indicator_options, league_options

TITLE = "内蒙古基层党建数据看板"
DROPDOWN_LABELS = {
    "select_all": "全选", "deselect_all": "取消全选", "selected_count": "已选 {num_selected} 项",
    "search": "搜索", "clear_search": "清除搜索", "clear_selection": "清除选择",
    "no_options_found": "没有匹配的选项",
}


def header(snap: Snapshot) -> html.Header:
    updated = snap.last_updated[:19].replace("T", " ") if snap.last_updated else "未知"
    stats = f"已载入 {snap.n_reports} 篇报道、{len(snap.facts)} 条事实 · 数据更新于 {updated}"
    if snap.facts.empty:
        stats += " · 尚无数据：请先运行 python -m etl run data/raw 载入报道"
    return html.Header(className="app-header", children=[
        html.H1(TITLE),
        html.P(stats, id=ids.HEADER_STATS, className="header-stats"),
    ])


def _dropdown(id_: str, label: str, placeholder: str, options: list[dict]) -> html.Div:
    return html.Div(className="filter", children=[
        html.Label(label, htmlFor=id_),
        dcc.Dropdown(id=id_, options=options, placeholder=placeholder, clearable=True, searchable=True,
                     labels=DROPDOWN_LABELS, optionHeight="auto", maxHeight=320),
    ])


def filters(snap: Snapshot) -> html.Section:
    df = snap.facts
    first, last = date_bounds(df)
    dates = html.Div(className="filter filter-dates", children=[
        html.Label("报道日期", htmlFor=ids.DATES),
        dcc.DatePickerRange(id=ids.DATES, min_date_allowed=first, max_date_allowed=last,
                            initial_visible_month=last, display_format="YYYY-MM-DD",
                            start_date_placeholder_text="开始日期", end_date_placeholder_text="结束日期",
                            clearable=True, first_day_of_week=1, disabled=first is None),
    ])
    return html.Section(className="filters", **{"aria-label": "筛选"}, children=[
        _dropdown(ids.LEAGUE, "盟市", "全部盟市", league_options(df)),
        _dropdown(ids.BANNER, "旗县区", "全部旗县区", []),
        _dropdown(ids.INITIATIVE, "举措", "全部举措", []),
        _dropdown(ids.INDICATOR, "指标", "全部指标（计条数）", indicator_options(df)),
        _dropdown(ids.CATEGORY, "数值类型", "全部类型", category_options(df)),
        dates,
        html.Div(className="filter filter-search", children=[
            html.Label("搜索对象或原文", htmlFor=ids.SEARCH),
            dcc.Input(id=ids.SEARCH, type="search", placeholder="例如：志愿者、嘎查", debounce=True,
                      maxLength=100, className="search-input"),
        ]),
        html.Div(className="filter filter-reset", children=[
            html.Button("清除筛选", id=ids.RESET, n_clicks=0, className="button secondary"),
        ]),
    ])


def _graph(id_: str, title: str, extra_class: str = "") -> html.Div:
    return html.Div(className=f"card chart {extra_class}".strip(), children=[
        dcc.Loading(dcc.Graph(id=id_, figure=empty_figure(title, "加载中…"), config=GRAPH_CONFIG),
                    type="dot", delay_show=400),
    ])


def charts() -> html.Section:
    return html.Section(className="charts", **{"aria-label": "图表"}, children=[
        _graph(ids.CHART_LEAGUE, "按盟市"),
        _graph(ids.CHART_MAP, "地图"),
        _graph(ids.CHART_BANNER, "按旗县区"),
        _graph(ids.CHART_INITIATIVE, "按举措"),
        _graph(ids.CHART_HIERARCHY, "层级", "wide"),
    ])


def table() -> html.Section:
    return html.Section(className="card table-section", **{"aria-label": "事实表"}, children=[
        html.Div(className="table-head", children=[
            html.H2("事实明细"),
            html.Span(id=ids.TABLE_COUNT, className="table-count"),
            html.Div(className="downloads", children=[
                html.Button("下载 CSV（当前筛选）", id=ids.DOWNLOAD_FILTERED, n_clicks=0, className="button"),
                html.Button("下载全部 CSV", id=ids.DOWNLOAD_ALL, n_clicks=0, className="button secondary"),
                dcc.Download(id=ids.DOWNLOAD_FILTERED_FILE),
                dcc.Download(id=ids.DOWNLOAD_ALL_FILE),
            ]),
        ]),
        html.P("点击任意一行查看原文，数字会高亮显示。表头下方的输入框可按列筛选（数值列可输入 >1000）。",
               className="hint"),
        dash_table.DataTable(
            id=ids.TABLE,
            columns=[{"name": name, "id": cid} for cid, name in TABLE_COLUMNS],
            data=[],
            page_current=0,
            page_size=PAGE_SIZE,
            page_count=1,
            page_action="custom",
            sort_action="custom",
            sort_mode="single",
            sort_by=[],
            filter_action="custom",
            filter_query="",
            filter_options={"case": "insensitive", "placeholder_text": "筛选…"},
            cell_selectable=True,
            style_as_list_view=True,
            style_table={"overflowX": "auto", "minWidth": "100%"},
            style_header={"fontWeight": "600", "backgroundColor": "#f7f2f1", "whiteSpace": "normal"},
            style_cell={"fontFamily": "inherit", "fontSize": "13px", "textAlign": "left", "padding": "6px 8px",
                        "whiteSpace": "normal", "height": "auto", "minWidth": "56px", "maxWidth": "320px"},
            style_cell_conditional=[
                {"if": {"column_id": "value_text"}, "textAlign": "right", "fontWeight": "600", "whiteSpace": "nowrap"},
                {"if": {"column_id": "unit_text"}, "whiteSpace": "nowrap"},
                {"if": {"column_id": "published"}, "whiteSpace": "nowrap"},
            ],
            style_data_conditional=[
                {"if": {"state": "active"}, "backgroundColor": "#fbe9e7", "border": "1px solid #c0392b"},
                # Rows an editor corrected (issue 11).
                {"if": {"filter_query": '{review} = "已更正"'}, "backgroundColor": "#fff8e1"},
                {"if": {"filter_query": '{review} = "已更正"', "column_id": "review"}, "color": "#a15c00",
                 "fontWeight": "600"},
            ],
            css=[{"selector": ".dash-spreadsheet tr", "rule": "cursor: pointer;"}],
        ),
    ])


def article_panel() -> html.Aside:
    return html.Aside(id=ids.ARTICLE_PANEL, className="article-panel hidden", **{"aria-live": "polite"}, children=[
        html.Button("关闭 ×", id=ids.ARTICLE_CLOSE, n_clicks=0, className="button secondary close"),
        html.Div(id=ids.ARTICLE_BODY),
    ])


def build(snap: Snapshot) -> html.Div:
    """Return the whole page for the current data snapshot (called on every page load)."""
    return html.Div(className="app", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.STATE, storage_type="memory"),
        dcc.Store(id=ids.ARTICLE_SCROLLED, storage_type="memory"),
        header(snap),
        filters(snap),
        html.Div(className="summary", children=[
            html.P(id=ids.SUMMARY, className="summary-line"),
            html.P(id=ids.MEASURE_NOTE, className="measure-note"),
        ]),
        charts(),
        table(),
        article_panel(),
        html.Footer(className="app-footer", children=[
            html.P("数据来源：报纸党建版面报道，由程序自动抽取，请以原文为准。"
                   "地图边界仅为示意，公开发布的地图须使用经审核的标准地图。"),
        ]),
    ])
