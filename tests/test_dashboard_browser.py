"""Browser tests: the dashboard in real headless Chromium (Debian's /usr/bin/chromium) via Playwright.

The database is built by the real ETL from data/raw when ``etl.cli`` is available and works,
otherwise from the sample tables in ``dashboard.sample`` (set DASHBOARD_TEST_DB=sample to force
that). Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

import csv
import importlib.util
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from etl.paths import RAW_DIR, ROOT
from etl.schema import FACT_COLUMNS

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _etl_database(path: Path) -> str | None:
    """Run the real ETL on data/raw into a fresh SQLite file; None if it is unavailable or fails."""
    if os.environ.get("DASHBOARD_TEST_DB") == "sample" or importlib.util.find_spec("etl.cli") is None:
        return None
    url = f"sqlite:///{path}"
    try:
        proc = subprocess.run([sys.executable, "-m", "etl", "run", str(RAW_DIR), "--database", url, "--no-export"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        print("ETL failed, using the sample database:", proc.stderr[-2000:])
        return None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM facts WHERE league = '赤峰市' AND value = 2423")).scalar()
    except sa.exc.SQLAlchemyError:
        n = 0
    finally:
        engine.dispose()
    return url if n else None


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> tuple[str, str]:
    tmp = tmp_path_factory.mktemp("dashboard_browser")
    url = _etl_database(tmp / "etl.db")
    if url:
        return url, "etl"
    from dashboard.sample import write_sample_database
    return write_sample_database(f"sqlite:///{tmp / 'sample.db'}"), "sample"


@pytest.fixture(scope="module")
def server(database):
    """Start `python -m dashboard` on a free port; yield its base URL; stop it afterwards."""
    url, _kind = database
    port = _free_port()
    log = open(ARTIFACTS.mkdir(parents=True, exist_ok=True) or ARTIFACTS / "browser_server.log", "w")
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(Path(url.split("///", 1)[-1]).parent / "frame-cache")}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--database", url, "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.terminate()
        pytest.fail("dashboard did not start; see tests/artifacts/browser_server.log")
    yield base
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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    context.close()


def wait_ready(page) -> None:
    page.wait_for_selector("#chart-league .main-svg", timeout=20000)
    page.wait_for_selector("#facts-table td", timeout=20000)
    page.wait_for_load_state("networkidle")
    # the charts are drawn first as a placeholder figure that says 加载中…: wait for the real one
    page.wait_for_function("() => !document.querySelector('#chart-league').innerText.includes('加载中')",
                           timeout=20000)


def choose(page, dropdown_id: str, text: str) -> None:
    """Open a Dash 4 dropdown and click the option whose label starts with ``text``."""
    page.click(f"#{dropdown_id}")
    option = page.locator(".dash-dropdown-option", has_text=text).first
    option.wait_for(timeout=5000)
    option.click()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")


def column_text(page, column: str = "value_text", max_pages: int = 10) -> list[str]:
    """Return one column's cells across up to ``max_pages`` table pages, then go back to page 1."""
    cells = page.locator(f"#facts-table td[data-dash-column='{column}']").all_inner_texts()
    texts = [page.inner_text("#facts-table .dash-spreadsheet-inner")]
    for _ in range(max_pages - 1):
        nxt = page.locator("#facts-table button.next-page")
        if nxt.count() == 0 or nxt.is_disabled():
            break
        before = texts[-1]
        nxt.click()
        page.wait_for_function(
            "b => document.querySelector('#facts-table .dash-spreadsheet-inner').innerText !== b", arg=before)
        texts.append(page.inner_text("#facts-table .dash-spreadsheet-inner"))
        cells += page.locator(f"#facts-table td[data-dash-column='{column}']").all_inner_texts()
    first = page.locator("#facts-table button.first-page")
    if first.count() and not first.is_disabled():
        first.click()
        page.wait_for_load_state("networkidle")
    return [c.strip() for c in cells]


def region_cells(page, prefix: str | None = None) -> list[str]:
    """Return the region cells; with ``prefix``, first wait until every cell starts with it."""
    if prefix:
        page.wait_for_function(
            """p => { const c = Array.from(document.querySelectorAll("#facts-table td[data-dash-column='region']"));
                      return c.length > 0 && c.every(td => td.innerText.trim().startsWith(p)); }""",
            arg=prefix, timeout=15000)
    return page.locator("#facts-table td[data-dash-column='region']").all_inner_texts()


def test_choose_league_and_banner_then_download(server, page, database):
    page.goto(server + "/")
    wait_ready(page)
    header = page.inner_text("#header-stats")
    assert "篇报道" in header and "条事实" in header and "更新于" in header
    assert "赤峰市" in page.inner_text("#chart-league")
    page.screenshot(path=str(ARTIFACTS / "dashboard_desktop_all.png"), full_page=True)

    choose(page, "filters-league", "赤峰市")
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.startsWith('赤峰市')")
    assert "league=" in page.url and "赤峰市" in unquote(page.url)
    cells = region_cells(page, "赤峰市")
    assert cells and all(c.startswith("赤峰市") for c in cells), cells
    values = column_text(page)
    assert "2423" in values
    assert "4万+" in values
    league_chart = page.inner_text("#chart-league")
    # the other leagues stay for comparison; the chosen one is drawn strong
    assert "赤峰市" in league_chart and "包头市" in league_chart
    labels = page.locator("#chart-league g.ytick text").all_text_contents()
    colors = page.eval_on_selector_all("#chart-league .bars path", "els => els.map(e => e.style.fill)")
    assert colors[labels.index("赤峰市")] != colors[labels.index("包头市")]
    assert "地图" in page.inner_text("#chart-map")
    page.screenshot(path=str(ARTIFACTS / "dashboard_desktop_chifeng.png"), full_page=True)

    choose(page, "filters-banner", "阿鲁科尔沁旗")
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.includes('阿鲁科尔沁旗')")
    cells = region_cells(page, "赤峰市·阿鲁科尔沁旗")
    assert cells and all(c.startswith("赤峰市·阿鲁科尔沁旗") for c in cells), cells
    assert "2423" not in column_text(page)

    with page.expect_download() as info:
        page.click("#download-filtered-csv")
    download = info.value
    assert download.suggested_filename.startswith("事实_赤峰市_阿鲁科尔沁旗_")
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][:4] == ["地区", "盟市", "盟市代码", "旗县区"]  # Chinese headers by default
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert body, "filtered CSV has no rows"
    assert all(r["盟市"] == "赤峰市" and r["旗县区"] == "阿鲁科尔沁旗" for r in body)
    assert not any(r["来源文件"].startswith("synthetic") or r["合成数据"] for r in body)
    count_text = page.inner_text("#table-count")
    assert str(len(body)) in count_text
    if database[1] == "sample":
        assert {r["subject"] for r in body} == {"乡级综合窗口", "村级综合窗口"}
    page.screenshot(path=str(ARTIFACTS / "dashboard_desktop_banner.png"), full_page=True)
    assert not page.errors, page.errors


def test_programmes_named_with_their_number_filter_table_url_and_csv(server, page):
    """举措依据: an official keeps only the facts whose programme the text names together with the number."""
    page.goto(server + "/")
    wait_ready(page)
    assert "举措依据" in page.inner_text("#facts-table .dash-spreadsheet-inner")
    all_count = page.inner_text("#table-count")
    choose(page, "filters-initiative-basis", "与数字同句点名")
    page.wait_for_function("c => document.querySelector('#table-count').innerText !== c", arg=all_count)
    assert "basis=named" in page.url
    named = {"同句点名", "计数对象", "表题点名", "编辑认定"}
    cells = column_text(page, "basis_text")
    assert cells and set(cells) <= named, cells
    assert all(c for c in column_text(page, "initiative"))  # every such fact has its programme
    with page.expect_download() as info:
        page.click("#download-filtered-csv")
    download = info.value
    assert "与数字同句点名" in download.suggested_filename
    raw = Path(download.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert body and {r["举措依据"] for r in body} <= named
    assert str(len(body)) in page.inner_text("#table-count")
    page.screenshot(path=str(ARTIFACTS / "dashboard_basis_named.png"), full_page=True)
    assert not page.errors, page.errors


def test_download_all_has_every_real_fact(server, page, database):
    page.goto(server + "/")
    wait_ready(page)
    page.click("label:has-text('英文列名')")  # the machine columns of facts.csv
    with page.expect_download() as info:
        page.click("#download-all-csv")
    download = info.value
    assert download.suggested_filename.startswith("事实_全部_")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert tuple(rows[0]) == FACT_COLUMNS
    engine = sa.create_engine(database[0])
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM facts WHERE source_file NOT LIKE 'synthetic%'")).scalar()
    engine.dispose()
    assert len(rows) - 1 == n


def test_row_click_opens_article_with_highlight(server, page):
    page.goto(server + "/?league=" + "赤峰市")
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.startsWith('赤峰市')")
    page.fill("#filters-search", "2423")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.includes('1 条事实')")
    page.wait_for_function("() => document.querySelectorAll('#facts-table td[data-dash-column=\"value_text\"]').length === 1")
    assert "q=2423" in page.url
    page.locator("#facts-table td[data-dash-column='value_text']", has_text="2423").first.click()
    page.wait_for_selector("#article-panel.open mark", timeout=10000)
    mark = page.inner_text("#article-panel mark")
    assert "2423" in mark
    # The highlighted number is scrolled into view.
    page.wait_for_function("""() => { const r = document.querySelector('#article-panel mark').getBoundingClientRect();
                                      return r.top >= 0 && r.bottom <= window.innerHeight; }""", timeout=5000)
    page.screenshot(path=str(ARTIFACTS / "dashboard_article.png"))
    page.click("#article-close")
    page.wait_for_selector("#article-panel.hidden", state="attached")


def test_bookmarked_url_restores_filters_and_bar_click_filters(server, page):
    page.goto(server + "/?league=赤峰市&banner=阿鲁科尔沁旗")
    wait_ready(page)
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.includes('阿鲁科尔沁旗')")
    assert "赤峰市" in page.inner_text("#filters-league")
    assert "阿鲁科尔沁旗" in page.inner_text("#filters-banner")
    # Clear filters, then click the 赤峰市 bar of the league chart.
    page.click("#filters-reset")
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.startsWith('全部数据')")
    bars = page.locator("#chart-league .bars path")
    labels = page.locator("#chart-league g.ytick text").all_text_contents()
    # Bars are drawn bottom-up in the same order as the y tick labels.
    index = labels.index("赤峰市")
    box = bars.nth(index).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('#summary-line').innerText.startsWith('赤峰市')")
    assert "赤峰市" in unquote(page.url)


def test_forged_callback_request_gets_safe_answer(server):
    import json
    body = {
        "output": "..facts-table.data...facts-table.page_count...facts-table.page_current...table-count.children..",
        "outputs": [{"id": "facts-table", "property": p} for p in ("data", "page_count", "page_current")]
        + [{"id": "table-count", "property": "children"}],
        "inputs": [
            {"id": "filters-state", "property": "data",
             "value": {"league": "'; DROP TABLE facts; --", "banner": "<script>", "q": None,
                       "table": "{value_text} > abc && {x} = 1"}},
            {"id": "facts-table", "property": "page_current", "value": 10 ** 12},
            {"id": "facts-table", "property": "sort_by", "value": [{"column_id": "nope", "direction": "x"}]},
            {"id": "facts-table", "property": "page_size", "value": "huge"},
        ],
        "changedPropIds": ["facts-table.page_current"],
        "state": [],
    }
    req = urllib.request.Request(server + "/_dash-update-component", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
        payload = json.loads(r.read())
    resp = payload["response"]
    assert resp["facts-table"]["page_current"] == resp["facts-table"]["page_count"] - 1
    assert isinstance(resp["facts-table"]["data"], list)


def test_phone_layout(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server + "/?league=赤峰市")
        wait_ready(page)
        page.wait_for_function("() => document.querySelector('#summary-line').innerText.startsWith('赤峰市')")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 392, f"page is {width}px wide at a 390px viewport"
        for id_ in ("filters-league", "chart-league", "chart-map", "facts-table", "download-filtered-csv"):
            box = page.locator(f"#{id_}").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 392, (id_, box)
        page.screenshot(path=str(ARTIFACTS / "dashboard_phone.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard_phone_top.png"))
    finally:
        context.close()
