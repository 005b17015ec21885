"""/review: unreviewed facts (lowest confidence first) and, with ?fact=ID, one fact to check and correct.

Callbacks are thin: they read the per-process fact snapshot or the backend, call the pure
helpers in ``dashboard.review_queries`` and the store functions in ``etl.review_store``. Every
write starts with ``auth.require`` (editor), which refuses and records anything else.
"""
from __future__ import annotations

import functools
from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, ctx, dash_table, dcc, html, no_update
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from etl import review_store as RS
from etl.errors import EtlError
from etl.review import WATCHED_FIELDS
from etl.store import initiatives as initiative_table
from etl.store import regions as region_table

from .. import auth, nav, queries
from ..backend import Backend
from ..data import FactSource
from ..labels import INDICATOR_LABELS, format_value, unit_text
from ..review_queries import (
    ACTION_LABELS,
    FIELD_LABELS,
    QUALIFIER_LABELS,
    QUEUE_COLUMNS,
    STATUS_LABELS,
    RegionIndex,
    display,
    form_fields,
    queue,
    read_selection,
    value_text,
)
from . import ids, subapp

SHOWN_FIELDS = ("value", "qualifier", "unit", "league", "banner", "township", "village", "initiative", "indicator",
                "review_status")
SCOPE_OPTIONS = [{"label": "只改这一条", "value": "fact"}, {"label": "本段所有事实", "value": "paragraph"},
                 {"label": "本文所有事实", "value": "article"}]

SELECTION_JS = """function (n) {
    var box = document.getElementById('review-text');
    var sel = window.getSelection();
    if (!n) { return window.dash_clientside.no_update; }
    if (!box || !sel || sel.rangeCount === 0 || sel.isCollapsed) { return {error: 'none', t: Date.now()}; }
    var r = sel.getRangeAt(0);
    if (!box.contains(r.startContainer) || !box.contains(r.endContainer)) { return {error: 'outside', t: Date.now()}; }
    var pre = document.createRange();
    pre.selectNodeContents(box);
    pre.setEnd(r.startContainer, r.startOffset);
    var start = pre.toString().length;
    var text = r.toString();
    return {start: start, end: start + text.length, text: text, t: Date.now()};
}"""


@functools.lru_cache(maxsize=8)
def _regions(url: str, engine_id: int, engine) -> RegionIndex:  # noqa: ANN001, ARG001
    with engine.connect() as conn:
        rows = conn.execute(select(region_table.c.code, region_table.c.name, region_table.c.level,
                                   region_table.c.league_code).where(region_table.c.level.in_(("league", "banner"))))
        return RegionIndex.from_rows(dict(r._mapping) for r in rows)


def region_index(backend: Backend) -> RegionIndex:
    engine = backend.engine
    return _regions(backend.database_url, id(engine), engine)


def programme_names(backend: Backend, source: FactSource) -> list[str]:
    """Programme names for suggestions: those the facts use, then the curated lexicon."""
    names = [v for v, _n in queries.value_counts(source.get().facts, "initiative")]
    try:
        with backend.engine.connect() as conn:
            names += [r[0] for r in conn.execute(select(initiative_table.c.name).order_by(initiative_table.c.name))]
    except SQLAlchemyError:
        pass
    return list(dict.fromkeys(n for n in names if n))[:1000]


def _message(text: str, kind: str = "info") -> html.P:
    return html.P(text, className=f"review-message {kind}", role="status")


# ------------------------------------------------------------------ views

def queue_view(source: FactSource, backend: Backend) -> list:
    df = source.get().facts
    todo = df[(df["review_status"].astype(str) == "extracted").to_numpy()] if len(df) else df

    def dropdown(id_: str, label: str, placeholder: str, options: list[dict]) -> html.Div:
        return html.Div(className="filter", children=[
            html.Label(label, htmlFor=id_),
            dcc.Dropdown(id=id_, options=options, placeholder=placeholder, clearable=True, searchable=True)])

    filters = html.Section(className="filters", **{"aria-label": "筛选"}, children=[
        dropdown(ids.REVIEW_LEAGUE, "盟市", "全部盟市", queries.league_options(todo)),
        dropdown(ids.REVIEW_BANNER, "旗县区", "全部旗县区", []),
        dropdown(ids.REVIEW_INITIATIVE_FILTER, "举措", "全部举措", queries.initiative_options(todo)),
        dropdown(ids.REVIEW_INDICATOR_FILTER, "指标", "全部指标", queries.indicator_options(todo)),
        html.Div(className="filter filter-search", children=[
            html.Label("搜索对象或原文", htmlFor=ids.REVIEW_SEARCH),
            dcc.Input(id=ids.REVIEW_SEARCH, type="search", debounce=True, maxLength=100, className="search-input",
                      placeholder="例如：志愿者")]),
    ])
    table = html.Section(className="card table-section", children=[
        html.Div(className="table-head", children=[html.H2("待审核的事实"),
                                                   html.Span(id=ids.REVIEW_QUEUE_COUNT, className="table-count")]),
        html.P("按置信度从低到高排列。点击一行打开这条事实进行核对。", className="hint"),
        dash_table.DataTable(
            id=ids.REVIEW_QUEUE, columns=[{"name": n, "id": c} for c, n in QUEUE_COLUMNS], data=[],
            page_action="native", page_size=20, cell_selectable=True, style_as_list_view=True,
            style_table={"overflowX": "auto", "minWidth": "100%"},
            style_header={"fontWeight": "600", "backgroundColor": "#f7f2f1", "whiteSpace": "normal"},
            style_cell={"fontFamily": "inherit", "fontSize": "13px", "textAlign": "left", "padding": "6px 8px",
                        "whiteSpace": "normal", "height": "auto", "maxWidth": "360px"},
            css=[{"selector": ".dash-spreadsheet tr", "rule": "cursor: pointer;"}]),
    ])
    return [filters, table, orphan_section(backend), audit_section(backend)]


def orphan_section(backend: Backend) -> html.Section:
    try:
        rows = RS.orphans(backend.engine)
    except (EtlError, SQLAlchemyError):
        rows = []
    body: list = [html.H2("找不到原文位置的更正")]
    if not rows:
        body.append(html.P("没有。所有更正都已应用到对应的事实上。", className="hint"))
    else:
        body.append(html.P("原文件改动后，这些更正对应的数字找不到了，因此没有应用到任何事实上（不会套用到别的数字）。"
                           "请打开原文核对，必要时重新更正。", className="hint"))
        items = []
        for r in rows:
            fields = RS.R.loads(r["fields"])
            what = "；".join(f"{FIELD_LABELS.get(k, k)}→{display(k, v)}" for k, v in sorted(fields.items())
                            if k in FIELD_LABELS and not k.endswith("_code"))
            what = what or ("标为不是事实" if r["rejected"] else "确认无误")
            items.append(html.Tr([html.Td(r["source_file"]), html.Td(r["number"]), html.Td(r["quote"][:80]),
                                  html.Td(what), html.Td(f"{r['updated_by']} · {r['updated_at'][:16].replace('T', ' ')}"),
                                  html.Td(r["note"])]))
        body.append(html.Table(className="review-table", children=[
            html.Thead(html.Tr([html.Th(h) for h in ("文件", "数字", "原句", "更正内容", "更正人", "原因")])),
            html.Tbody(items)]))
    return html.Section(id=ids.REVIEW_ORPHANS, className="card review-section", children=body)


def audit_table(rows: list[dict], with_fact: bool = True) -> html.Table | html.P:
    if not rows:
        return html.P("还没有修改记录。", className="hint")
    head = ["时间", "编辑", "操作"] + (["事实"] if with_fact else []) + ["字段", "原值", "新值", "理由"]
    body = []
    for r in rows:
        fact = html.A(r["fact_id"], href=f"/review/?fact={r['fact_id']}") if r["fact_id"] else "—"
        cells = [r["at"][:19].replace("T", " "), r["username"], ACTION_LABELS.get(r["action"], r["action"])]
        cells += [fact] if with_fact else []
        cells += [FIELD_LABELS.get(r["field"], r["field"]), display(r["field"], r["old"]), display(r["field"], r["new"]),
                  r["reason"]]
        body.append(html.Tr([html.Td(c) for c in cells]))
    return html.Table(className="review-table", children=[html.Thead(html.Tr([html.Th(h) for h in head])),
                                                         html.Tbody(body)])


def audit_section(backend: Backend) -> html.Section:
    try:
        rows = RS.audit_rows(backend.engine, None, 50)
    except (EtlError, SQLAlchemyError):
        rows = []
    return html.Section(id=ids.REVIEW_AUDIT, className="card review-section", children=[
        html.H2("最近的修改"), html.P("谁在什么时候改了什么（全部记录随 audit.csv 导出）。", className="hint"),
        audit_table(rows)])


def highlight(text: str, start: int, end: int) -> list:
    if not (0 <= start < end <= len(text)):
        return [text]
    return [text[:start], html.Mark(text[start:end], id="review-mark"), text[end:]]


def fields_table(fact: dict, originals: dict) -> html.Table:
    rows = []
    for name in SHOWN_FIELDS:
        now = display(name, fact.get(name))
        if name == "value":
            now = format_value(fact["value"], str(fact["qualifier"]), fact["value_low"], fact["value_high"])
        was = originals.get(name)
        changed = name in originals and display(name, was) != display(name, fact.get(name))
        rows.append(html.Tr(className="changed" if changed else "", children=[
            html.Th(FIELD_LABELS.get(name, name)), html.Td(now),
            html.Td(f"原为 {display(name, was)}" if changed else "", className="was")]))
    return html.Table(className="review-fields", children=[html.Tbody(rows)])


def expected_of(fact: dict) -> dict:
    return {"fact_id": fact["fact_id"], "article_id": fact["article_id"],
            "values": {k: fact.get(k) for k in WATCHED_FIELDS}}


def form_values(fact: dict) -> tuple:
    return (value_text(fact), fact.get("unit") or "", fact.get("qualifier") or "exact", fact.get("league") or None,
            fact.get("banner") or None, fact.get("township") or "", fact.get("initiative") or "",
            fact.get("indicator") or None)


def fact_view(fact_id: str, source: FactSource, backend: Backend) -> list:
    try:
        fact, article, originals = RS.fact_details(backend.engine, fact_id)
    except (EtlError, SQLAlchemyError) as exc:
        return [_message(f"无法读取数据库：{exc}", "error")]
    if fact is None:
        return [_message("找不到这条事实：它可能已被重新提取。请回到审核列表重新选择。", "error"),
                html.A("← 返回审核列表", href="/review/", className="button secondary")]
    editor = auth.can("editor")
    text = str((article or {}).get("text") or fact["quote"])
    start, end = (int(fact["span_start"]), int(fact["span_end"])) if article else (-1, -1)
    regions = region_index(backend)
    value, unit, qualifier, league, banner, township, initiative, indicator = form_values(fact)
    status = STATUS_LABELS.get(str(fact["review_status"]), str(fact["review_status"]))
    head = html.Div(className="review-head", children=[
        html.A("← 返回审核列表", href="/review/", className="button secondary"),
        html.H2(f"{format_value(fact['value'], str(fact['qualifier']), fact['value_low'], fact['value_high'])}"
                f"{unit_text(str(fact['unit']), str(fact['per']))} · {fact['subject'] or '（无对象）'}"),
        html.P(f"{fact['article_title'] or '（无标题）'} · {fact['published'] or '日期不详'} · {fact['source_file']}"
               f" · 置信度 {float(fact['confidence']):.2f} · 状态：{status}", className="article-source"),
    ])
    source_box = html.Section(className="card review-section", children=[
        html.H3("原文（数字已高亮）"),
        html.Div(highlight(text, start, end), id=ids.REVIEW_TEXT, className="article-text review-text"),
        html.P("漏掉了数字？在上面的原文中用鼠标选中它（连同单位），再点“添加选中的数字”。" if editor else "",
               className="hint"),
    ])
    disabled = not editor

    def field(label: str, control) -> html.Div:  # noqa: ANN001
        return html.Div(className="filter", children=[html.Label(label, htmlFor=control.id), control])

    form = html.Section(className="card review-section review-form", children=[
        html.H3("更正" if editor else "抽取结果（以编辑身份登录后可以更正）"),
        html.Div(id=ids.REVIEW_FIELDS, children=fields_table(fact, originals)),
        html.Div(className="review-grid", children=[
            field("数值", dcc.Input(id=ids.REVIEW_VALUE, value=value, type="text", disabled=disabled, maxLength=40,
                                    className="search-input")),
            field("数值说明", dcc.Dropdown(id=ids.REVIEW_QUALIFIER, value=qualifier, clearable=False, disabled=disabled,
                                       options=[{"label": v, "value": k} for k, v in QUALIFIER_LABELS.items()])),
            field("单位", dcc.Input(id=ids.REVIEW_UNIT, value=unit, type="text", disabled=disabled, maxLength=20,
                                    className="search-input")),
            field("指标", dcc.Dropdown(id=ids.REVIEW_INDICATOR, value=indicator, disabled=disabled, clearable=False,
                                     options=[{"label": v, "value": k} for k, v in INDICATOR_LABELS.items()])),
            field("盟市", dcc.Dropdown(id=ids.REVIEW_REGION_LEAGUE, value=league, disabled=disabled,
                                     options=regions.league_options(), placeholder="（全区）")),
            field("旗县区", dcc.Dropdown(id=ids.REVIEW_REGION_BANNER, value=banner, disabled=disabled,
                                      options=regions.banner_options(league), placeholder="（盟市本级）")),
            field("苏木乡镇", dcc.Input(id=ids.REVIEW_TOWNSHIP, value=township, type="text", disabled=disabled,
                                      maxLength=40, className="search-input")),
            field("举措", dcc.Input(id=ids.REVIEW_INITIATIVE, value=initiative, type="text", disabled=disabled,
                                    list=ids.REVIEW_INITIATIVE_LIST, maxLength=60, className="search-input",
                                    placeholder="输入或从建议中选择")),
        ]),
        html.Datalist(id=ids.REVIEW_INITIATIVE_LIST,
                      children=[html.Option(value=n) for n in programme_names(backend, source)]),
        *([] if not editor else [
            html.Div(className="filter", children=[
                html.Label("举措和地区的更正应用于", htmlFor=ids.REVIEW_SCOPE),
                dcc.RadioItems(id=ids.REVIEW_SCOPE, options=SCOPE_OPTIONS, value="fact", inline=True,
                               className="review-scope")]),
            html.Div(className="filter", children=[
                html.Label("理由（会记入修改记录）", htmlFor=ids.REVIEW_REASON),
                dcc.Textarea(id=ids.REVIEW_REASON, value="", maxLength=500, className="review-reason",
                             placeholder="例如：原文说的是党员中心户，不是党员中心户模式")]),
            html.Div(className="review-buttons", children=[
                html.Button("保存更正", id=ids.REVIEW_SAVE, n_clicks=0, className="button"),
                html.Button("确认无误", id=ids.REVIEW_CONFIRM, n_clicks=0, className="button secondary"),
                html.Button("不是事实", id=ids.REVIEW_REJECT, n_clicks=0, className="button secondary"),
                html.Button("撤销“不是事实”", id=ids.REVIEW_RESTORE, n_clicks=0, className="button secondary"),
                html.Button("添加选中的数字", id=ids.REVIEW_ADD, n_clicks=0, className="button secondary"),
            ]),
            dcc.Store(id=ids.REVIEW_SELECTION),
        ]),
        html.Div(id=ids.REVIEW_STATUS, role="status", **{"aria-live": "polite"}),
        dcc.Store(id=ids.REVIEW_EXPECTED, data=expected_of(fact)),
    ])
    try:
        history = RS.audit_rows(backend.engine, fact_id, 100)
    except (EtlError, SQLAlchemyError):
        history = []
    history_box = html.Section(className="card review-section", children=[
        html.H3("这条事实的修改记录"), html.Div(id=ids.REVIEW_HISTORY, children=audit_table(history, False))])
    return [head, source_box, form, history_box]


# ------------------------------------------------------------------ the app

def create(main: Dash, source: FactSource, backend: Backend) -> Dash:
    """Build the /review page on main's server."""
    app = subapp(main, "review", "/review/", "审核与更正 · 内蒙古基层党建数据看板")

    def page() -> html.Div:
        return html.Div([nav.bar("review"), html.Div(className="app review-page", children=[
            dcc.Location(id=ids.REVIEW_URL, refresh=False),
            dcc.Store(id=ids.REVIEW_SCROLLED),
            html.Header(className="app-header", children=[
                html.H1("审核与更正"),
                html.P("核对程序抽取的数字：改正数值、地区和举措，确认无误，或标记“不是事实”。更正会保存下来，"
                       "以后每次重新抽取都会自动套用。", className="header-stats")]),
            html.Div(id=ids.REVIEW_MAIN),
        ])])

    app.layout = page

    @app.callback(Output(ids.REVIEW_MAIN, "children"), Input(ids.REVIEW_URL, "search"))
    def render(search):
        fact = parse_qs((search or "").lstrip("?")).get("fact", [""])[0][:64]
        if fact:
            return fact_view(fact, source, backend)
        return queue_view(source, backend)

    @app.callback(
        Output(ids.REVIEW_QUEUE, "data"), Output(ids.REVIEW_QUEUE_COUNT, "children"),
        Output(ids.REVIEW_BANNER, "options"),
        Input(ids.REVIEW_LEAGUE, "value"), Input(ids.REVIEW_BANNER, "value"),
        Input(ids.REVIEW_INITIATIVE_FILTER, "value"), Input(ids.REVIEW_INDICATOR_FILTER, "value"),
        Input(ids.REVIEW_SEARCH, "value"),
    )
    def update_queue(league, banner, initiative, indicator, q):
        df = source.get().facts
        f = queries.normalise(df, queries.Filters.from_dict(
            dict(league=league, banner=banner, initiative=initiative, indicator=indicator, q=q)))
        try:
            reviewed = RS.reviewed_fact_ids(backend.engine)
        except (EtlError, SQLAlchemyError):
            reviewed = set()
        rows, n = queue(df, f, reviewed)
        count = f"共 {n} 条待审核" + (f"（显示置信度最低的 {len(rows)} 条）" if n > len(rows) else "") if n else \
            "没有待审核的事实"
        return rows, count, queries.banner_options(df, f.league)

    @app.callback(Output(ids.REVIEW_URL, "search", allow_duplicate=True), Input(ids.REVIEW_QUEUE, "active_cell"),
                  prevent_initial_call=True)
    def open_fact(cell):
        if not isinstance(cell, dict) or not isinstance(cell.get("row_id"), str):
            return no_update
        return f"?fact={cell['row_id']}"

    @app.callback(Output(ids.REVIEW_REGION_BANNER, "options"), Input(ids.REVIEW_REGION_LEAGUE, "value"),
                  prevent_initial_call=True)
    def banners_of(league):
        return region_index(backend).banner_options(league if isinstance(league, str) else None)

    # Bring the highlighted number into view inside the article box (browser only).
    app.clientside_callback(
        """function (children) {
            setTimeout(function () {
                var m = document.getElementById('review-mark');
                var box = document.getElementById('review-text');
                if (m && box) { box.scrollTop = Math.max(0, m.offsetTop - box.offsetTop - box.clientHeight / 3); }
            }, 200);
            return Date.now();
        }""",
        Output(ids.REVIEW_SCROLLED, "data"), Input(ids.REVIEW_MAIN, "children"), prevent_initial_call=True)

    app.clientside_callback(SELECTION_JS, Output(ids.REVIEW_SELECTION, "data"), Input(ids.REVIEW_ADD, "n_clicks"),
                            prevent_initial_call=True)

    form_outputs = [Output(ids.REVIEW_VALUE, "value"), Output(ids.REVIEW_UNIT, "value"),
                    Output(ids.REVIEW_QUALIFIER, "value"), Output(ids.REVIEW_REGION_LEAGUE, "value"),
                    Output(ids.REVIEW_REGION_BANNER, "value"), Output(ids.REVIEW_TOWNSHIP, "value"),
                    Output(ids.REVIEW_INITIATIVE, "value"), Output(ids.REVIEW_INDICATOR, "value")]
    status_output = Output(ids.REVIEW_STATUS, "children")
    auth.WRITE_OUTPUTS.add(f"{ids.REVIEW_STATUS}.children")

    @app.callback(
        status_output, Output(ids.REVIEW_EXPECTED, "data"), Output(ids.REVIEW_FIELDS, "children"),
        Output(ids.REVIEW_HISTORY, "children"), *form_outputs,
        Output(ids.REVIEW_URL, "search", allow_duplicate=True),
        Input(ids.REVIEW_SAVE, "n_clicks"), Input(ids.REVIEW_CONFIRM, "n_clicks"), Input(ids.REVIEW_REJECT, "n_clicks"),
        Input(ids.REVIEW_RESTORE, "n_clicks"), Input(ids.REVIEW_SELECTION, "data"),
        State(ids.REVIEW_VALUE, "value"), State(ids.REVIEW_UNIT, "value"), State(ids.REVIEW_QUALIFIER, "value"),
        State(ids.REVIEW_REGION_LEAGUE, "value"), State(ids.REVIEW_REGION_BANNER, "value"),
        State(ids.REVIEW_TOWNSHIP, "value"), State(ids.REVIEW_INITIATIVE, "value"),
        State(ids.REVIEW_INDICATOR, "value"), State(ids.REVIEW_SCOPE, "value"), State(ids.REVIEW_REASON, "value"),
        State(ids.REVIEW_EXPECTED, "data"),
        prevent_initial_call=True,
    )
    def act(_save, _confirm, _reject, _restore, selection, value, unit, qualifier, league, banner, township,
            initiative, indicator, scope, reason, expected):
        keep = (no_update,) * 13
        # Dash calls this once when the form appears (every input "changed"): that is not a click.
        if len(ctx.triggered_prop_ids) != 1:
            return keep
        trigger = ctx.triggered_id
        action = {ids.REVIEW_SAVE: "edit", ids.REVIEW_CONFIRM: "confirm", ids.REVIEW_REJECT: "reject",
                  ids.REVIEW_RESTORE: "restore", ids.REVIEW_SELECTION: "add"}.get(trigger)
        clicked = selection if action == "add" else ctx.triggered[0].get("value")
        if action is None or not clicked or not isinstance(expected, dict):
            return keep
        try:
            user = auth.require(f"review.{action}")
        except auth.WriteRefused as exc:
            return (_message(str(exc), "error"),) + keep[1:]
        fact_id = str(expected.get("fact_id") or "")
        reason = (reason or "").strip()[:500] if isinstance(reason, str) else ""
        engine = backend.engine
        if action == "add":
            return _add(engine, user, expected, selection, reason, keep)
        form = dict(value=value, unit=unit, qualifier=qualifier, league=league, banner=banner, township=township,
                    initiative=initiative, indicator=indicator)
        seen = expected.get("values") if isinstance(expected.get("values"), dict) else {}
        fields: dict = {}
        if action == "edit":
            fields, problems = form_fields(seen, {k: (v if isinstance(v, str) else None) for k, v in form.items()},
                                           region_index(backend))
            if problems:
                return (_message(" ".join(problems), "error"),) + keep[1:]
        result = RS.save_review(engine, fact_id, action, fields, user=user.username, reason=reason,
                                expected={k: seen.get(k) for k in WATCHED_FIELDS if k in seen},
                                scope=scope if scope in ("paragraph", "article") else "fact")
        source.refresh_now()  # this worker's charts show the correction at the next request
        return _answer(engine, result, fact_id)

    def _answer(engine, result: RS.ReviewResult, fact_id: str) -> tuple:  # noqa: ANN001
        if result.fact is None:
            return (_message(result.message, "error"),) + (no_update,) * 12
        fact = result.fact
        _f, _a, originals = RS.fact_details(engine, fact_id)
        kind = "ok" if result.ok else "error"
        msg = result.message
        if result.conflict:
            who = RS.audit_rows(engine, fact_id, 1)
            if who:
                msg += f"（最近一次修改：{who[0]['username']}，{who[0]['at'][:19].replace('T', ' ')}）"
        elif result.changes:
            msg += " " + "；".join(f"{FIELD_LABELS.get(k, k)}：{display(k, o)} → {display(k, n)}"
                                   for k, o, n in result.changes if not k.endswith("_code") and k != "region_level")
        history = audit_table(RS.audit_rows(engine, fact_id, 100), False)
        return (_message(msg, kind), expected_of(fact), fields_table(fact, originals), history,
                *form_values(fact), no_update)

    def _add(engine, user, expected: dict, selection, reason: str, keep: tuple) -> tuple:  # noqa: ANN001
        if not isinstance(selection, dict) or selection.get("error") or not isinstance(selection.get("start"), int):
            return (_message("请先在原文中用鼠标选中要添加的数字（连同单位），再点“添加选中的数字”。", "error"),) + keep[1:]
        picked = read_selection(str(selection.get("text") or ""))
        if picked is None:
            return (_message(f"选中的“{str(selection.get('text'))[:20]}”不是数字，请只选中数字和单位。", "error"),) + keep[1:]
        seen = expected.get("values") or {}
        fields = {**picked, **{k: seen.get(k) for k in ("league", "league_code", "banner", "banner_code", "township",
                                                        "village", "region_level", "initiative", "indicator")}}
        result = RS.add_fact(engine, str(expected.get("article_id") or ""), int(selection["start"]),
                             int(selection["end"]), fields, user=user.username, reason=reason)
        source.refresh_now()
        if not result.ok:
            link = f"?fact={result.fact_id}" if result.fact_id else no_update
            return (_message(result.message, "error"),) + keep[1:-1] + (link,)
        return (_message(result.message, "ok"),) + keep[1:-1] + (f"?fact={result.fact_id}",)

    return app
