"""Review, programme list and upload in real headless Chromium (Debian's /usr/bin/chromium) via Playwright.

The database is built by the real ETL; the dashboard runs as ``python -m dashboard`` (127.0.0.1:
reading without signing in, writing needs an editor). Screenshots go to tests/artifacts/.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from dashboard import users as U
from etl import review_store as RS
from etl.store import facts, open_store

from conftest import ROOT, SEED, run_cli

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
EDITOR, VIEWER = ("alice", "editor-secret-1"), ("victor", "viewer-secret-1")
REPORT = """某旗服务站建设情况

全旗共建成服务站60个，覆盖牧户1200户，惠及群众约3万人，历时两年。

今年该旗投入资金300万元，新修道路12.5公里。
"""
UPLOAD = "乌海市海勃湾区志愿服务情况\n\n2024年3月5日，乌海市海勃湾区组织党员志愿者777名深入社区开展志愿服务，服务群众3100余人次。\n"

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, database URL, input dir, upload dir) of a dashboard over a freshly extracted database."""
    tmp = tmp_path_factory.mktemp("review_browser")
    corpus = tmp / "in"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "report.txt").write_text(REPORT, encoding="utf-8")
    url = f"sqlite:///{tmp / 'review.db'}"
    run = run_cli("run", str(corpus), "--database", url, "--no-export")
    assert run.returncode == 0, run.stderr
    with open_store(url, write=False) as store:
        U.add_user(store.engine, EDITOR[0], "editor", EDITOR[1])
        U.add_user(store.engine, VIEWER[0], "viewer", VIEWER[1])
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "review_server.log", "w")
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(tmp / "frame-cache"), "DASHBOARD_UPLOAD_DIR": str(tmp / "uploads"),
           "DASHBOARD_SECRET_FILE": str(tmp / "secret"), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--database", url, "--port", str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 40
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        pytest.fail("dashboard did not start; see tests/artifacts/review_server.log")
    yield base, url, corpus, tmp / "uploads"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, who=None, base=""):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.dialogs = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    if who:
        page.goto(base + "/login")
        page.fill("#login-username", who[0])
        page.fill("#login-password", who[1])
        page.click("#login-submit")
        page.wait_for_url(base + "/")
    return page


@pytest.fixture
def editor(browser, site):
    page = _page(browser, EDITOR, site[0])
    yield page
    page.context.close()


@pytest.fixture
def viewer(browser, site):
    page = _page(browser, VIEWER, site[0])
    yield page
    page.context.close()


def _fact(url, **where) -> dict:
    q = select(facts)
    for k, v in where.items():
        q = q.where(facts.c[k] == v)
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        return dict(conn.execute(q).one()._mapping)


def open_fact(page, base, fact_id):
    page.goto(f"{base}/review/?fact={fact_id}")
    page.wait_for_selector("#review-text mark", timeout=20000)
    page.wait_for_load_state("networkidle")


def status_text(page) -> str:
    page.wait_for_selector("#review-status p", timeout=20000)
    return page.inner_text("#review-status")


def test_login_page_in_chinese_and_wrong_password(browser, site):
    page = _page(browser)
    page.goto(site[0] + "/login")
    page.fill("#login-username", "alice")
    page.fill("#login-password", "not-the-password")
    page.click("#login-submit")
    assert "用户名或密码不正确" in page.inner_text("#login-message")
    page.screenshot(path=str(ARTIFACTS / "login_failed.png"))
    page.context.close()


def test_editor_corrects_programme_and_a_force_run_keeps_it(editor, site, tmp_path):
    base, url, corpus, _uploads = site
    fact = _fact(url, value=2423.0)
    assert "审核" in editor.inner_text("#site-nav") and "alice" in editor.inner_text("#site-nav")
    open_fact(editor, base, fact["fact_id"])
    assert "2423" in editor.inner_text("#review-text mark")
    editor.fill("#review-initiative", "党员中心户")
    xss = '<img src=x onerror="window.__xss=1;alert(1)">原文写的是党员中心户'
    editor.fill("#review-reason", xss)
    editor.click("#review-save")
    assert "更正已保存" in status_text(editor) and "党员中心户" in status_text(editor)
    editor.wait_for_function("() => document.querySelector('#review-history')?.innerText?.includes('党员中心户')")
    # The reason is shown as text: the tag is visible and nothing ran.
    assert xss in editor.inner_text("#review-history")
    assert editor.locator("#review-history img").count() == 0
    assert editor.evaluate("() => window.__xss") is None and editor.dialogs == []
    editor.screenshot(path=str(ARTIFACTS / "review_corrected.png"), full_page=True)
    assert _fact(url, value=2423.0)["initiative"] == "党员中心户"

    # The main page's table marks the corrected row.
    editor.goto(base + "/?q=2423")
    editor.wait_for_function(
        "() => Array.from(document.querySelectorAll(\"#facts-table td[data-dash-column='review']\"))"
        ".some(td => td.innerText.includes('已更正'))", timeout=30000)
    assert "党员中心户" in editor.inner_text("#facts-table")
    editor.screenshot(path=str(ARTIFACTS / "main_corrected_row.png"), full_page=True)

    run = run_cli("run", str(corpus), "--database", url, "--force", "--no-export")
    assert run.returncode == 0, run.stderr
    out = run_cli("export", "--database", url, "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "facts.csv").read_text(encoding="utf-8-sig"))))
    row = next(r for r in rows if r["value"] == "2423")
    assert (row["initiative"], row["review_status"]) == ("党员中心户", "corrected")
    audit = list(csv.DictReader(io.StringIO((tmp_path / "audit.csv").read_text(encoding="utf-8-sig"))))
    assert any(a["username"] == "alice" and a["field"] == "initiative" and a["new"] == "党员中心户"
               and a["reason"] == xss for a in audit)
    assert not editor.errors, editor.errors


def test_confirm_and_reject(editor, site):
    base, url, _corpus, _uploads = site
    keep, drop = _fact(url, value=13.0), _fact(url, value=292.0)
    open_fact(editor, base, keep["fact_id"])
    editor.click("#review-confirm")
    assert "已确认无误" in status_text(editor)
    assert _fact(url, value=13.0)["review_status"] == "confirmed"
    with urllib.request.urlopen(base + "/healthz") as r:
        n_before = json.loads(r.read())["facts"]
    open_fact(editor, base, drop["fact_id"])
    editor.fill("#review-reason", "这是单价，不是统计数")
    editor.click("#review-reject")
    assert "不是事实" in status_text(editor)
    assert _fact(url, value=292.0)["review_status"] == "rejected"
    deadline = time.time() + 30  # the rejected fact leaves the charts: the dashboard counts one fact fewer
    while time.time() < deadline:
        with urllib.request.urlopen(base + "/healthz") as r:
            if json.loads(r.read())["facts"] == n_before - 1:
                break
        time.sleep(0.5)
    else:
        pytest.fail("the rejected fact is still counted by the dashboard")
    editor.goto(base + "/review/")
    editor.wait_for_selector("#review-queue td", timeout=20000)
    queue = editor.inner_text("#review-queue")
    assert "292" not in queue and "13" not in [c.strip() for c in editor.locator(
        "#review-queue td[data-dash-column='value_text']").all_inner_texts()]
    assert "这是单价，不是统计数" in editor.inner_text("#review-audit")
    editor.screenshot(path=str(ARTIFACTS / "review_queue.png"), full_page=True)


def test_bulk_apply_to_a_paragraph(editor, site):
    base, url, _corpus, _uploads = site
    fact = _fact(url, value=15.0)  # 15 and 40 share a paragraph
    open_fact(editor, base, fact["fact_id"])
    editor.fill("#review-initiative", "嘎查+社区联合体")
    editor.locator("#review-scope label", has_text="本段所有事实").click()
    editor.click("#review-save")
    assert "同一段中共 2 条事实已一并修改" in status_text(editor)
    assert _fact(url, value=40.0)["initiative"] == "嘎查+社区联合体"
    assert _fact(url, value=-30.0)["initiative"] != "嘎查+社区联合体"  # another paragraph of the article


def test_add_a_missed_number_by_selecting_it(editor, site):
    base, url, _corpus, _uploads = site
    fact = _fact(url, value=60.0)
    open_fact(editor, base, fact["fact_id"])
    editor.evaluate("""() => {
        const box = document.getElementById('review-text');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node; while ((node = walker.nextNode())) {
            const i = node.textContent.indexOf('两年');
            if (i >= 0) { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 2);
                          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return; }
        } }""")
    editor.click("#review-add")
    editor.wait_for_url("**/review/?fact=m*", timeout=20000)
    editor.wait_for_function("() => { const m = document.querySelector('#review-text mark');"
                             " return m && m.innerText === '两年'; }", timeout=20000)
    assert "2年" in editor.inner_text("#review-main h2")
    added = _fact(url, value=2.0, unit="年")
    assert added["fact_id"].startswith("m") and added["review_status"] == "corrected"


def test_viewer_sees_no_save_button_and_a_replayed_save_changes_nothing(viewer, site):
    base, url, _corpus, _uploads = site
    fact = _fact(url, value=110.0)
    open_fact(viewer, base, fact["fact_id"])
    assert viewer.locator("#review-save").count() == 0
    assert viewer.locator("#review-initiative").is_disabled()
    assert "以编辑身份登录后可以更正" in viewer.inner_text("#review-main")
    assert "上传报道" not in viewer.inner_text("#site-nav")
    viewer.screenshot(path=str(ARTIFACTS / "review_viewer.png"), full_page=True)
    # The editor's save request, replayed from the viewer's browser with the viewer's cookies and token.
    deps = viewer.request.get(base + "/review/_dash-dependencies").json()
    dep = next(d for d in deps if d["output"].startswith("..review-status.children"))
    values = {"review-save.n_clicks": 1, "review-value.value": "110", "review-unit.value": fact["unit"],
              "review-qualifier.value": fact["qualifier"], "review-initiative.value": "伪造",
              "review-indicator.value": fact["indicator"], "review-scope.value": "fact",
              "review-reason.value": "", "review-township.value": "",
              "review-expected.data": {"fact_id": fact["fact_id"], "article_id": fact["article_id"],
                                       "values": {k: fact[k] for k in RS.R.WATCHED_FIELDS}}}
    parts = dep["output"].strip(".").split("...")
    body = {"output": dep["output"],
            "outputs": [dict(zip(("id", "property"), p.split("@")[0].rsplit(".", 1))) for p in parts],
            "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
            "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in dep["state"]],
            "changedPropIds": ["review-save.n_clicks"]}
    token = next(c["value"] for c in viewer.context.cookies() if c["name"] == "_csrf_token")
    r = viewer.request.post(base + "/review/_dash-update-component", data=json.dumps(body),
                            headers={"Content-Type": "application/json", "X-CSRFToken": token})
    assert r.status == 200 and "没有修改权限" in r.text()
    assert _fact(url, value=110.0) == fact
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        refused = conn.execute(select(RS.auth_events.c.username).where(
            RS.auth_events.c.event == "refused_write")).scalars().all()
    assert "victor" in refused
    viewer.goto(base + "/upload/")
    viewer.wait_for_selector(".review-message.error")
    assert viewer.locator("#upload-reports").count() == 0


def test_programme_list_merge(editor, site):
    base, url, _corpus, _uploads = site
    editor.goto(base + "/initiatives/")
    editor.wait_for_selector("#initiatives-table td", timeout=20000)
    editor.locator("#initiatives-table td[data-dash-column='name']", has_text="现代羊共享牧场").first.click()
    editor.wait_for_function("() => document.querySelector('#initiatives-name')?.innerText?.includes('现代羊共享牧场')")
    editor.fill("#initiatives-target", "共享牧场")
    editor.fill("#initiatives-reason", "同一项目")
    editor.click("#initiatives-apply")
    editor.wait_for_selector("#initiatives-status p", timeout=20000)
    assert "已把“现代羊共享牧场”并入“共享牧场”" in editor.inner_text("#initiatives-status")
    editor.wait_for_function("() => document.querySelector('#initiatives-table')?.innerText?.includes('已并入')")
    editor.screenshot(path=str(ARTIFACTS / "initiatives.png"), full_page=True)
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        names = set(conn.execute(select(facts.c.initiative)).scalars())
    assert "共享牧场" in names and "现代羊共享牧场" not in names


def test_upload_appears_in_charts_and_reupload_adds_nothing(editor, site, tmp_path):
    base, url, _corpus, uploads = site
    report = tmp_path / "乌海报道.txt"
    report.write_text(UPLOAD, encoding="utf-8")
    bad = tmp_path / "工作总结.docx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a broken Word file
    odd = tmp_path / "名单.rar"
    odd.write_bytes(b"Rar!\x1a\x07\x00" + b"\x00" * 64)
    editor.goto(base + "/upload/")
    editor.wait_for_selector("#upload-reports")
    editor.set_input_files("#upload-reports input[type=file]", [str(report), str(bad), str(odd)])
    editor.wait_for_function("() => document.querySelector('#upload-status')?.innerText?.includes('完成')",
                             timeout=120000)
    results = editor.inner_text("#upload-results")
    assert "乌海报道.txt" in results and "已载入" in results and "2 条事实" in results
    assert "不支持 .rar" in results
    assert "工作总结.docx\t失败" in results and "已损坏" in results
    assert editor.locator("#upload-progress progress").count() == 1
    editor.screenshot(path=str(ARTIFACTS / "upload_done.png"), full_page=True)
    assert [p.name for p in uploads.rglob("*.txt")] == ["乌海报道.txt"]
    editor.goto(base + "/?league=乌海市")
    editor.wait_for_function("() => document.querySelector('#summary-line')?.innerText?.startsWith('乌海市')",
                             timeout=30000)
    assert "2 条事实" in editor.inner_text("#summary-line")
    editor.wait_for_function("() => document.querySelector('#chart-league')?.innerText?.includes('乌海市')",
                             timeout=30000)  # the charts are drawn after the headline
    with open_store(url, write=False) as store:
        n = store.summary()["facts"]
    # The same file again: nothing is added, no job runs.
    editor.goto(base + "/upload/")
    editor.wait_for_selector("#upload-reports")
    editor.set_input_files("#upload-reports input[type=file]", [str(report)])
    editor.wait_for_selector("#upload-results td", timeout=30000)
    assert "内容完全相同，没有重复添加" in editor.inner_text("#upload-results")
    with open_store(url, write=False) as store:
        assert store.summary()["facts"] == n
    assert not editor.errors, editor.errors


def test_an_uploaded_word_file_appears_in_the_charts(editor, site, tmp_path):
    """A .docx an official received goes in through the browser and its numbers reach the charts."""
    docx = pytest.importorskip("docx")
    base, url, _corpus, uploads = site
    path = tmp_path / "阿拉善盟工作简报.docx"
    doc = docx.Document()
    doc.add_heading("阿拉善盟党员中心户建设情况", level=1)
    doc.add_paragraph("2024年4月2日，阿拉善盟额济纳旗设立党员中心户86户，联系服务牧民1300余户。")
    doc.save(str(path))
    editor.goto(base + "/upload/")
    editor.wait_for_selector("#upload-reports")
    editor.set_input_files("#upload-reports input[type=file]", [str(path)])
    editor.wait_for_function("() => document.querySelector('#upload-status')?.innerText?.includes('完成')",
                             timeout=120000)
    results = editor.inner_text("#upload-results")
    assert "阿拉善盟工作简报.docx" in results and "已载入" in results and "2 条事实" in results
    assert [p.name for p in uploads.rglob("*.docx")] == ["阿拉善盟工作简报.docx"]
    editor.goto(base + "/?league=阿拉善盟")
    editor.wait_for_function("() => document.querySelector('#summary-line')?.innerText?.startsWith('阿拉善盟')",
                             timeout=30000)
    assert "2 条事实" in editor.inner_text("#summary-line")
    editor.wait_for_function("() => document.querySelector('#chart-league')?.innerText?.includes('阿拉善盟')",
                             timeout=30000)
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        rows = conn.execute(select(facts.c.value, facts.c.banner, facts.c.location)
                            .where(facts.c.source_file.like("%阿拉善盟工作简报.docx"))).all()
    assert sorted((r.value, r.banner) for r in rows) == [(86.0, "额济纳旗"), (1300.0, "额济纳旗")]
    assert all(r.location.startswith("第") for r in rows)  # the Word paragraph it came from
    assert not editor.errors, editor.errors
