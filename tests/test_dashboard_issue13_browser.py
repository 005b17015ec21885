"""Issue 13 in a real browser: every item walked and asserted on a desktop (1366 px) and a phone (390 px).

Data: the real seed page plus a synthetic corpus (``etl synth``, 300 reports: region-wide 全区
figures, 京蒙协作 partner aid 区外, money in 亿), both loaded by the real ETL; the dashboard runs
with --include-synthetic. Chromium is Debian's (/usr/bin/chromium) driven by Playwright; PDFs are
read back with pypdfium2. Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest

from etl.paths import RAW_DIR, ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DEVICES = {
    "desktop": dict(viewport={"width": 1366, "height": 900}),
    "phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True),
}
K_M_B = re.compile(r"\d\s*[kMBG]$")

playwright_api = pytest.importorskip("playwright.sync_api")
pdfium = pytest.importorskip("pypdfium2")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("issue13_browser")
    url = f"sqlite:///{tmp / 'facts.db'}"
    _run("synth", "--reports", "300", "--out", str(tmp / "synth"))
    _run("run", str(RAW_DIR), "--database", url, "--no-export")
    _run("run", str(tmp / "synth"), "--database", url, "--no-export")
    return url


@pytest.fixture(scope="module")
def server(database):
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "issue13_server.log", "w")
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(Path(database.split("///", 1)[-1]).parent / "frame-cache")}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--database", database, "--host", "127.0.0.1",
                             "--port", str(port), "--include-synthetic"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.terminate()
        pytest.fail("dashboard did not start; see tests/artifacts/issue13_server.log")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def pw():
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(pw):
    b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture(params=list(DEVICES))
def page(request, browser):
    context = browser.new_context(**DEVICES[request.param], accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    pg.device = request.param
    pg.cdp = context.new_cdp_session(pg)
    yield pg
    context.close()
    assert not errors, errors


def open_view(page, server, query: str = "") -> None:
    page.goto(server + "/" + query)
    page.wait_for_selector("#chart-league .bars path", timeout=60000)
    page.wait_for_selector("#facts-table td", timeout=60000)
    page.wait_for_load_state("networkidle")


def headline(page) -> str:
    return page.inner_text("#summary-line")


def wait_headline(page, predicate_js: str) -> str:
    page.wait_for_function(f"() => {{ const t = document.querySelector('#summary-line').innerText; return {predicate_js}; }}")
    return headline(page)


def count_of(text: str) -> int:
    return int(re.search(r"(\d+) 条事实", text).group(1))


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"issue13_{name}_{page.device}.png"), full_page=True)


def download(page, button: str):
    with page.expect_download() as info:
        page.click(f"#{button}")
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def swipe(page, x: float, y: float, dy: float) -> None:
    """A one-finger vertical swipe, as real touch events (CDP), from (x, y) by dy pixels."""
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 13):
        page.cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * i / 12}]})
    page.cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def click_bar(page, chart: str, label: str) -> None:
    labels = page.locator(f"#{chart} g.ytick text").all_text_contents()
    bar = page.locator(f"#{chart} .bars path").nth(labels.index(label))
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.click(box["x"] + max(2, min(box["width"] / 2, 20)), box["y"] + box["height"] / 2)


# ------------------------------------------------------------------ Chinese numbers

def test_ticks_and_labels_are_chinese(server, page):
    open_view(page, server, "?indicator=funding")
    wait_headline(page, "t.includes('合计')")
    page.wait_for_selector("#chart-map .cbaxis text, #chart-map .colorbar text", state="attached")
    ticks = page.locator(".chart .xtick text, .chart .cbaxis text, .chart .colorbar .ticks text").all_text_contents()
    assert ticks and any(t.endswith("亿") for t in ticks), ticks
    assert not [t for t in ticks if K_M_B.search(t.strip())], ticks
    labels = page.locator("#chart-league .bartext, #chart-banner .bartext").all_text_contents()
    assert labels and not [t for t in labels if ".0万" in t or ".0亿" in t or K_M_B.search(t)], labels
    # bar labels are horizontal
    transforms = page.eval_on_selector_all("#chart-league .bartext", "els => els.map(e => e.getAttribute('transform') || '')")
    assert not [t for t in transforms if "rotate" in t], transforms
    assert re.search(r"合计 [\d.]+亿元", headline(page))
    # a chart's image (the camera button) says what it shows: filters, data date, sources
    svg = page.evaluate("""async () => {
        const gd = document.querySelector('#chart-league .js-plotly-plot');
        const url = await Plotly.toImage(gd, {format: 'svg'});
        return decodeURIComponent(url.split(',')[1]); }""")
    assert "指标：资金" in svg and "数据更新于" in svg and "来源：" in svg and "篇报道" in svg
    shot(page, "funding")


# ------------------------------------------------------------------ table filter >1000

def test_value_filter_changes_headline_url_and_csv(server, page):
    open_view(page, server)
    before = count_of(headline(page))
    box = page.locator("#facts-table th.dash-filter[data-dash-column='value_text'] input[type=text]")
    assert box.get_attribute("placeholder") == "如 >1000、1万"
    assert not page.locator("#facts-table .dash-filter--case").first.is_visible()
    box.fill(">1000")
    box.press("Enter")
    line = wait_headline(page, "t.startsWith('数值>1000')")
    after = count_of(line)
    assert 0 < after < before
    assert "table=" in page.url and "> 1000" in unquote(page.url.replace("+", " "))
    assert f"共 {after} 条" in page.inner_text("#table-count")
    name, raw = download(page, "download-filtered-csv")
    assert name.startswith("事实_数值大于1000_") and name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == after
    assert all(float(r["数值"]) > 1000 for r in rows)
    assert list(rows[0])[0] == "地区"  # Chinese headers by default
    # the same view from the link alone
    page.goto(page.url)
    page.wait_for_selector("#facts-table td")
    assert count_of(wait_headline(page, "t.startsWith('数值>1000')")) == after
    shot(page, "value_filter")


# ------------------------------------------------------------------ dates

def test_date_range_applies_both_ends_and_resets(server, page):
    open_view(page, server)
    start = page.locator(".filter-dates input.dash-datepicker-start-date")
    end = page.locator(".filter-dates input.dash-datepicker-end-date")
    start.click()
    cal = page.locator(".dash-datepicker-calendar-wrapper, [role=dialog]").first
    cal.wait_for()
    assert "年" in cal.inner_text() and "一" in cal.inner_text()  # a Chinese calendar
    start.fill("2024年1月1日")
    start.press("Tab")
    line = wait_headline(page, "t.startsWith('2024年1月1日至最新')")  # one end alone applies too
    assert "date_from=2024-01-01" in page.url and "date_to" not in page.url
    end.fill("2024年6月30日")
    end.press("Tab")
    line = wait_headline(page, "t.startsWith('2024年1月1日至2024年6月30日')")
    assert "date_from=2024-01-01" in page.url and "date_to=2024-06-30" in page.url
    dated = count_of(line)
    dates = page.locator("#facts-table td[data-dash-column='published']").all_inner_texts()
    assert dates and all("2024-01-01" <= d.strip() <= "2024-06-30" for d in dates), dates
    # close the date picker's calendar first, as a user does: on a phone an open calendar's closing tap can
    # shift the layout under the reset button (the button's own behaviour is what this test checks)
    page.keyboard.press("Escape")
    page.locator(".dash-datepicker-calendar-wrapper").first.wait_for(state="hidden")
    page.click("#filters-reset")
    line = wait_headline(page, "t.startsWith('全部数据')")
    assert count_of(line) > dated
    assert start.input_value() == "" and end.input_value() == ""
    assert "date_" not in page.url


def test_bad_link_values_are_shown_as_ignored(server, page):
    open_view(page, server, "?date_from=2024-13-45&league=北京市&league=赤峰市")
    notice = page.inner_text("#filters-notice")
    assert "已忽略" in notice and "2024-13-45" in notice and "北京市" in notice
    line = wait_headline(page, "t.startsWith('赤峰市')")
    assert "2024" not in line.split("：")[0]
    assert "date_from" not in page.url


# ------------------------------------------------------------------ phone: swipes scroll the page

def test_a_swipe_on_a_chart_scrolls_the_page(server, page):
    if page.device != "phone":
        pytest.skip("touch swipes are a phone matter")
    open_view(page, server)
    page.wait_for_selector("#chart-map .maplibregl-canvas")
    page.wait_for_timeout(1500)  # the map's touch handlers are switched off once it has drawn
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    for chart in ("chart-league", "chart-map", "chart-hierarchy"):
        page.evaluate(f"document.getElementById('{chart}').scrollIntoView({{block: 'start'}})")
        page.wait_for_timeout(300)
        ticks = page.locator("#chart-league .xtick text").all_text_contents()
        box = page.locator(f"#{chart}").bounding_box()
        y0 = page.evaluate("window.scrollY")
        swipe(page, box["x"] + box["width"] * 0.6, box["y"] + 180, -220)
        page.wait_for_timeout(700)
        assert page.evaluate("window.scrollY") > y0 + 100, f"a swipe on {chart} did not scroll the page"
        assert page.locator("#chart-league .xtick text").all_text_contents() == ticks  # nothing zoomed
    # the map fits: the whole region is inside the plot
    fig = page.evaluate("(() => { const gd = document.querySelector('#chart-map .js-plotly-plot');"
                        " return {zoom: gd._fullLayout.map.zoom, w: gd._fullLayout.width}; })()")
    assert fig["w"] <= 390 and fig["zoom"] < 3.2
    assert page.evaluate("document.documentElement.scrollHeight") < 4600
    shot(page, "phone")


# ------------------------------------------------------------------ 全区 and 区外

def test_region_wide_and_outside_are_their_own_groups(server, page):
    open_view(page, server, "?indicator=funding")
    line = wait_headline(page, "t.includes('另列')")  # 京蒙协作 money is not Inner Mongolia's
    assert "区外（京蒙协作等）" in line and "不计入合计" in line
    open_view(page, server)
    labels = page.locator("#chart-league g.ytick text").all_text_contents()
    assert "全区" in labels and "区外（京蒙协作等）" in labels and "未定位" not in labels, labels
    assert labels.index("全区") < labels.index("赤峰市")  # drawn below the leagues, apart
    click_bar(page, "chart-league", "全区")
    wait_headline(page, "t.startsWith('全区')")
    assert "league=全区" in unquote(page.url)
    cells = page.locator("#facts-table td[data-dash-column='region']").all_inner_texts()
    assert cells and all(c.strip() == "全区" for c in cells), cells
    # 区外 from the dropdown, in the same selection
    page.click("#filters-league")
    page.locator(".dash-dropdown-option", has_text="区外（京蒙协作等）").first.click()
    page.keyboard.press("Escape")
    wait_headline(page, "t.startsWith('全区、区外（京蒙协作等）')")
    regions = set(c.strip() for c in page.locator("#facts-table td[data-dash-column='region']").all_inner_texts())
    assert regions <= {"全区", "区外（京蒙协作等）"} and "区外（京蒙协作等）" in "".join(
        page.locator("#chart-league g.ytick text").all_text_contents())
    shot(page, "groups")


# ------------------------------------------------------------------ comparison

def test_multi_select_keeps_the_comparison_and_a_second_click_deselects(server, page):
    open_view(page, server)
    all_leagues = page.locator("#chart-league g.ytick text").all_text_contents()
    click_bar(page, "chart-league", "赤峰市")
    wait_headline(page, "t.startsWith('赤峰市：')")
    assert page.locator("#chart-league g.ytick text").all_text_contents() == all_leagues  # nothing removed
    colors = page.eval_on_selector_all("#chart-league .bars path", "els => els.map(e => e.style.fill)")
    assert len(set(colors)) >= 2
    click_bar(page, "chart-league", "通辽市")
    wait_headline(page, "t.startsWith('赤峰市、通辽市：')")
    assert unquote(page.url).count("league=") == 2
    assert "赤峰市" in page.inner_text("#filters-league") and "通辽市" in page.inner_text("#filters-league")
    click_bar(page, "chart-league", "赤峰市")
    wait_headline(page, "t.startsWith('通辽市：')")
    assert "赤峰市" not in unquote(page.url)
    # dropdown counts follow the other filters
    page.click("#filters-league")
    options = page.locator(".dash-dropdown-option").all_inner_texts()
    page.keyboard.press("Escape")
    page.goto(server + "/?indicator=funding&league=通辽市")
    page.wait_for_selector("#facts-table td")
    wait_headline(page, "t.startsWith('通辽市')")
    page.click("#filters-league")
    options_funding = page.locator(".dash-dropdown-option").all_inner_texts()
    page.keyboard.press("Escape")
    assert options != options_funding
    # map: names of the places
    names = page.evaluate("document.querySelector('#chart-map .js-plotly-plot').data[1].text")
    assert "科尔沁区" in names or "奈曼旗" in names


# ------------------------------------------------------------------ source panel

def test_source_panel_reopens_closes_and_leaves_downloads_free(server, page):
    open_view(page, server, "?q=2423")
    cell = page.locator("#facts-table td[data-dash-column='subject']").first
    cell.click()
    page.wait_for_selector("#article-panel.open mark")
    prov = page.inner_text(".article-provenance")
    assert "日期：" in prov and "文件：000_6770a73b9caf9553.txt" in prov
    panel = page.locator("#article-panel").bounding_box()
    for button in ("download-filtered-csv", "download-filtered-xlsx", "download-all-csv"):
        b = page.locator(f"#{button}").bounding_box()
        assert (b["x"] + b["width"] <= panel["x"] or b["y"] + b["height"] <= panel["y"]
                or b["y"] >= panel["y"] + panel["height"]), (button, b, panel)
    # on a long article the head stays in view (desktop: the text scrolls under it; phone: the
    # panel is part of the page below the table and its head sticks to the top)
    if page.device == "desktop":
        page.evaluate("document.querySelector('#article-panel .article-scroll').scrollTop = 100000")
    else:
        page.evaluate("(() => { const p = document.getElementById('article-panel').getBoundingClientRect();"
                      " window.scrollBy(0, p.bottom - window.innerHeight - 5); })()")
        page.wait_for_timeout(300)
    head = page.locator(".article-head").bounding_box()
    assert 0 <= head["y"] and head["y"] + head["height"] <= DEVICES[page.device]["viewport"]["height"]
    assert page.locator("#article-close").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_selector("#article-panel.hidden", state="attached")
    cell.click()  # the same cell opens again
    page.wait_for_selector("#article-panel.open mark")
    page.mouse.click(5, 5)  # outside
    page.wait_for_selector("#article-panel.hidden", state="attached")
    cell.click()
    page.wait_for_selector("#article-panel.open")
    page.click("#article-close")
    page.wait_for_selector("#article-panel.hidden", state="attached")


def test_synthetic_data_is_marked(server, page):
    open_view(page, server, "?q=合成")
    assert "合成测试数据" in page.inner_text("#header-synthetic")
    src = page.locator("#facts-table td[data-dash-column='source']").all_inner_texts()
    if page.device == "desktop":
        assert any(s.startswith("【合成数据】") for s in src), src


# ------------------------------------------------------------------ print and exports

def _map_pixels(doc) -> int:
    """Return the number of reddish (coloured, not white or grey) pixels in the PDF's largest image (the map)."""
    best = 0
    for i in range(len(doc)):
        for obj in doc[i].get_objects():
            if obj.type != pdfium.raw.FPDF_PAGEOBJ_IMAGE:
                continue
            arr = obj.get_bitmap(render=False).to_numpy()
            if arr.ndim != 3 or arr.shape[0] < 100:
                continue
            b, g, r = arr[..., 0].astype(int), arr[..., 1].astype(int), arr[..., 2].astype(int)
            best = max(best, int(((r - np.maximum(g, b)) > 40).sum()))
    return best


@pytest.mark.parametrize("query, whole", [("?league=赤峰市&indicator=funding", True), ("", False)])
def test_print_pdf_shows_map_and_table(server, page, query, whole):
    open_view(page, server, query)
    page.wait_for_selector("#chart-map-print[src]", state="attached", timeout=60000)
    n = count_of(headline(page))
    path = ARTIFACTS / f"issue13_print_{page.device}_{'part' if not whole else 'whole'}.pdf"
    page.pdf(path=str(path), format="A4", print_background=True)
    doc = pdfium.PdfDocument(str(path))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).replace("\r\n", "\n")
    assert "筛选" not in text.split("\n")[0]  # no filter widgets, the headline says what is shown
    assert headline(page).split("：")[0] in text
    assert _map_pixels(doc) > 2000, f"the printed map is blank ({path})"
    assert "下载 CSV（当前筛选）" not in text and "清除筛选" not in text
    if whole:
        assert f"事实明细：共 {n} 条，全部列出" in text
        rows = page.locator("#print-table tbody tr").count()
        assert rows == n
        values = page.eval_on_selector_all("#print-table tbody tr td:first-child", "els => els.map(e => e.innerText)")
        for v in values:
            assert v in text
    else:
        assert f"事实明细：共 {n} 条，以下打印前 100 条" in text
        assert page.locator("#print-table tbody tr").count() == 100
    # the charts were drawn at page width, then given back to the screen
    assert page.evaluate("document.querySelector('#chart-hierarchy .js-plotly-plot')._fullLayout.width") \
        == page.evaluate("Math.round(document.querySelector('#chart-hierarchy').getBoundingClientRect().width)") \
        or page.device == "phone"


def test_excel_and_english_csv_downloads(server, page):
    if page.device == "phone":
        pytest.skip("one device is enough for file contents")
    import openpyxl
    open_view(page, server, "?league=赤峰市")
    name, raw = download(page, "download-filtered-xlsx")
    assert name.startswith("事实_赤峰市_") and name.endswith(".xlsx")
    p = ARTIFACTS / "issue13.xlsx"
    p.write_bytes(raw)
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["事实", "筛选条件", "来源"]
    assert len(list(wb["事实"].values)) - 1 == count_of(headline(page))
    page.click("label:has-text('英文列名')")
    name, raw = download(page, "download-filtered-csv")
    header = raw.decode("utf-8-sig").split("\r\n")[0]
    assert header.startswith("fact_id,source_file")


def test_map_says_when_it_cannot_be_drawn(server, pw, browser):
    b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                           args=CHROMIUM_ARGS + ["--disable-webgl", "--disable-3d-apis"])
    try:
        pg = b.new_page(viewport={"width": 1366, "height": 900})
        pg.goto(server + "/")
        pg.wait_for_selector("#chart-league .bars path", timeout=60000)
        fallback = pg.locator(".map-card .map-fallback")
        assert fallback.is_visible() and "地图无法显示" in fallback.inner_text()
    finally:
        b.close()
    # with WebGL the message stays hidden
    pg = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        pg.goto(server + "/")
        pg.wait_for_selector("#chart-league .bars path", timeout=60000)
        assert not pg.locator(".map-card .map-fallback").is_visible()
    finally:
        pg.close()


def test_responses_are_compressed_and_cached(server):
    req = urllib.request.Request(server + "/", headers={"Accept-Encoding": "gzip, br"})
    with urllib.request.urlopen(req) as r:
        html = r.read()
        assert r.headers.get("Content-Encoding") in ("gzip", "br")
    import gzip
    import brotli
    body = (gzip.decompress(html) if html[:2] == b"\x1f\x8b" else brotli.decompress(html)).decode()
    script = next(s for s in re.findall(r'src="([^"]+)"', body) if "dash_renderer" in s)
    req = urllib.request.Request(server + script, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        assert r.headers.get("Content-Encoding") == "gzip"
        assert "max-age" in (r.headers.get("Cache-Control") or "")
    req = urllib.request.Request(server + "/geo/im_leagues.geojson", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as r:
        assert r.headers.get("Content-Encoding") == "gzip" and "max-age" in r.headers.get("Cache-Control", "")
