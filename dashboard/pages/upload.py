"""/upload: editors drop report files; the ETL runs in a background process; progress, then per-file results."""
from __future__ import annotations

import base64
import binascii

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from .. import auth, nav, uploads
from ..backend import Backend
from ..data import FactSource
from . import ids, subapp

STATUS_LABELS = {"queued": "等待中", "duplicate": "未重复添加", "refused": "未接受", "loaded": "已载入",
                 "unchanged": "未重复添加", "failed": "失败"}


def results_table(files: list[dict]) -> html.Table | None:
    if not files:
        return None
    rows = [html.Tr(className=f"upload-{f['status']}", children=[
        html.Td(f["file"]), html.Td(STATUS_LABELS.get(f["status"], f["status"])),
        html.Td(str(f.get("facts") or "") if f["status"] == "loaded" else ""), html.Td(f.get("message") or "")])
        for f in files]
    return html.Table(className="review-table", children=[
        html.Thead(html.Tr([html.Th(h) for h in ("文件", "结果", "新增事实", "说明")])), html.Tbody(rows)])


def progress(job: dict) -> list:
    total = max(int(job["total"]), 1)
    done = int(job["done"])
    finished = job["status"] in ("done", "failed")
    return [html.Progress(value=str(total if finished else done), max=str(total), className="upload-bar"),
            html.Span(f" {done}/{int(job['total'])} 个文件", className="hint")]


def create(main: Dash, source: FactSource, backend: Backend, *, upload_dir: str | None = None) -> Dash:
    """Build the /upload page on main's server."""
    app = subapp(main, "upload", "/upload/", "上传报道 · 内蒙古基层党建数据看板")
    directory = uploads.upload_dir(upload_dir)
    accepted = uploads.accepted_suffixes()

    def page() -> html.Div:
        editor = auth.can("editor")
        body = [
            # No `accept` filter: a .docx dropped here must reach the server, which says what to do with it.
            dcc.Upload(id=ids.UPLOAD, multiple=True, max_size=uploads.MAX_BYTES,
                       className="upload-drop", children=html.Div([
                           html.Strong("把报道文件拖到这里，或点击选择文件"),
                           html.Br(),
                           f"可以一次上传多个文件，支持 {'、'.join(accepted)}，单个文件不超过 "
                           f"{uploads.MAX_BYTES // 1024 // 1024} MB。相同内容的文件不会重复载入。"])),
            html.Div(id=ids.UPLOAD_STATUS, role="status", **{"aria-live": "polite"}),
            html.Div(id=ids.UPLOAD_PROGRESS),
            html.Div(id=ids.UPLOAD_RESULTS),
            dcc.Store(id=ids.UPLOAD_JOB),
            dcc.Interval(id=ids.UPLOAD_POLL, interval=1000, disabled=True),
        ] if editor else [html.P("上传报道需要编辑账号：请以编辑身份登录。", className="review-message error")]
        return html.Div([nav.bar("upload"), html.Div(className="app review-page", children=[
            html.Header(className="app-header", children=[
                html.H1("上传报道"),
                html.P("上传后程序在后台读取和抽取，完成后数字会出现在图表和审核页中。", className="header-stats")]),
            html.Section(className="card review-section", children=body),
        ])])

    app.layout = page
    auth.WRITE_OUTPUTS.add(f"{ids.UPLOAD_STATUS}.children")

    @app.callback(
        Output(ids.UPLOAD_STATUS, "children"), Output(ids.UPLOAD_RESULTS, "children"),
        Output(ids.UPLOAD_JOB, "data"), Output(ids.UPLOAD_POLL, "disabled"),
        Input(ids.UPLOAD, "contents"), State(ids.UPLOAD, "filename"),
        prevent_initial_call=True,
    )
    def receive(contents, filenames):
        try:
            user = auth.require("upload")
        except auth.WriteRefused as exc:
            return html.P(str(exc), className="review-message error"), None, no_update, True
        if not isinstance(contents, list) or not isinstance(filenames, list) or len(contents) != len(filenames):
            return html.P("没有收到文件，请重新选择。", className="review-message error"), None, no_update, True
        files = []
        for data, name in zip(contents, filenames):
            try:
                raw = base64.b64decode(str(data).split(",", 1)[1], validate=True)
            except (IndexError, binascii.Error, ValueError):
                raw = b""
            files.append((str(name), raw))
        job_id, results = uploads.stage(backend.engine, directory, files, user=user.username)
        if job_id is None:
            return (html.P("没有需要载入的新文件。", className="review-message info"), results_table(results), None,
                    True)
        uploads.start(job_id, backend.database_url, directory)
        return (html.P(f"已收到 {sum(1 for r in results if r['status'] == 'queued')} 个文件，正在后台载入…",
                       className="review-message info"), results_table(results), job_id, False)

    @app.callback(
        Output(ids.UPLOAD_PROGRESS, "children"), Output(ids.UPLOAD_RESULTS, "children", allow_duplicate=True),
        Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
        Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
        Input(ids.UPLOAD_POLL, "n_intervals"), State(ids.UPLOAD_JOB, "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job_id):
        if ctx.triggered_id != ids.UPLOAD_POLL or not isinstance(job_id, str) or not auth.can("editor"):
            return no_update, no_update, True, no_update
        info = uploads.job(backend.engine, job_id[:64])
        if info is None:
            return None, no_update, True, html.P("找不到这个上传任务。", className="review-message error")
        finished = info["status"] in ("done", "failed")
        if finished:
            source.refresh_now()
        kind = "error" if info["status"] == "failed" else ("ok" if finished else "info")
        return (progress(info), results_table(info["files"]), finished,
                html.P(info["message"], className=f"review-message {kind}"))

    return app
