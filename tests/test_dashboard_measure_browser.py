"""The measure view (issue 12) in a real browser, on the issue's own two reports, desktop and phone.

Data: reports A (June: 截至5月底，全盟已有541个嘎查党群服务中心…其中东乌旗57个、西乌旗49个) and B
(September: 全盟嘎查党群服务中心达到560个) in tests/fixtures/measure_view, loaded by the real ETL
into SQLite; the dashboard runs as `python -m dashboard`. Chromium is Debian's, driven by
Playwright. Screenshots go to tests/artifacts/ (gitignored).
"""
from __future__ import annotations

import csv
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

from etl.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
REPORTS = ROOT / "tests" / "fixtures" / "measure_view"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
DEVICES = {
    "desktop": dict(viewport={"width": 1366, "height": 900}),
    "phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True),
}

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("measure_browser")
    url = f"sqlite:///{tmp / 'facts.db'}"
    proc = subprocess.run([sys.executable, "-m", "etl", "run", str(REPORTS), "--database", url, "--no-export"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return url


@pytest.fixture(scope="module")
def server(database):
    port = _free_port()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / "measure_server.log", "w")
    env = {**os.environ, "DASHBOARD_CACHE_DIR": str(Path(database.split("///", 1)[-1]).parent / "frame-cache")}
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--database", database, "--host", "127.0.0.1",
                             "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
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
        pytest.fail("dashboard did not start; see tests/artifacts/measure_server.log")
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


@pytest.fixture(params=list(DEVICES))
def page(request, browser):
    context = browser.new_context(**DEVICES[request.param], accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(30000)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.device = request.param
    yield pg
    context.close()
    assert not errors, errors


def wait_text(page, selector: str, text: str) -> None:
    """Wait until the element exists and its text contains ``text`` (the page renders asynchronously)."""
    page.wait_for_function("([s, t]) => { const e = document.querySelector(s); return !!e && e.innerText.includes(t); }",
                           arg=[selector, text])


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"measure_{name}_{page.device}.png"), full_page=True)


def texts(page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_text_contents()]


def tap(page, locator) -> None:
    """A click on a desktop, a tap on a phone, in the middle of the element's left part."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + max(2, min(box["width"] / 2, 20)), box["y"] + box["height"] / 2
    if page.device == "phone":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)


def choose_measure(page, search: str, label: str) -> None:
    page.click("#measure-choice")
    page.keyboard.type(search)
    option = page.locator(".dash-dropdown-option", has_text=label).first
    option.wait_for(timeout=10000)
    option.click()
    page.keyboard.press("Escape")


def test_choosing_a_measure_shows_latest_values_trend_sources_and_csv(server, page):
    page.goto(server + "/")
    page.wait_for_selector("#chart-league .bars path", timeout=60000)
    # the fact counts are labelled as what they are
    assert page.inner_text("#activity-title").startswith("报道活跃度") and "不是统计数" in page.inner_text("#activity-title")
    assert page.locator("#measure-body").is_hidden()
    assert page.inner_text("#measure-headline").startswith("选择一个指标")
    choose_measure(page, "党群", "嘎查党群服务中心（个）")
    page.wait_for_selector("#measure-chart-league .bars path")
    wait_text(page, "#measure-headline", "560")
    page.wait_for_load_state("networkidle")
    time.sleep(0.8)  # the resize that follows the view's appearance

    # league bar: the league's latest own figure with its date; never 647 or 1101
    assert texts(page, "#measure-chart-league g.ytick text") == ["锡林郭勒盟"]
    assert texts(page, "#measure-chart-league .bartext") == ["560 · 2024.9.12"]
    headline = page.inner_text("#measure-headline")
    assert "锡林郭勒盟 560个（2024年9月12日" in headline
    section = page.inner_text(".measure-section")
    assert "647" not in section and "1101" not in section and "1207" not in section
    # banners: their own figures
    assert sorted(texts(page, "#measure-chart-banner g.ytick text")) == ["东乌珠穆沁旗", "西乌珠穆沁旗"]
    assert sorted(texts(page, "#measure-chart-banner .bartext")) == ["49 · 2024.5.31", "57 · 2024.5.31"]
    # the trend: 541 (May 31) then 560 (September 12)
    points = page.evaluate("""() => { const gd = document.querySelector('#measure-chart-trend .js-plotly-plot');
        return gd.data.map(t => [t.name, t.x, t.y]); }""")
    assert points == [["锡林郭勒盟", ["2024-05-31", "2024-09-12"], [541, 560]]]
    assert texts(page, "#measure-chart-trend .textpoint text") == ["541", "560"]
    # the map is coloured by the measure
    page.wait_for_selector("#measure-chart-map .js-plotly-plot", state="attached")
    z = page.evaluate("""() => document.querySelector('#measure-chart-map .js-plotly-plot').data
        .filter(t => t.type === 'choroplethmap' && t.showscale !== false).map(t => [t.locations, t.z])""")
    assert z == [[["152500"], [560]]]
    # the link reproduces the view
    assert "measure=嘎查党群服务中心|个|" in unquote(page.url)
    # the table of latest values
    rows = [r.split("\t") for r in page.inner_text("#measure-table .dash-spreadsheet-inner tbody").splitlines()
            if "\t" in r]
    cells = page.locator("#measure-table td[data-dash-column='value_text']").all_inner_texts()
    assert [c.strip() for c in cells] == ["560个", "57个", "49个"], rows
    dates = page.locator("#measure-table td[data-dash-column='as_of_text']").all_inner_texts()
    assert [d.strip() for d in dates] == ["2024年9月12日", "2024年5月31日", "2024年5月31日"]
    shot(page, "chosen")

    # a click on the league bar opens its source: report B, the number marked
    tap(page, page.locator("#measure-chart-league .bars path").first)
    page.wait_for_selector("#article-panel.open")
    body = page.inner_text("#article-body")
    assert "560" in body and "2024年9月12日" in body and page.inner_text("#article-body mark") == "560个"
    shot(page, "source")
    page.click("#article-close")
    page.wait_for_selector("#article-panel.hidden", state="attached")
    # a row of the table opens its source too (57: report A)
    page.locator("#measure-table td[data-dash-column='value_text']", has_text="57个").click()
    wait_text(page, "#article-body", "其中东乌旗57个")
    assert "2024年6月10日" in page.inner_text("#article-body")
    page.click("#article-close")

    # the CSV of the measure view: UTF-8 with BOM, every data point, never a sum
    with page.expect_download() as info:
        page.click("#measure-download-csv")
    d = info.value
    data = Path(d.path()).read_bytes()
    assert d.suggested_filename.startswith("指标数值_嘎查党群服务中心_") and data.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    got = [(r["盟市"], r["旗县区"], r["时点"], r["数值"]) for r in table]
    assert got == [("锡林郭勒盟", "", "2024-05-31", "541"), ("锡林郭勒盟", "", "2024-09-12", "560"),
                   ("锡林郭勒盟", "东乌珠穆沁旗", "2024-05-31", "57"), ("锡林郭勒盟", "西乌珠穆沁旗", "2024-05-31", "49")]


def test_a_link_opens_the_measure_and_filters_apply(server, page):
    page.goto(server + "/?league=锡林郭勒盟&measure=嘎查党群服务中心%7C个%7C")
    page.wait_for_selector("#measure-chart-banner .bars path", timeout=60000)
    wait_text(page, "#measure-headline", "560")
    assert "嘎查党群服务中心（个）" in page.inner_text("#measure-choice")
    # the chosen league: its own line and its banners' lines in the trend
    page.wait_for_function("""() => { const gd = document.querySelector('#measure-chart-trend .js-plotly-plot');
        return gd && gd.data && gd.data.length === 3; }""")
    names = page.evaluate("() => document.querySelector('#measure-chart-trend .js-plotly-plot').data.map(t => t.name)")
    assert sorted(names) == ["东乌珠穆沁旗", "西乌珠穆沁旗", "锡林郭勒盟"]
    # the map shows the league's banners
    title = page.evaluate("() => document.querySelector('#measure-chart-map .js-plotly-plot').layout.title.text")
    assert title.startswith("地图：锡林郭勒盟各旗县区")
    # reports up to August only: the latest figure of those reports is 541 as of May 31
    page.goto(server + "/?date_to=2024-08-31&measure=嘎查党群服务中心%7C个%7C")
    wait_text(page, "#measure-headline", "541")
    page.wait_for_selector("#measure-chart-league .bartext")
    assert texts(page, "#measure-chart-league .bartext") == ["541 · 2024.5.31"]
    # a measure the data does not know: said so, nothing shown
    page.goto(server + "/?measure=不存在的指标%7C个%7C")
    page.wait_for_selector("#chart-league .bars path", timeout=60000)
    wait_text(page, "#filters-notice", "指标数值")
    assert page.locator("#measure-body").is_hidden()
    shot(page, "unknown")
