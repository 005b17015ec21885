"""The dashboard under load: gunicorn with several workers, 50 simulated officials, SQLite and PostgreSQL.

    .venv/bin/python tests/benchmarks/bench_load.py --quick          # smoke test, under a minute
    .venv/bin/python tests/benchmarks/bench_load.py                  # 20 MB corpus, 50 users, 60 s
    .venv/bin/python tests/benchmarks/bench_load.py --mb 100         # the issue's 100 MB corpus
    .venv/bin/python tests/benchmarks/bench_load.py --db sqlite:////tmp/x.db   # reuse a database

In one run it:

1. writes a synthetic corpus of ``--mb`` MB with ``etl.synth`` (marked synthetic) into a temporary
   directory and loads it with the real CLI, ``python -m etl run DIR --database URL --no-export``,
   into a fresh SQLite file and into a fresh PostgreSQL database (a throw-away cluster started
   like tests/conftest.py does, as the ``postgres`` user when run as root; skipped with a message
   when the server binaries are missing). ``--db URL`` (repeatable) uses existing databases instead;
2. for each database, starts ``gunicorn dashboard.app:server --workers 2 --threads 4`` on
   127.0.0.1 with DATABASE_URL set and DASHBOARD_INCLUDE_SYNTHETIC=1 (synthetic facts are hidden
   by default; the switch shows them, so the load runs over the real volume), waits until it
   answers and warms both workers (each loads the facts once; the Parquet frame cache makes the
   second worker's load fast);
3. plays ``--users`` officials (default 50) for ``--seconds`` (default 60) with httpx/asyncio:
   open the page (GET /, /_dash-layout, /_dash-dependencies and the initial callbacks), choose a
   league, then one of its banners (each: filters callback → charts + table callbacks, as the
   browser sends them), page the table twice, download the filtered CSV; think time 50–250 ms
   (``--pace``; ``--pace 0.05-0.25,1-3`` also plays a person's pace on the same server);
4. prints requests/s, median/p95/max latency per request type and overall, errors (non-200, or a
   callback answer without a response), and whether the goals are met (zero errors, p95 < 300 ms).

Everything is bounded: sessions per user, the run time, every request's timeout; gunicorn and the
PostgreSQL cluster are always stopped. Only 127.0.0.1 (and a Unix socket) is contacted.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import httpx  # noqa: E402

import load_scenario as L  # noqa: E402


def count_facts(url: str) -> tuple[int, int]:
    import sqlalchemy as sa  # noqa: PLC0415

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            n_facts = conn.execute(sa.text("SELECT count(*) FROM facts")).scalar()
            n_docs = conn.execute(sa.text("SELECT count(*) FROM documents")).scalar()
        return int(n_facts), int(n_docs)
    finally:
        engine.dispose()


def warm_up(server: L.Server, rounds: int = 4, parallel: int = 8) -> float:
    """Hit /healthz in parallel until both workers have answered (each has loaded its snapshot)."""
    t0 = time.perf_counter()

    async def go() -> None:
        async with httpx.AsyncClient(base_url=server.base, timeout=300) as c:
            for r in range(rounds):
                await asyncio.gather(*(c.get(f"/healthz?warm={r}-{i}") for i in range(parallel)))

    asyncio.run(go())
    return time.perf_counter() - t0


def parse_paces(text: str) -> list[tuple[float, float]]:
    """'0.05-0.25,1-3' -> [(0.05, 0.25), (1.0, 3.0)] (think time ranges in seconds)."""
    out = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        lo_f = float(lo)
        hi_f = float(hi) if hi else lo_f
        if not 0 < lo_f <= hi_f:
            raise SystemExit(f"--pace: bad think-time range {part!r} (want e.g. 0.05-0.25; must be > 0)")
        out.append((lo_f, hi_f))
    return out


def bench_one(label: str, url: str, work: Path, args) -> list[dict]:
    """Start gunicorn over url, then play each pace (think-time range) in turn; return one result per pace."""
    n_facts, n_docs = count_facts(url)
    print(f"\n== {label}: {n_docs:,} documents, {n_facts:,} facts; gunicorn --workers {args.workers} "
          f"--threads {args.threads}", flush=True)
    results = []
    t0 = time.perf_counter()
    with L.gunicorn(url, work / label, workers=args.workers, threads=args.threads) as server:
        t_ready = time.perf_counter() - t0
        t_warm = warm_up(server)
        workers = server.worker_pids()
        print(f"gunicorn ready (first worker loaded the facts) in {t_ready:.1f} s; warm-up of both workers "
              f"{t_warm:.1f} s; worker PIDs {workers}", flush=True)
        for think in args.paces:
            print(f"\n-- {label}: {args.users} users for {args.seconds:.0f} s, think time "
                  f"{think[0] * 1000:.0f}-{think[1] * 1000:.0f} ms between actions", flush=True)
            cpu0 = {p: L.cpu_seconds(p) for p in workers}
            self0 = resource.getrusage(resource.RUSAGE_SELF)
            load0 = os.getloadavg()[0]
            stats, wall = asyncio.run(L.run_load(server.base, users=args.users, seconds=args.seconds,
                                                 max_sessions=args.max_sessions, think=think, timeout=args.timeout))
            crashed = server.proc.poll() is not None
            server_cpu = sum(L.cpu_seconds(p) - cpu0[p] for p in workers)
            self1 = resource.getrusage(resource.RUSAGE_SELF)
            gen_cpu = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
            text, met = L.report(stats, wall, p95_goal=args.p95_ms / 1000)
            print(text)
            n_req = sum(len(v) for v in stats.latencies.values())
            print(f"CPU during the load: gunicorn workers {server_cpu:.0f} s = {server_cpu / wall:.2f} cores "
                  f"({server_cpu / max(n_req, 1) * 1000:.0f} ms CPU a request); load generator {gen_cpu:.0f} s = "
                  f"{gen_cpu / wall:.2f} cores; machine has {os.cpu_count()} CPUs; 1-min load average "
                  f"{load0:.1f} before, {os.getloadavg()[0]:.1f} after")
            if crashed:
                print("gunicorn master exited during the run (see its log)")
                met = False
            print(f"{label}: goals {'MET' if met else 'NOT met'}", flush=True)
            results.append({"backend": label, "think_s": list(think), "facts": n_facts, "documents": n_docs,
                            "met": met, "figures": L.json_figures(stats, wall), "server_cpu_s": server_cpu,
                            "generator_cpu_s": gen_cpu, "wall_s": wall})
            if crashed:
                break
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--mb", type=float, default=20.0, help="synthetic corpus size in MB (default 20; issue 5: 100)")
    ap.add_argument("--users", type=int, default=50, help="concurrent simulated officials (default 50)")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of the load phase (default 60)")
    ap.add_argument("--max-sessions", type=int, default=50, help="sessions per user at most (default 50)")
    ap.add_argument("--pace", default="0.05-0.25", metavar="LO-HI[,LO-HI]",
                    help="think time between a user's actions, seconds; several ranges run one after the other "
                         "on the same server (default 0.05-0.25: a stress test; 1-3 is closer to a person)")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout, s (default 30)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    ap.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    ap.add_argument("--p95-ms", type=float, default=300.0, help="p95 goal in ms (default 300)")
    ap.add_argument("--backends", default="sqlite,postgresql", help="comma list (default sqlite,postgresql)")
    ap.add_argument("--db", action="append", default=[], metavar="URL",
                    help="use this existing database instead of building one (repeatable)")
    ap.add_argument("--etl-workers", type=int, default=None, help="--workers for python -m etl run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (corpus, SQLite file, gunicorn logs; the PostgreSQL "
                         "cluster is always removed)")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: 0.1 MB corpus, 10 users, 5 s, SQLite and PostgreSQL (about a minute); exit "
                         "status 0 when no request failed (the full run's status also needs the p95 goal)")
    args = ap.parse_args()
    args.paces = parse_paces(args.pace)
    if args.quick:
        args.mb, args.users, args.seconds, args.max_sessions = min(args.mb, 0.1), 10, 5.0, 5
    print("machine:", L.machine(), flush=True)
    print(f"goals: zero errors, p95 < {args.p95_ms:.0f} ms (issue 5)")
    work = Path(tempfile.mkdtemp(prefix="bench_load_"))
    results = []
    try:
        targets: list[tuple[str, str]] = []
        if args.db:
            for url in args.db:
                targets.append(("postgresql" if url.startswith("postgresql") else "sqlite", url))
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        with contextlib.ExitStack() as stack:
            if not args.db:
                n = L.reports_for_mb(args.mb)
                t0 = time.perf_counter()
                summary = L.build_corpus(work / "corpus", n)
                print(f"corpus: {summary.reports} synthetic reports, {summary.bytes / 1e6:.1f} MB, "
                      f"{summary.facts} facts in the answer keys, written in {time.perf_counter() - t0:.1f} s", flush=True)
                loads: list[tuple[str, str]] = []
                if "sqlite" in backends:
                    loads.append(("sqlite", f"sqlite:///{work / 'load.db'}"))
                if "postgresql" in backends:
                    conf = L.conftest_module()
                    try:
                        pg = stack.enter_context(conf.start_postgres_cluster())
                    except conf.PostgresUnavailable as exc:
                        print(f"PostgreSQL SKIPPED: {exc}", flush=True)
                    else:
                        pg.admin('CREATE DATABASE "bench_load"')
                        loads.append(("postgresql", pg.url("bench_load")))
                # Both loads at once (separate databases): the same CLI, half the waiting.
                times = L.run_etls([(work / "corpus", url) for _label, url in loads], args.etl_workers)
                for (label, url), t in zip(loads, times):
                    print(f"loaded into {label} with python -m etl run --no-export in {t:.1f} s"
                          + (" (the loads ran at the same time)" if len(loads) > 1 else ""), flush=True)
                targets.extend(loads)
            for label, url in targets:
                results.extend(bench_one(label, url, work, args))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\n== summary")
    for r in results:
        a = r["figures"]["ALL"]
        think = "-".join(f"{x * 1000:.0f}" for x in r["think_s"])
        print(f"{r['backend']:<11} {r['facts']:>9,} facts, think {think} ms: {a['requests_per_s']:.1f} req/s, median "
              f"{a['median_ms']:.0f} ms, p95 {a['p95_ms']:.0f} ms, errors {a['errors']} -> goals "
              f"{'met' if r['met'] else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({"machine": L.machine(), "args": {k: str(v) for k, v in vars(args).items()},
                                         "results": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.quick:  # a smoke test: it must run cleanly; the latency goal is for the full run
        return 0 if results and all(r["figures"]["ALL"]["errors"] == 0 for r in results) else 1
    return 0 if results and all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
