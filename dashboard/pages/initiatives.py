"""/initiatives: every programme name with its fact count; editors merge, rename or reject names.

A decision is stored as a rule (etl.review_store.programme_rules), applied to the fact table at
once and again after every ETL run, so re-extraction keeps it. Undoing a rule restores the names
as extracted.
"""
from __future__ import annotations

from dash import Dash, Input, Output, State, ctx, dash_table, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

from etl import review_store as RS
from etl.errors import EtlError

from .. import auth, nav
from ..backend import Backend
from ..data import FactSource
from . import ids, subapp

ACTION_OPTIONS = [
    {"label": "并入另一个名称（或改名）", "value": "merge"},
    {"label": "不是举措（清空这些事实的举措）", "value": "reject"},
    {"label": "撤销之前的处理", "value": "remove"},
]
COLUMNS = (("name", "举措名称"), ("now", "现有事实"), ("extracted", "抽取时"), ("rule", "处理"))


def table_rows(backend: Backend) -> list[dict]:
    """Rows of the programme list: name, facts now, facts as extracted, and what editors decided."""
    rows, rules = RS.programme_list(backend.engine)
    out = []
    for name, now, extracted in rows:
        rule = rules.get(name)
        label = "" if rule is None else ("不是举措" if rule.action == "reject" else f"已并入“{rule.target}”")
        out.append({"id": name, "name": name, "now": now, "extracted": extracted, "rule": label})
    return out


def create(main: Dash, source: FactSource, backend: Backend) -> Dash:
    """Build the /initiatives page on main's server."""
    app = subapp(main, "initiatives", "/initiatives/", "举措名录 · 内蒙古基层党建数据看板")

    def page() -> html.Div:
        editor = auth.can("editor")
        try:
            rows = table_rows(backend)
            problem = ""
        except (EtlError, SQLAlchemyError) as exc:
            rows, problem = [], f"无法读取数据库：{exc}"
        names = [r["name"] for r in rows]
        form = html.Section(className="card review-section review-form", children=[
            html.H3("合并、改名或排除"),
            html.P("在表中点击一个名称，或在下面选择。合并后，这些事实改用新名称；以后每次重新抽取也会自动套用。",
                   className="hint"),
            html.Div(className="review-grid", children=[
                html.Div(className="filter", children=[
                    html.Label("举措名称", htmlFor=ids.INIT_NAME),
                    dcc.Dropdown(id=ids.INIT_NAME, options=[{"label": n, "value": n} for n in names],
                                 placeholder="选择一个名称", searchable=True)]),
                html.Div(className="filter", children=[
                    html.Label("处理方式", htmlFor=ids.INIT_ACTION),
                    dcc.Dropdown(id=ids.INIT_ACTION, options=ACTION_OPTIONS, value="merge", clearable=False)]),
                html.Div(className="filter", children=[
                    html.Label("并入（或改成）", htmlFor=ids.INIT_TARGET),
                    dcc.Input(id=ids.INIT_TARGET, type="text", list=ids.INIT_TARGET_LIST, maxLength=60,
                              className="search-input", placeholder="例如：党员中心户")]),
                html.Div(className="filter", children=[
                    html.Label("理由", htmlFor=ids.INIT_REASON),
                    dcc.Input(id=ids.INIT_REASON, type="text", maxLength=300, className="search-input",
                              placeholder="会记入修改记录")]),
            ]),
            html.Datalist(id=ids.INIT_TARGET_LIST, children=[html.Option(value=n) for n in names]),
            html.Div(className="review-buttons", children=[
                html.Button("保存", id=ids.INIT_APPLY, n_clicks=0, className="button")]),
            html.Div(id=ids.INIT_STATUS, role="status", **{"aria-live": "polite"}),
        ]) if editor else html.P("以编辑身份登录后，可以合并、改名或排除举措名称。", className="hint")
        return html.Div([nav.bar("initiatives"), html.Div(className="app review-page", children=[
            html.Header(className="app-header", children=[
                html.H1("举措名录"),
                html.P("程序从报道中识别出的全部举措（工作品牌）名称及其事实条数。", className="header-stats")]),
            html.P(problem, className="review-message error") if problem else None,
            form,
            html.Section(className="card table-section", children=[
                dash_table.DataTable(
                    id=ids.INIT_TABLE, columns=[{"name": n, "id": c} for c, n in COLUMNS], data=rows,
                    page_action="native", page_size=30, sort_action="native", filter_action="native",
                    filter_options={"case": "insensitive", "placeholder_text": "筛选…"},
                    style_as_list_view=True, cell_selectable=True,
                    style_header={"fontWeight": "600", "backgroundColor": "#f7f2f1"},
                    style_cell={"fontFamily": "inherit", "fontSize": "13px", "textAlign": "left",
                                "padding": "6px 8px", "whiteSpace": "normal", "height": "auto"},
                    style_data_conditional=[{"if": {"filter_query": '{rule} != ""'}, "color": "#888"}],
                    css=[{"selector": ".dash-spreadsheet tr", "rule": "cursor: pointer;"}]),
            ]),
        ])])

    app.layout = page

    @app.callback(Output(ids.INIT_NAME, "value"), Input(ids.INIT_TABLE, "active_cell"), prevent_initial_call=True)
    def pick(cell):
        if isinstance(cell, dict) and isinstance(cell.get("row_id"), str):
            return cell["row_id"]
        return no_update

    auth.WRITE_OUTPUTS.add(f"{ids.INIT_STATUS}.children")

    @app.callback(
        Output(ids.INIT_STATUS, "children"), Output(ids.INIT_TABLE, "data"), Output(ids.INIT_TABLE, "active_cell"),
        Input(ids.INIT_APPLY, "n_clicks"),
        State(ids.INIT_NAME, "value"), State(ids.INIT_ACTION, "value"), State(ids.INIT_TARGET, "value"),
        State(ids.INIT_REASON, "value"),
        prevent_initial_call=True,
    )
    def apply(_n, name, action, target, reason):
        if ctx.triggered_id != ids.INIT_APPLY:
            return no_update, no_update, no_update
        try:
            user = auth.require("initiatives.rule")
        except auth.WriteRefused as exc:
            return html.P(str(exc), className="review-message error"), no_update, no_update
        if not isinstance(name, str) or action not in ("merge", "reject", "remove"):
            return html.P("请先选择一个举措名称和处理方式。", className="review-message error"), no_update, no_update
        result = RS.save_rule(backend.engine, name, action, target if isinstance(target, str) else "",
                              user=user.username, reason=(reason or "")[:300] if isinstance(reason, str) else "")
        kind = "ok" if result.ok else "error"
        source.refresh_now()
        return html.P(result.message, className=f"review-message {kind}"), table_rows(backend), None

    return app
