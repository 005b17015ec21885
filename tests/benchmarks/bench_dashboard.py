"""Benchmark the dashboard's main filter callback over 1,000,000 synthetic facts.

Run:  .venv/bin/python tests/benchmarks/bench_dashboard.py [--facts 1000000] [--rounds 60]

It writes clearly marked synthetic facts (source_file "synthetic_…") into a temporary SQLite
database, starts the app under gunicorn (one worker, synthetic data switched on with
DASHBOARD_INCLUDE_SYNTHETIC=1), and times through HTTP POST /_dash-update-component the chain a
league change runs: filter-state sync → charts → table page. Beside it, in the same run and on
the same data: the raw SQL query (SQLite, indexed) and the same pandas query in-process. Also: a
100k-row CSV (in-process and through the download callback), the server's resident memory, and
(issue 12) the measure view's callback for one measure over HTTP, beside the main charts callback
(the facts carry measures from bench_measures.with_measure_columns).
Goals (issue 4): callback p95 < 100 ms and within 5× the raw query; memory < 1 GB.

First load (issue 13; also alone with --first-load): a real Chromium (Debian's, via Playwright)
with a cold cache opens the page and the bytes transferred and the time to the first chart (the
league bars drawn) are measured, for the app as served (compressed, cached static files) and, in
the same run, with compression off (DASHBOARD_COMPRESS=0), beside a floor: a bare page that loads
the same plotly.js from a static server and draws one bar chart. Goals: < 1.5 s, < 2 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dashboard import queries  # noqa: E402
from dashboard.data import FactSource  # noqa: E402
from dashboard.labels import INDICATOR_LABELS  # noqa: E402
from machine import machine  # noqa: E402
from bench_measures import with_measure_columns  # noqa: E402
from dashboard.measure_queries import build_measure_data  # noqa: E402
from dashboard.measures import MeasureKey  # noqa: E402
from etl.paths import REFERENCE_DIR  # noqa: E402
from etl.schema import FACT_COLUMNS  # noqa: E402

BIG_LEAGUE = "赤峰市"


def regions() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Return leagues [(code, name)] and banners [(code, name, league_code)] from the gazetteer."""
    path = REFERENCE_DIR / "regions.csv"
    if path.exists():
        reg = pd.read_csv(path, dtype=str).fillna("")
        leagues = [(r.code, r.name) for r in reg[reg.level == "league"].itertuples()]
        banners = [(r.code, r.name, r.league_code) for r in reg[reg.level == "banner"].itertuples()]
        if leagues and banners:
            return leagues, banners
    leagues = [("150100", "呼和浩特市"), ("150200", "包头市"), ("150400", "赤峰市"), ("150700", "呼伦贝尔市")]
    banners = [("150125", "武川县", "150100"), ("150271", "稀土高新区", "150200"),
               ("150421", "阿鲁科尔沁旗", "150400"), ("150725", "陈巴尔虎旗", "150700")]
    return leagues, banners


def synthetic_facts(n: int, seed: int = 7) -> pd.DataFrame:
    """Return n synthetic facts; one league (赤峰市) holds ~12% so it yields a 100k-row CSV."""
    rng = np.random.default_rng(seed)
    leagues, banners = regions()
    lcodes = [c for c, _ in leagues]
    lnames = dict(leagues)
    weights = np.ones(len(leagues))
    if BIG_LEAGUE in lnames.values():
        big = [c for c, nm in leagues].index(next(c for c, nm in leagues if nm == BIG_LEAGUE))
        weights[big] = 1.6
    weights /= weights.sum()
    league_idx = rng.choice(len(leagues), size=n, p=weights)
    by_league: dict[str, list[tuple[str, str]]] = {}
    for code, name, lc in banners:
        by_league.setdefault(lc, []).append((code, name))
    banner_pick = rng.random(n)
    b_code = np.empty(n, dtype=object)
    b_name = np.empty(n, dtype=object)
    for i, lc in enumerate(lcodes):
        rows = np.flatnonzero(league_idx == i)
        opts = by_league.get(lc, [])
        if not opts:
            b_code[rows], b_name[rows] = "", ""
            continue
        k = (banner_pick[rows] * (len(opts) + 1)).astype(int)  # one slot for league-level facts
        codes = np.array([c for c, _ in opts] + [""], dtype=object)
        names = np.array([nm for _, nm in opts] + [""], dtype=object)
        b_code[rows], b_name[rows] = codes[k], names[k]
    initiatives = np.array([""] + [f"合成举措{i:02d}" for i in range(40)], dtype=object)
    indicators = np.array(list(INDICATOR_LABELS), dtype=object)
    cat = rng.choice(["count", "money", "rate", "percent", "area"], size=n, p=[0.7, 0.12, 0.08, 0.05, 0.05])
    unit = np.select([cat == "count", cat == "money", cat == "rate", cat == "percent"], ["人", "元", "元", "%"], "亩")
    per = np.where(cat == "rate", "人", "")
    value = np.round(rng.lognormal(5, 2, size=n), 0)
    qualifier = rng.choice(["exact", "more", "approx", "less"], size=n, p=[0.7, 0.2, 0.07, 0.03])
    report = rng.integers(0, max(n // 20, 1), size=n)
    days = pd.to_datetime("2015-01-01") + pd.to_timedelta(report % 3650, unit="D")
    df = pd.DataFrame({
        "fact_id": [f"syn{i:09d}" for i in range(n)],
        "source_file": [f"synthetic_{r:07d}.txt" for r in report],
        "article_id": [f"synthetic_{r:07d}.txt#0" for r in report],
        "article_title": "合成报道（基准测试数据）",
        "published": days.strftime("%Y-%m-%d"),
        "league": np.array([lnames[lcodes[i]] for i in range(len(lcodes))], dtype=object)[league_idx],
        "league_code": np.array(lcodes, dtype=object)[league_idx],
        "banner": b_name, "banner_code": b_code, "township": "", "village": "",
        "region_level": np.where(b_code == "", "league", "banner"),
        "initiative": initiatives[rng.integers(0, len(initiatives), size=n)],
        "subject": rng.choice(["党员", "志愿者", "嘎查", "社区", "服务窗口", "项目", "资金", "受众"], size=n),
        "indicator": indicators[rng.integers(0, len(indicators), size=n)],
        "category": cat, "value": value, "value_low": np.where(qualifier == "more", value, np.nan),
        "value_high": np.nan, "qualifier": qualifier, "unit": unit, "per": per,
        "quote": "合成数据，仅供基准测试。",
        "span_start": 0, "span_end": 4, "confidence": 0.5,
    })
    return df.reindex(columns=list(FACT_COLUMNS), fill_value="")


def build_database(path: Path, n: int) -> tuple[str, float]:
    """Write n synthetic facts (plus documents and meta rows) into a new SQLite file."""
    import sqlite3

    t0 = time.perf_counter()
    df = with_measure_columns(synthetic_facts(n))  # measures, kinds, dates, repeats (bench_measures)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    cols = ", ".join(FACT_COLUMNS)
    types = {c: ("REAL" if c in ("value", "value_low", "value_high", "confidence")
                 else "INTEGER" if c in ("span_start", "span_end") else "TEXT") for c in FACT_COLUMNS}
    con.execute(f"CREATE TABLE facts ({', '.join(f'{c} {types[c]}' for c in FACT_COLUMNS)})")
    marks = ", ".join("?" * len(FACT_COLUMNS))
    obj = df.astype(object).where(df.notna(), None)
    for start in range(0, n, 100_000):
        con.executemany(f"INSERT INTO facts ({cols}) VALUES ({marks})",
                        obj.iloc[start:start + 100_000].itertuples(index=False, name=None))
    con.execute("CREATE INDEX ix_facts_league_banner ON facts (league, banner, initiative)")
    con.execute("CREATE TABLE documents (source_file TEXT PRIMARY KEY, status TEXT, loaded_at TEXT)")
    con.executemany("INSERT INTO documents VALUES (?, 'loaded', '2026-11-28T00:00:00+00:00')",
                    ((f,) for f in df["source_file"].unique()))
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    con.execute("INSERT INTO meta VALUES ('last_updated', '2026-11-28T00:00:00+00:00')")
    con.commit()
    con.close()
    return f"sqlite:///{path}", time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, body: dict | None = None, timeout: float = 120) -> tuple[dict | bytes, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
    dt = time.perf_counter() - t0
    try:
        return json.loads(raw), dt
    except ValueError:
        return raw, dt


def find_callback(deps: list[dict], output_part: str) -> dict:
    return next(d for d in deps if output_part in d["output"])


def payload(dep: dict, values: dict, changed: list[str]) -> dict:
    """Build a /_dash-update-component body for a callback from its dependency entry."""
    def outputs(spec: str) -> list[dict]:
        parts = spec.strip(".").split("...") if spec.startswith("..") else [spec]
        out = []
        for p in parts:
            cid, prop = p.rsplit(".", 1)
            out.append({"id": cid, "property": prop})
        return out
    outs = outputs(dep["output"])
    return {
        "output": dep["output"],
        "outputs": outs if dep["output"].startswith("..") else outs[0],
        "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
        "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in dep.get("state", [])],
        "changedPropIds": changed,
    }


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def ms(x: float) -> str:
    return f"{x * 1000:7.1f} ms"


CHROMIUM = "/usr/bin/chromium"
FLOOR_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="g"></div>
<script src="plotly.min.js"></script><script>
Plotly.newPlot("g", [{type: "bar", orientation: "h", x: [3, 2, 1], y: ["a", "b", "c"]}], {height: 300});
</script></body></html>"""


def start_gunicorn(env: dict, log_path: Path) -> tuple[subprocess.Popen, str]:
    """Start one gunicorn worker on a free port; return the process and the base URL once it answers."""
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "dashboard.app:server", "--workers", "1",
                             "--threads", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "300"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(1500):
        try:
            http_json(base + "/healthz", timeout=300)
            break
        except OSError:
            time.sleep(0.2)
    return proc, base


def first_load(url: str, ready: str, runs: int = 3) -> tuple[float, float, list[tuple[int, str]]]:
    """Open ``url`` in a new browser context (cold cache) ``runs`` times.

    Return the median time from navigation start to ``ready`` (a CSS selector), the median
    bytes transferred (compressed, as on the wire) and the largest responses of the last run.
    """
    from playwright.sync_api import sync_playwright

    times, sizes, top = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        for _ in range(runs):
            ctx = browser.new_context(viewport={"width": 1366, "height": 900})
            page = ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            got: dict[str, int] = {}
            urls: dict[str, str] = {}
            cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
            cdp.on("Network.loadingFinished", lambda e: got.__setitem__(e["requestId"], int(e["encodedDataLength"])))
            page.goto(url)
            page.wait_for_selector(ready, timeout=120000)
            t = page.evaluate("performance.now()")
            page.wait_for_load_state("networkidle")
            times.append(t / 1000)
            sizes.append(sum(got.values()))
            top = sorted(((n, urls.get(k, "?")) for k, n in got.items()), reverse=True)[:4]
            ctx.close()
        browser.close()
    return statistics.median(times), statistics.median(sizes), top


def bench_first_load(url: str, cache_dir: Path, tmp: Path) -> None:
    """Print first-load bytes and time to the first chart: compressed app, uncompressed app, floor."""
    import http.server
    import threading

    import plotly

    if not Path(CHROMIUM).exists():
        print("first load: skipped (needs Debian's chromium at /usr/bin/chromium)")
        return
    env = {**os.environ, "DATABASE_URL": url, "DASHBOARD_INCLUDE_SYNTHETIC": "1", "PYTHONPATH": str(ROOT),
           "DASHBOARD_CACHE_DIR": str(cache_dir), "DASHBOARD_PUBLIC_READ": "1"}  # the page itself, not the sign-in
    results = {}
    for label, extra in (("app, compressed (as served)", {}), ("app, compression off", {"DASHBOARD_COMPRESS": "0"})):
        proc, base = start_gunicorn({**env, **extra}, tmp / "gunicorn-first-load.log")
        try:
            first_load(base + "/", "#chart-league .bars path", runs=1)  # server warm-up (facts loaded, caches)
            results[label] = first_load(base + "/", "#chart-league .bars path")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    floor_dir = tmp / "floor"
    floor_dir.mkdir(exist_ok=True)
    (floor_dir / "index.html").write_text(FLOOR_PAGE, encoding="utf-8")
    (floor_dir / "plotly.min.js").write_bytes((Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes())
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(floor_dir), **k)  # noqa: E731
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a, **k: None
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        results["floor: bare page, same plotly.js, one bar chart (uncompressed)"] = first_load(
            f"http://127.0.0.1:{srv.server_address[1]}/index.html", "#g .bars path")
    finally:
        srv.shutdown()
    print()
    print("first load, cold browser cache (median of 3, Chromium headless, 1366x900):")
    print("                                                         first chart   transferred")
    for label, (t, size, _top) in results.items():
        print(f"  {label:<55} {t:8.2f} s   {size / 1e6:7.2f} MB")
    t, size, top = results["app, compressed (as served)"]
    floor = results["floor: bare page, same plotly.js, one bar chart (uncompressed)"][0]
    print("  largest responses: " + "; ".join(f"{n / 1e6:.2f} MB {u.rsplit('/', 1)[-1][:40]}" for n, u in top))
    print(f"  app / floor: {t / floor:.2f}x; goals: first chart < 1.5 s: {'yes' if t < 1.5 else 'NO'}; "
          f"transferred < 2 MB: {'yes' if size < 2e6 else 'NO'}; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--facts", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=60)
    ap.add_argument("--reuse", type=Path, help="an SQLite file from an earlier run (skips building)")
    ap.add_argument("--first-load", action="store_true",
                    help="only the first-load measurement (bytes and time to the first chart in Chromium)")
    args = ap.parse_args()
    print("machine:", machine())
    tmp = Path(tempfile.mkdtemp(prefix="bench_dashboard_"))
    if args.reuse and args.reuse.exists():
        url = f"sqlite:///{args.reuse}"
        print(f"reusing {args.reuse}")
    else:
        url, t_build = build_database(tmp / "bench.db", args.facts)
        print(f"built {args.facts:,} synthetic facts in {t_build:.1f} s ({tmp / 'bench.db'})")

    if args.first_load:
        bench_first_load(url, tmp / "frame-cache", tmp)
        return

    # ---- in-process: raw SQL and the same pandas queries on the same data
    engine = sa.create_engine(url)
    cache_dir = tmp / "frame-cache"
    source = FactSource(url, include_synthetic=True, cache_dir=str(cache_dir))
    t0 = time.perf_counter()
    snap = source.get()
    t_load = time.perf_counter() - t0  # from the database (and writes the Parquet copy)
    t0 = time.perf_counter()
    FactSource(url, include_synthetic=True, cache_dir=str(cache_dir)).get()
    t_load_cached = time.perf_counter() - t0
    df_all = snap.facts
    leagues = [v for v, _n in queries.value_counts(df_all, "league")]
    sql_t, pandas_t = [], []
    with engine.connect() as conn:
        for i in range(args.rounds):
            lg = leagues[i % len(leagues)]
            t0 = time.perf_counter()
            conn.execute(sa.text("SELECT banner, count(*) FROM facts WHERE league = :l GROUP BY banner"),
                         {"l": lg}).fetchall()
            conn.execute(sa.text("SELECT * FROM facts WHERE league = :l LIMIT 20"), {"l": lg}).fetchall()
            sql_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            f = queries.normalise(df_all, {"league": lg})
            sub = queries.apply_filters(df_all, f)
            m, rows = queries.choose_measure(sub, f)
            queries.by_banner(rows, m)
            queries.table_page(sub, 0)
            pandas_t.append(time.perf_counter() - t0)
    # the measure view (issue 12): its index is built once per snapshot (timed here), then per request
    t0 = time.perf_counter()
    measures = build_measure_data(df_all)
    t_measures = time.perf_counter() - t0
    counts = measures.index.table.groupby(["measure", "unit", "per"], sort=False, observed=True).size() \
        .sort_values(ascending=False)
    rng = np.random.default_rng(5)
    picks = list(counts.index[: max(1, args.rounds // 3)])  # the biggest measures, then random ones
    picks += list(counts.index[rng.integers(0, len(counts), size=args.rounds - len(picks))])
    measure_keys = [MeasureKey(*map(str, k)).to_value() for k in picks]
    measure_rows = len(measures.index.table)
    del measures
    big = queries.apply_filters(df_all, queries.Filters(league=BIG_LEAGUE)) if BIG_LEAGUE in leagues else df_all
    big = big.head(100_000) if len(big) >= 100_000 else df_all.head(100_000)
    t0 = time.perf_counter()
    csv_bytes = queries.to_csv_bytes(big)
    t_csv = time.perf_counter() - t0
    bench_rss = rss_mb(os.getpid())
    del snap, df_all, source, big
    engine.dispose()

    # ---- the app under gunicorn, timed through HTTP
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DASHBOARD_INCLUDE_SYNTHETIC": "1", "PYTHONPATH": str(ROOT),
           "DASHBOARD_CACHE_DIR": str(cache_dir), "DASHBOARD_PUBLIC_READ": "1"}  # read-only timing: no sign-in
    log = open(tmp / "gunicorn.log", "w")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "dashboard.app:server", "--workers", "1",
                             "--threads", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "300"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    t_spawn = time.perf_counter()
    try:
        for _ in range(1500):
            try:
                http_json(base + "/healthz", timeout=300)  # the first call loads the facts
                break
            except OSError:
                time.sleep(0.2)
        t_first = time.perf_counter() - t_spawn
        deps, _ = http_json(base + "/_dash-dependencies")
        sync = find_callback(deps, "filters-state.data")
        charts = find_callback(deps, "chart-league.figure")
        maps = find_callback(deps, "chart-map.figure")
        table = find_callback(deps, "facts-table.data")
        download = find_callback(deps, "download-filtered-file.data")
        indicators = [None, "people_reached", "funding", "volunteers", "events"]
        states = [(leagues[i % len(leagues)], indicators[(i // len(leagues)) % len(indicators)])
                  for i in range(args.rounds)]  # distinct states: every first request is a cache miss
        timings: dict[str, dict[str, list[float]]] = {}
        for phase in ("cold", "warm"):
            t = timings[phase] = {"sync": [], "charts": [], "table": [], "total": []}
            for lg, indicator in states:
                values = {"filters-league.value": lg, "filters-indicator.value": indicator, "page-url.search": "",
                          "facts-table.page_current": 0, "facts-table.sort_by": [], "facts-table.filter_query": ""}
                r, dt1 = http_json(base + "/_dash-update-component", payload(sync, values, ["filters-league.value"]))
                values["filters-state.data"] = r["response"]["filters-state"]["data"]
                r, dt2a = http_json(base + "/_dash-update-component", payload(charts, values, ["filters-state.data"]))
                values["summary-line.children"] = r["response"]["summary-line"]["children"]
                r, dt2b = http_json(base + "/_dash-update-component", payload(maps, values, ["summary-line.children"]))
                dt2 = dt2a + dt2b
                r, dt3 = http_json(base + "/_dash-update-component", payload(table, values, ["filters-state.data"]))
                assert r["response"]["facts-table"]["data"], "empty table page"
                for k, v in (("sync", dt1), ("charts", dt2), ("table", dt3), ("total", dt1 + dt2 + dt3)):
                    t[k].append(v)
        # the measure view, same server, same run: a measure (with a league chosen every other time)
        measure_cb = find_callback(deps, "measure-body.className")
        for phase in ("cold", "warm"):
            t = timings[phase]["measure"] = []
            for i, key in enumerate(measure_keys):
                state = {"league": [leagues[i % len(leagues)]]} if i % 2 else {}
                values = {"measure-state.data": key, "filters-state.data": state, "page-viewport.data": {"w": 1366}}
                r, dt = http_json(base + "/_dash-update-component", payload(measure_cb, values, ["measure-state.data"]))
                assert r["response"]["measure-body"]["className"] == "measure-body", r
                t.append(dt)
        values = {"filters-state.data": {"league": BIG_LEAGUE}, "facts-table.filter_query": "",
                  "download-filtered-csv.n_clicks": 1}
        r, t_dl = http_json(base + "/_dash-update-component", payload(download, values, ["download-filtered-csv.n_clicks"]))
        dl_size = len(r["response"]["download-filtered-file"]["data"]["content"]) * 3 // 4
        workers = children(proc.pid)
        server_rss = sum(rss_mb(p) for p in workers) or rss_mb(proc.pid)
        master_rss = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()

    print()
    print(f"facts: {args.facts:,} synthetic; leagues: {len(leagues)}; rounds: {args.rounds}")
    print(f"load into pandas (category dtypes): {t_load:.2f} s from the database, {t_load_cached:.2f} s from the "
          f"Parquet frame cache; gunicorn start to first answer (cache warm): {t_first:.2f} s")
    print("                                   median       p95")
    print(f"raw SQL (indexed, group-by + page): {ms(statistics.median(sql_t))}  {ms(pct(sql_t, .95))}")
    print(f"same query in pandas (in-process):  {ms(statistics.median(pandas_t))}  {ms(pct(pandas_t, .95))}")
    for phase in ("cold", "warm"):
        t = timings[phase]
        label = "first time (cache miss)" if phase == "cold" else "repeated (per-process cache hit)"
        print(f"-- HTTP, {label}:")
        print(f"   sync_state (league change):      {ms(statistics.median(t['sync']))}  {ms(pct(t['sync'], .95))}")
        print(f"   charts (bars, then map+treemap): {ms(statistics.median(t['charts']))}  {ms(pct(t['charts'], .95))}")
        print(f"   table page:                      {ms(statistics.median(t['table']))}  {ms(pct(t['table'], .95))}")
        print(f"   league -> charts + table:        {ms(statistics.median(t['total']))}  {ms(pct(t['total'], .95))}")
        print(f"   measure view (one request):      {ms(statistics.median(t['measure']))}  {ms(pct(t['measure'], .95))}")
    cold, warm = timings["cold"]["total"], timings["warm"]["total"]
    print(f"chain p95 / raw SQL p95: cold {pct(cold, .95) / pct(sql_t, .95):.1f}x, warm {pct(warm, .95) / pct(sql_t, .95):.1f}x")
    mcold = timings["cold"]["measure"]
    print(f"measure view: {len(set(measure_keys))} measures of {len(counts):,} ({measure_rows:,} rows in the measures "
          f"table, built once per data load in {t_measures:.2f} s); first-time p95 {ms(pct(mcold, .95)).strip()} = "
          f"{pct(mcold, .95) / pct(timings['cold']['charts'], .95):.2f}x the main charts callback's p95")
    print(f"100k-row CSV: {t_csv * 1000:.0f} ms in-process ({len(csv_bytes) / 1e6:.1f} MB); "
          f"download callback over HTTP ({BIG_LEAGUE}, {dl_size / 1e6:.1f} MB): {t_dl * 1000:.0f} ms")
    print(f"server RSS: worker {server_rss:.0f} MB (+ gunicorn master {master_rss:.0f} MB); "
          f"benchmark process {bench_rss:.0f} MB")
    for phase, xs in (("cold", cold), ("warm", warm)):
        print(f"goals ({phase}): chain p95 < 100 ms: {'yes' if pct(xs, .95) < 0.100 else 'NO'}; "
              f"within 5x raw SQL: {'yes' if pct(xs, .95) <= 5 * pct(sql_t, .95) else 'NO'}")
    print(f"goal: server memory < 1 GB: {'yes' if server_rss < 1024 else 'NO'}; "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    bench_first_load(url, cache_dir, tmp)


if __name__ == "__main__":
    main()
