"""Page layout: build() assembles the header, filters, charts, table, print table and source panel."""
from __future__ import annotations

from dash import dash_table, dcc, html

from . import ids
from .data import Snapshot, is_synthetic
from .figures import GRAPH_CONFIG, NO_WEBGL, empty_figure
from .measure_queries import TABLE_COLUMNS as MEASURE_TABLE_COLUMNS
from .queries import (
    PAGE_SIZE, TABLE_COLUMNS, TABLE_FILTER_HINTS, basis_options, category_options, date_bounds, indicator_options, league_options,
)

TITLE = "内蒙古基层党建数据看板"
DROPDOWN_LABELS = {
    "select_all": "全选", "deselect_all": "取消全选", "selected_count": "已选 {num_selected} 项",
    "search": "搜索", "clear_search": "清除搜索", "clear_selection": "清除选择",
    "no_options_found": "没有匹配的选项",
}
PRINT_ROWS = 100  # rows of the filtered table printed on paper (the count says how many there are)


def synthetic_count(snap: Snapshot) -> int:
    """Return how many facts of the snapshot come from synthetic benchmark corpora."""
    if snap.facts.empty:
        return 0
    return int(is_synthetic(snap.facts["source_file"]).sum())


def header(snap: Snapshot) -> html.Header:
    updated = snap.last_updated[:19].replace("T", " ") if snap.last_updated else "未知"
    stats = f"已载入 {snap.n_reports} 篇报道、{len(snap.facts)} 条事实 · 数据更新于 {updated}"
    if snap.facts.empty:
        stats += " · 尚无数据：请先运行 python -m etl run data/raw 载入报道"
    children = [html.H1(TITLE), html.P(stats, id=ids.HEADER_STATS, className="header-stats")]
    n_synth = synthetic_count(snap)
    if n_synth:
        children.append(html.P(
            f"注意：本页含 {n_synth} 条合成测试数据（程序生成，并非真实报道），表格和导出中标为“合成数据”。",
            id=ids.SYNTHETIC_BANNER, className="synthetic-banner", role="alert"))
    return html.Header(className="app-header", children=children)


def _dropdown(id_: str, label: str, placeholder: str, options: list[dict], multi: bool = False) -> html.Div:
    return html.Div(className="filter", children=[
        html.Label(label, htmlFor=id_),
        dcc.Dropdown(id=id_, options=options, placeholder=placeholder, clearable=True, searchable=True, multi=multi,
                     labels=DROPDOWN_LABELS, optionHeight="auto", maxHeight=320),
    ])


def filters(snap: Snapshot) -> html.Section:
    df = snap.facts
    first, last = date_bounds(df)
    dates = html.Div(className="filter filter-dates", children=[
        html.Label("报道日期（可输入 2024年1月1日）", htmlFor=ids.DATES),
        dcc.DatePickerRange(id=ids.DATES, min_date_allowed=first, max_date_allowed=last,
                            initial_visible_month=last, display_format="YYYY年M月D日", month_format="YYYY年M月",
                            start_date_placeholder_text="开始日期", end_date_placeholder_text="结束日期",
                            clearable=True, first_day_of_week=1, disabled=first is None, updatemode="singledate"),
    ])
    return html.Section(className="filters", **{"aria-label": "筛选"}, children=[
        _dropdown(ids.LEAGUE, "盟市（可多选）", "全部盟市", league_options(df), multi=True),
        _dropdown(ids.BANNER, "旗县区（可多选）", "全部旗县区", [], multi=True),
        _dropdown(ids.INITIATIVE, "举措（可多选）", "全部举措", [], multi=True),
        # 与数字同句点名 / 由上下文推断 / 未标注举措: how directly the text ties a fact's programme to it
        _dropdown(ids.INITIATIVE_BASIS, "举措依据", "全部（含推断）", basis_options(df)),
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
            html.Button("打印/导出报告", id=ids.PRINT, n_clicks=0, className="button secondary print-button",
                        title="按 A4 纸打印当前视图，或在打印对话框中选择“另存为 PDF”"),
        ]),
        html.P(id=ids.FILTER_NOTICE, className="filter-notice", role="status"),
    ])


def _graph(id_: str, title: str, extra_class: str = "", extra=None) -> html.Div:
    children = [dcc.Loading(dcc.Graph(id=id_, figure=empty_figure(title, "加载中…"), config=GRAPH_CONFIG),
                            type="dot", delay_show=400)]
    if extra:
        children.extend(extra)
    return html.Div(className=f"card chart {extra_class}".strip(), children=children)


MEASURE_PROMPT = ("选择一个指标，查看各盟市、旗县区最近一次报道的数字、它的时点和来源，以及数字随时间的变化。"
                  "下面的“报道活跃度”只反映报道了多少条数字，不是统计数。")
ACTIVITY_TITLE = "报道活跃度：各地区被报道的数字条数（反映报道多少，不是统计数）"


def measure_section() -> html.Section:
    """The measure view (issue 12): a measure → each region's latest value, its trend, map, table, CSV.

    The dropdown's options come from the snapshot's measures (filled by the state callback); the
    charts and the table stay hidden until a measure is chosen.
    """
    table_card = html.Div(className="card measure-table-card wide", children=[
        html.Div(className="table-head", children=[
            html.H3("各地区最新数值（点击一行查看来源）"),
            html.Div(className="downloads", children=[
                html.Button("下载该指标 CSV", id=ids.MEASURE_DOWNLOAD, n_clicks=0, className="button",
                            title="该指标在所选地区的全部数据点（每个地区、每个时点一行），Excel、WPS 可直接打开"),
                dcc.Download(id=ids.MEASURE_DOWNLOAD_FILE),
            ]),
        ]),
        dash_table.DataTable(
            id=ids.MEASURE_TABLE,
            columns=[{"name": name, "id": cid} for cid, name in MEASURE_TABLE_COLUMNS],
            data=[], page_action="native", page_size=12, sort_action="none", cell_selectable=True,
            style_as_list_view=True,
            style_table={"overflowX": "auto", "minWidth": "100%"},
            style_header={"fontWeight": "600", "backgroundColor": "#f7f2f1", "whiteSpace": "normal"},
            style_cell={"fontFamily": "inherit", "fontSize": "13px", "textAlign": "left", "padding": "6px 8px",
                        "whiteSpace": "normal", "height": "auto", "minWidth": "48px", "maxWidth": "260px"},
            style_cell_conditional=[
                {"if": {"column_id": "value_text"}, "textAlign": "right", "fontWeight": "600", "whiteSpace": "nowrap"},
                {"if": {"column_id": "as_of_text"}, "whiteSpace": "nowrap"},
                {"if": {"column_id": "n_reports"}, "textAlign": "right"},
            ],
            style_data_conditional=[
                {"if": {"state": "active"}, "backgroundColor": "#fbe9e7", "border": "1px solid #c0392b"},
                {"if": {"filter_query": '{kind_text} = "旗县合计"'}, "backgroundColor": "#fdf1ef",
                 "fontStyle": "italic"},
            ],
            css=[{"selector": ".dash-spreadsheet tr", "rule": "cursor: pointer;"}],
        ),
    ])
    body = html.Div(id=ids.MEASURE_BODY, className="measure-body hidden", children=[
        html.Div(className="charts measure-charts", children=[
            _graph(ids.MEASURE_LEAGUE, "按盟市：最新数值", "measure-chart"),
            _graph(ids.MEASURE_MAP, "地图：最新数值", "measure-map-card measure-chart",
                   [html.Div(NO_WEBGL, className="map-fallback", role="note")]),
            _graph(ids.MEASURE_BANNER, "按旗县区：最新数值", "measure-chart"),
            _graph(ids.MEASURE_TREND, "随时间变化", "measure-chart"),
            table_card,
        ]),
    ])
    return html.Section(className="card measure-section", **{"aria-label": "指标数值"}, children=[
        html.Div(className="measure-head", children=[
            html.H2("指标数值：各地区最近一次报道的数字"),
            html.Div(className="filter measure-filter", children=[
                html.Label("选择指标（可输入文字搜索，如“党群服务中心”）", htmlFor=ids.MEASURE),
                dcc.Dropdown(id=ids.MEASURE, options=[], placeholder="请选择指标，例如 嘎查党群服务中心", clearable=True,
                             searchable=True, multi=False, labels=DROPDOWN_LABELS, optionHeight="auto", maxHeight=380),
            ]),
        ]),
        html.P(MEASURE_PROMPT, id=ids.MEASURE_HEADLINE, className="measure-headline"),
        html.P(id=ids.MEASURE_EXPLAIN, className="measure-explain"),
        body,
    ])


def charts() -> html.Section:
    map_extra = [
        html.Div(NO_WEBGL, className="map-fallback", role="note"),
        html.Img(id=ids.MAP_PRINT_IMAGE, className="map-print", alt="地图（打印用图片）"),
    ]
    return html.Section(className="charts", **{"aria-label": "图表"}, children=[
        _graph(ids.CHART_LEAGUE, "按盟市"),
        _graph(ids.CHART_MAP, "地图", "map-card", map_extra),
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
                html.Button("下载 Excel（当前筛选）", id=ids.DOWNLOAD_XLSX, n_clicks=0, className="button"),
                html.Button("下载全部 CSV", id=ids.DOWNLOAD_ALL, n_clicks=0, className="button secondary"),
                dcc.RadioItems(id=ids.CSV_HEADERS, className="csv-headers", inline=True, value="zh",
                               options=[{"label": "中文表头", "value": "zh"},
                                        {"label": "英文列名（机器用）", "value": "en"}]),
                dcc.Download(id=ids.DOWNLOAD_FILTERED_FILE),
                dcc.Download(id=ids.DOWNLOAD_XLSX_FILE),
                dcc.Download(id=ids.DOWNLOAD_ALL_FILE),
            ]),
        ]),
        html.P("点击任意一行查看原文，数字会高亮显示。表头下方的输入框可按列筛选：数值列可输入 >1000、>=5000、1万、1万-5万；"
               "地区可输入 赤峰市·林西县 或 全区、区外。按列筛选也计入上方合计、网址和下载文件。"
               "“举措依据”说明举措是与数字同句点名，还是由同段、上段或全文推断；推断的举措更可能有误，"
               "可在上方“举措依据”中只看与数字同句点名的。", className="hint"),
        dash_table.DataTable(
            id=ids.TABLE,
            columns=[{"name": name, "id": cid, "filter_options": {"case": "insensitive",
                                                                  "placeholder_text": TABLE_FILTER_HINTS[cid]}}
                     for cid, name in TABLE_COLUMNS],
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
            style_filter={"backgroundColor": "#fffdf7"},
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
        # Filled from PRINT_TABLE_HTML by a browser-side callback (one HTML string, no Dash components).
        html.Div(id=ids.PRINT_TABLE, className="print-table"),
        dcc.Store(id=ids.PRINT_TABLE_HTML, storage_type="memory"),
    ])


def article_panel() -> html.Div:
    return html.Div(className="article-layer", children=[
        html.Aside(id=ids.ARTICLE_PANEL, className="article-panel hidden", role="dialog",
                   **{"aria-live": "polite", "aria-label": "原文"}, children=[
                       html.Div(className="article-head", children=[
                           html.Span("原文与出处", className="article-head-title"),
                           html.Button("关闭 ×", id=ids.ARTICLE_CLOSE, n_clicks=0, className="button secondary close",
                                       title="关闭（Esc）"),
                       ]),
                       html.Div(id=ids.ARTICLE_BODY, className="article-scroll"),
                   ]),
    ])


def build(snap: Snapshot) -> html.Div:
    """Return the whole page for the current data snapshot (called on every page load)."""
    return html.Div(className="app", children=[
        dcc.Location(id=ids.URL, refresh=False),
        dcc.Store(id=ids.STATE, storage_type="memory"),
        dcc.Store(id=ids.ARTICLE_SCROLLED, storage_type="memory"),
        dcc.Store(id=ids.VIEWPORT, storage_type="memory"),
        dcc.Store(id=ids.PRINTED, storage_type="memory"),
        dcc.Store(id=ids.PRINT_TABLE_SET, storage_type="memory"),
        header(snap),
        filters(snap),
        dcc.Store(id=ids.MEASURE_STATE, storage_type="memory"),
        dcc.Store(id=ids.MEASURE_SHOWN, storage_type="memory"),
        measure_section(),
        html.H2(ACTIVITY_TITLE, id=ids.ACTIVITY_TITLE, className="activity-title"),
        html.Div(className="summary", children=[
            html.P(id=ids.SUMMARY, className="summary-line"),
            html.P(id=ids.MEASURE_NOTE, className="measure-note"),
            html.P(id=ids.PRINT_NOTE, className="print-note"),
        ]),
        charts(),
        table(),
        article_panel(),
        html.Footer(className="app-footer", children=[
            html.P("数据来源：报纸党建版面等报道，由程序自动抽取，请以原文为准；同一数字被多篇报道提到时，相加会重复计算。"
                   "地图边界仅为示意，公开发布的地图须使用经审核的标准地图。"),
        ]),
    ])
