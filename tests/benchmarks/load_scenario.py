"""Shared pieces of the dashboard load benchmark and the scale-out test (issue 5).

- building a database from a synthetic corpus (``etl.synth`` + ``python -m etl run``);
- starting the dashboard under gunicorn (several workers, synthetic facts switched on with
  DASHBOARD_INCLUDE_SYNTHETIC=1, a private frame-cache directory, an access log that records the
  worker PID of every request) and always stopping it;
- Dash callback payloads built from the app's own ``/_dash-dependencies`` (as in
  bench_dashboard.py), so the requests are exactly what the browser sends;
- one simulated official (``Official``): opens the page, changes league then banner, pages the
  table and downloads a CSV, with a small think time; every request is timed and checked.

Only 127.0.0.1 is ever contacted.
"""
from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402, F401  (bench_load prints L.machine())

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The Dash component ids the scenario drives (dashboard/ids.py; the required ones never change).
LEAGUE, BANNER, STATE, TABLE = "filters-league", "filters-banner", "filters-state", "facts-table"
URL, DOWNLOAD, TABLE_COUNT = "page-url", "download-filtered-csv", "table-count"


# --------------------------------------------------------------------------------------------
# Machine, ports
# --------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------
# PostgreSQL: the cluster helper of tests/conftest.py, imported by path
# --------------------------------------------------------------------------------------------

def conftest_module():
    """Import tests/conftest.py (start_postgres_cluster, PostgresUnavailable) without pytest's help."""
    name = "_etl_tests_conftest"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# --------------------------------------------------------------------------------------------
# Corpus and database
# --------------------------------------------------------------------------------------------

def reports_for_mb(mb: float, seed: int = 0) -> int:
    """Number of synthetic reports that make about ``mb`` MB (same estimate as bench_etl.py)."""
    from etl.synth import generate_report  # noqa: PLC0415

    sample = [len(generate_report(i, seed)[0].encode("utf-8")) for i in range(1, 61)]
    return max(4, round(mb * 1e6 / (sum(sample) / len(sample))))


def build_corpus(out: Path, n_reports: int, seed: int = 0):
    """Write n synthetic reports (no answer keys) into out; return etl.synth's Summary."""
    from etl.synth import generate  # noqa: PLC0415

    return generate(n_reports, out, seed, answer_keys=False)


def subset_corpus(full: Path, out: Path, n: int) -> list[str]:
    """Copy the first n reports of a corpus (and their manifest rows) into out; return their names."""
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in full.glob("synthetic_*.txt"))[:n]
    for name in names:
        shutil.copy2(full / name, out / name)
    lines = (full / "manifest.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    keep = set(names)
    (out / "manifest.csv").write_text(lines[0] + "".join(ln for ln in lines[1:] if ln.split(",", 1)[0] in keep),
                                      encoding="utf-8")
    return names


def etl_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="120", TERM="dumb")
    return env


def etl_command(corpus: Path, url: str, workers: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "etl", "run", str(corpus), "--database", url, "--no-export"]
    if workers:
        cmd += ["--workers", str(workers)]
    return cmd


def run_etl(corpus: Path, url: str, workers: int | None = None, timeout: float = 3600) -> float:
    """Load corpus into url with the real CLI; return seconds. Raises on a non-zero exit."""
    t0 = time.perf_counter()
    r = subprocess.run(etl_command(corpus, url, workers), cwd=ROOT, env=etl_env(), capture_output=True, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"python -m etl run failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return time.perf_counter() - t0


def run_etls(jobs: list[tuple[Path, str]], workers: int | None = None, timeout: float = 3600) -> list[float]:
    """Run several ``python -m etl run`` loads at the same time (different databases); return seconds each."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(etl_command(corpus, url, workers), cwd=ROOT, env=etl_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for corpus, url in jobs]
    times = []
    try:
        for p in procs:
            out, _ = p.communicate(timeout=max(1.0, timeout - (time.perf_counter() - t0)))
            times.append(time.perf_counter() - t0)
            if p.returncode != 0:
                raise RuntimeError(f"python -m etl run failed ({p.returncode}):\n{out[-3000:]}")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    return times


# --------------------------------------------------------------------------------------------
# gunicorn
# --------------------------------------------------------------------------------------------

@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    log: Path
    access_log: Path

    def worker_pids(self) -> list[int]:
        with contextlib.suppress(OSError):
            return [int(x) for x in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        return []


def gunicorn_bin() -> str:
    exe = Path(sys.executable).parent / "gunicorn"
    return str(exe) if exe.exists() else (shutil.which("gunicorn") or "gunicorn")


@contextlib.contextmanager
def gunicorn(url: str, workdir: Path, *, workers: int = 2, threads: int = 4, ready_timeout: float = 300,
             env_extra: dict | None = None) -> Iterator[Server]:
    """Run ``gunicorn dashboard.app:server`` over url; wait until /healthz answers; always stop it.

    The access log line of every request is ``PID STATUS PATH?QUERY DURATION_US`` so a caller can
    tell which worker answered a request it marked with a query string.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log, access = workdir / f"gunicorn-{port}.log", workdir / f"access-{port}.log"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # Read-only load: reading without signing in (DASHBOARD_PUBLIC_READ=1, issue 11); callers may override.
    env.update(DATABASE_URL=url, DASHBOARD_INCLUDE_SYNTHETIC="1", DASHBOARD_PUBLIC_READ="1", PYTHONPATH=str(ROOT),
               DASHBOARD_CACHE_DIR=str(workdir / "frame-cache"))
    env.update(env_extra or {})
    cmd = [gunicorn_bin(), "dashboard.app:server", "--workers", str(workers), "--threads", str(threads),
           "--bind", f"127.0.0.1:{port}", "--timeout", "300", "--graceful-timeout", "5",
           "--access-logfile", str(access), "--access-logformat", "%(p)s %(s)s %(U)s?%(q)s %(D)s"]
    with open(log, "wb") as logf:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=logf, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", log, access)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
            try:
                if httpx.get(server.base + "/healthz", timeout=ready_timeout).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready after {ready_timeout:.0f} s:\n"
                                   f"{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop gunicorn (its own process group: master and workers), by its id; kill if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc), or 0.0."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def access_pids(server: Server) -> dict[str, int]:
    """Map each logged 'path?query' to the PID of the worker that answered it."""
    out = {}
    with contextlib.suppress(OSError):
        for line in server.access_log.read_text(errors="replace").splitlines():
            parts = line.split()  # gunicorn writes %(p)s as "<PID>"
            if len(parts) >= 3 and parts[0].strip("<>").isdigit():
                out[parts[2]] = int(parts[0].strip("<>"))
    return out


# --------------------------------------------------------------------------------------------
# Dash payloads (the way bench_dashboard.py builds them)
# --------------------------------------------------------------------------------------------

def find_callback(deps: list[dict], output_part: str) -> dict:
    return next(d for d in deps if output_part in d["output"])


def payload(dep: dict, values: dict, changed: list[str]) -> dict:
    """Build a /_dash-update-component body for a callback from its dependency entry."""
    multi = dep["output"].startswith("..")
    parts = dep["output"].strip(".").split("...") if multi else [dep["output"]]
    outs = [dict(zip(("id", "property"), p.rsplit(".", 1))) for p in parts]
    return {
        "output": dep["output"],
        "outputs": outs if multi else outs[0],
        "inputs": [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep["inputs"]],
        "state": [{**s, "value": values.get(f"{s['id']}.{s['property']}")} for s in dep.get("state", [])],
        "changedPropIds": changed,
    }


def find_component(node, component_id: str):
    """Find a component (dict) by id in a /_dash-layout tree."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == component_id:
            return node
        for v in (props.values() if isinstance(props, dict) else node.values()):
            hit = find_component(v, component_id)
            if hit is not None:
                return hit
    elif isinstance(node, list):
        for v in node:
            hit = find_component(v, component_id)
            if hit is not None:
                return hit
    return None


def option_values(options) -> list[str]:
    vals = []
    for o in options or []:
        v = o.get("value") if isinstance(o, dict) else o
        if isinstance(v, str) and v:
            vals.append(v)
    return vals


@dataclass
class Callbacks:
    sync: dict
    charts: dict
    table: dict
    download: dict
    leagues: list[str]
    maps: dict | None = None  # map + treemap, asked for once the bar charts arrive (issue 13)

    @classmethod
    def fetch(cls, base: str) -> Callbacks:
        deps = httpx.get(base + "/_dash-dependencies", timeout=120).json()
        layout = httpx.get(base + "/_dash-layout", timeout=120).json()
        league = find_component(layout, LEAGUE)
        leagues = option_values(league["props"].get("options")) if league else []
        maps = next((d for d in deps if "chart-map.figure" in d["output"]), None)
        return cls(find_callback(deps, f"{STATE}.data"), find_callback(deps, "chart-league.figure"),
                   find_callback(deps, f"{TABLE}.data"), find_callback(deps, "download-filtered-file.data"), leagues,
                   maps)


def table_total(response: dict) -> int | None:
    """The fact count the table callback reports ('共 N 条'), or 0 for the empty message."""
    text = str(response.get(TABLE_COUNT, {}).get("children", ""))
    digits = "".join(ch for ch in text.split("条")[0] if ch.isdigit())
    return int(digits) if digits else 0


# --------------------------------------------------------------------------------------------
# Simulated officials
# --------------------------------------------------------------------------------------------

@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    sessions: int = 0

    def record(self, kind: str, seconds: float, ok: bool, why: str = "") -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {why}"[:300])


class Official:
    """One simulated official. Each session: open the page (GET /, layout, dependencies, the initial
    callbacks), choose a league, then a banner of it (each: filters → charts + table), page the
    table twice, download the filtered CSV. Think time between actions: uniform(think_min, think_max).
    """

    def __init__(self, client: httpx.AsyncClient, cb: Callbacks, stats: Stats, rng: random.Random, *,
                 think: tuple[float, float] = (0.05, 0.25)):
        self.client, self.cb, self.stats, self.rng, self.think = client, cb, stats, rng, think

    async def _pause(self) -> None:
        await asyncio.sleep(self.rng.uniform(*self.think))

    async def get(self, kind: str, path: str) -> bool:
        t0 = time.perf_counter()
        try:
            r = await self.client.get(path)
            ok, why = r.status_code == 200, f"HTTP {r.status_code}"
        except httpx.HTTPError as exc:
            ok, why = False, f"{type(exc).__name__}: {exc}"
        self.stats.record(kind, time.perf_counter() - t0, ok, why)
        return ok

    async def callback(self, kind: str, dep: dict, values: dict, changed: list[str]) -> dict | None:
        t0 = time.perf_counter()
        body = None
        try:
            r = await self.client.post("/_dash-update-component", json=payload(dep, values, changed))
            if r.status_code == 200:
                body = r.json().get("response")
                why = "" if isinstance(body, dict) else "no 'response' in the callback answer"
            else:
                why = f"HTTP {r.status_code}: {r.text[:200]}"
        except (httpx.HTTPError, ValueError) as exc:
            why = f"{type(exc).__name__}: {exc}"
        ok = isinstance(body, dict)
        self.stats.record(kind, time.perf_counter() - t0, ok, why)
        return body if ok else None

    async def charts(self, values: dict) -> dict | None:
        """The bar charts, then (as the browser does once they are drawn) the map and the treemap."""
        resp = await self.callback("charts", self.cb.charts, values, [f"{STATE}.data"])
        if resp is None or self.cb.maps is None:
            return resp
        values["summary-line.children"] = resp.get("summary-line", {}).get("children")
        await self.callback("map+treemap", self.cb.maps, values, ["summary-line.children"])
        return resp

    async def apply(self, values: dict, changed: str, kind: str) -> dict | None:
        """A filter change: sync_state, then charts and table in parallel (as the browser does)."""
        resp = await self.callback(f"filters ({kind})", self.cb.sync, values, [changed])
        if resp is None:
            return None
        state = resp.get(STATE, {}).get("data")
        values[f"{STATE}.data"] = state
        charts, table = await asyncio.gather(
            self.charts(values),
            self.callback("table", self.cb.table, values, [f"{STATE}.data"]))
        if table is None:
            return None
        return resp

    async def session(self) -> None:
        for kind, path in (("GET /", "/"), ("layout", "/_dash-layout"), ("dependencies", "/_dash-dependencies")):
            if not await self.get(kind, path):
                return
        values: dict = {f"{URL}.search": "", f"{TABLE}.page_current": 0, f"{TABLE}.sort_by": [],
                        f"{TABLE}.filter_query": ""}
        if await self.apply(values, f"{URL}.search", "page load") is None:
            return
        await self._pause()
        if not self.cb.leagues:
            return
        values[f"{LEAGUE}.value"] = self.rng.choice(self.cb.leagues)
        values[f"{BANNER}.value"] = None
        resp = await self.apply(values, f"{LEAGUE}.value", "league")
        if resp is None:
            return
        await self._pause()
        banners = option_values(resp.get(BANNER, {}).get("options"))
        if banners:
            values[f"{BANNER}.value"] = self.rng.choice(banners)
            if await self.apply(values, f"{BANNER}.value", "banner") is None:
                return
            await self._pause()
        for page in (1, 2):
            values[f"{TABLE}.page_current"] = page
            await self.callback("table page", self.cb.table, values, [f"{TABLE}.page_current"])
            await self._pause()
        values[f"{DOWNLOAD}.n_clicks"] = 1
        resp = await self.callback("download CSV", self.cb.download, values, [f"{DOWNLOAD}.n_clicks"])
        if resp is not None and not resp.get("download-filtered-file", {}).get("data", {}).get("content"):
            self.stats.record("download CSV (empty)", 0.0, False, "the download callback returned no content")
        self.stats.sessions += 1
        await self._pause()


async def run_load(base: str, *, users: int = 50, seconds: float = 60, max_sessions: int = 20,
                   think: tuple[float, float] = (0.05, 0.25), seed: int = 0,
                   timeout: float = 30.0) -> tuple[Stats, float]:
    """Play ``users`` officials against base for ``seconds`` (each at most ``max_sessions`` sessions).

    Users start spread over the first second. No new session starts after the deadline; sessions
    in flight finish (each request bounded by ``timeout``); the whole run is cut off at
    seconds + 2 × timeout in any case. Returns (stats, wall seconds).
    """
    cb = Callbacks.fetch(base)
    stats = Stats()
    # gunicorn closes a keep-alive connection after 2 s idle (--keep-alive 2); a client that reuses it at
    # that moment gets a ReadError a browser would silently retry. Expire idle connections first.
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users, keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        t_start = time.monotonic()
        deadline = t_start + seconds

        async def user(i: int) -> None:
            rng = random.Random(f"{seed}:{i}")
            await asyncio.sleep(rng.uniform(0, min(1.0, seconds / 5)))
            off = Official(client, cb, stats, rng, think=think)
            for _ in range(max_sessions):
                if time.monotonic() >= deadline:
                    break
                await off.session()

        tasks = [asyncio.create_task(user(i)) for i in range(users)]
        done, pending = await asyncio.wait(tasks, timeout=seconds + 2 * timeout)
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for t in done:
            if t.exception() is not None:
                stats.record("load generator", 0.0, False, repr(t.exception()))
        wall = time.monotonic() - t_start
    return stats, wall


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def report(stats: Stats, wall: float, *, p95_goal: float = 0.300) -> tuple[str, bool]:
    """Return (table text, goals met)."""
    import statistics  # noqa: PLC0415

    everything = [x for xs in stats.latencies.values() for x in xs]
    n_err = sum(stats.errors.values())
    lines = [f"{'request':<24}{'count':>8}{'errors':>8}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"]
    for kind in sorted(stats.latencies, key=lambda k: -len(stats.latencies[k])):
        xs = stats.latencies[kind]
        lines.append(f"{kind:<24}{len(xs):>8}{stats.errors.get(kind, 0):>8}{statistics.median(xs) * 1000:>11.1f}"
                     f"{pct(xs, .95) * 1000:>9.1f}{max(xs) * 1000:>9.1f}")
    if everything:
        lines.append(f"{'ALL':<24}{len(everything):>8}{n_err:>8}{statistics.median(everything) * 1000:>11.1f}"
                     f"{pct(everything, .95) * 1000:>9.1f}{max(everything) * 1000:>9.1f}")
    rps = len(everything) / wall if wall else 0.0
    lines.append(f"{len(everything)} requests in {wall:.1f} s = {rps:.1f} requests/s; "
                 f"{stats.sessions} complete user sessions")
    p95 = pct(everything, .95) if everything else float("inf")
    met = n_err == 0 and p95 < p95_goal and bool(everything)
    lines.append(f"goals: zero errors: {'yes' if n_err == 0 else f'NO ({n_err})'}; "
                 f"p95 < {p95_goal * 1000:.0f} ms: {'yes' if p95 < p95_goal else f'NO ({p95 * 1000:.0f} ms)'}")
    for s in stats.error_samples:
        lines.append(f"  error sample: {s}")
    return "\n".join(lines), met


def json_figures(stats: Stats, wall: float) -> dict:
    import statistics  # noqa: PLC0415

    out = {}
    for kind, xs in stats.latencies.items():
        out[kind] = {"count": len(xs), "errors": stats.errors.get(kind, 0),
                     "median_ms": statistics.median(xs) * 1000, "p95_ms": pct(xs, .95) * 1000}
    everything = [x for xs in stats.latencies.values() for x in xs]
    out["ALL"] = {"count": len(everything), "errors": sum(stats.errors.values()),
                  "median_ms": statistics.median(everything) * 1000 if everything else None,
                  "p95_ms": pct(everything, .95) * 1000 if everything else None,
                  "requests_per_s": len(everything) / wall if wall else None}
    return json.loads(json.dumps(out))
