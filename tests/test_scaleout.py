"""Scale-out path (issue 5): several dashboard workers over one PostgreSQL database while the ETL loads.

One real PostgreSQL server (the conftest cluster), the dashboard under real gunicorn with two
workers, and ``python -m etl run`` loading new synthetic reports into the same database in a
subprocess. Checked:

(a) no reader sees a half-loaded document: while the ETL runs, a separate READ COMMITTED
    connection checks again and again, in one statement (one snapshot), that every document
    marked loaded has exactly ``documents.n_facts`` facts and that there are no other facts;
    meanwhile the dashboard is asked for its fact count (``/healthz`` and the table callback's
    "共 N 条"), and every count it reports must be a consistent total: the facts of the documents
    loaded before the run plus those of the first k new documents, in the order they were stored;
(b) caches refresh when new data lands: after the ETL finishes, every gunicorn worker (told apart
    by the PID the access log records for each request) reports the new total within the app's
    cache check interval plus a margin.

Synthetic facts are hidden by default; DASHBOARD_INCLUDE_SYNTHETIC=1 shows them (set by the
gunicorn helper). Takes about 30–60 s, mostly process start-up.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent / "benchmarks"))

import load_scenario as L  # noqa: E402

N_REPORTS, N_FIRST = 400, 10  # storing the new reports takes several of the dashboard's cache-check intervals
CHECK_EVERY = 3.0          # dashboard.data.FactSource.check_every (the app's default)
REFRESH_MARGIN = 20.0      # reload time (read the facts, rebuild the frame) and scheduling on a busy machine
ETL_TIMEOUT = 120.0

CONSISTENCY_SQL = """
SELECT
  (SELECT count(*) FROM documents d
    WHERE d.status = 'loaded'
      AND d.n_facts <> (SELECT count(*) FROM facts f WHERE f.source_file = d.source_file)) AS half_loaded,
  (SELECT count(*) FROM documents d
    WHERE d.status <> 'loaded'
      AND EXISTS (SELECT 1 FROM facts f WHERE f.source_file = d.source_file)) AS facts_of_unloaded,
  (SELECT count(*) FROM facts f
    WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.source_file = f.source_file)) AS orphan_facts,
  (SELECT coalesce(sum(n_facts), 0) FROM documents WHERE status = 'loaded') AS expected,
  (SELECT count(*) FROM facts) AS actual
"""


class SqlReader(threading.Thread):
    """Check the consistency rule in a loop from its own READ COMMITTED connection."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.engine = sa.create_engine(url, isolation_level="READ COMMITTED")
        self.stop = threading.Event()
        self.checks = 0
        self.problems: list[str] = []
        self.totals: list[int] = []
        self.changed: list[float] = []

    def run(self) -> None:
        try:
            with self.engine.connect() as conn:
                while not self.stop.is_set():
                    half, unloaded, orphans, expected, actual = conn.execute(sa.text(CONSISTENCY_SQL)).one()
                    conn.commit()  # end the transaction: the next check sees newly committed documents
                    self.checks += 1
                    if half or unloaded or orphans or expected != actual:
                        self.problems.append(f"check {self.checks}: {half} half-loaded documents, {unloaded} "
                                             f"unloaded with facts, {orphans} orphan facts, n_facts sum {expected} "
                                             f"vs {actual} facts")
                    if not self.totals or self.totals[-1] != actual:
                        self.totals.append(int(actual))
                        self.changed.append(time.monotonic())
                    time.sleep(0.01)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.problems.append(f"reader failed: {exc!r}")
        finally:
            self.engine.dispose()


def fact_total(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text("SELECT count(*) FROM facts")).scalar())
    finally:
        engine.dispose()


def loaded_documents(url: str) -> list[tuple[str, int, str]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [(r[0], int(r[1]), str(r[2])) for r in conn.execute(sa.text(
                "SELECT source_file, n_facts, loaded_at FROM documents WHERE status = 'loaded' "
                "ORDER BY loaded_at, source_file"))]
    finally:
        engine.dispose()


class Probe:
    """Ask /healthz with a unique marker, so the access log tells which worker answered."""

    def __init__(self, server: L.Server):
        self.server = server
        self.n = 0
        self.answers: dict[str, int] = {}  # "/healthz?probe=N" -> facts reported
        self.lock = threading.Lock()

    def one(self, client: httpx.Client) -> int:
        with self.lock:
            self.n += 1
            key = f"/healthz?probe={self.n}"
        r = client.get(key)
        assert r.status_code == 200, f"{key}: HTTP {r.status_code} {r.text[:300]}"
        facts = int(r.json()["facts"])
        with self.lock:
            self.answers[key] = facts
        return facts

    def batch(self, size: int = 6) -> list[int]:
        # Separate connections at the same time, so the requests spread over the workers.
        def go(_i: int) -> int:
            with httpx.Client(base_url=self.server.base, timeout=60) as c:
                return self.one(c)

        with ThreadPoolExecutor(size) as pool:
            return list(pool.map(go, range(size)))

    def latest_by_worker(self) -> dict[int, int]:
        """Worker PID -> the facts count of its latest answered probe."""
        pids = L.access_pids(self.server)
        out: dict[int, tuple[int, int]] = {}
        with self.lock:
            answers = dict(self.answers)
        for key, facts in answers.items():
            pid = pids.get(key)
            n = int(key.rsplit("=", 1)[1])
            if pid is not None and (pid not in out or out[pid][0] < n):
                out[pid] = (n, facts)
        return {pid: facts for pid, (_n, facts) in out.items()}


def wait_for_workers(probe: Probe, want: int, workers: list[int], timeout: float) -> float:
    """Probe until every worker's latest answer is ``want``; return the seconds it took."""
    t0 = time.monotonic()
    while True:
        probe.batch()
        time.sleep(0.2)  # let gunicorn write the access-log lines
        latest = probe.latest_by_worker()
        if all(latest.get(pid) == want for pid in workers):
            return time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            pytest.fail(f"after {timeout:.0f} s the workers report {latest} facts (PID -> facts), expected {want} "
                        f"from every worker {workers}")


def test_dashboard_workers_and_etl_share_one_postgresql(postgresql_url: str, tmp_path: Path) -> None:
    url = postgresql_url
    full, incoming = tmp_path / "full", tmp_path / "incoming"
    L.build_corpus(full, N_REPORTS)
    L.subset_corpus(full, incoming, N_FIRST)
    L.run_etl(incoming, url, workers=1, timeout=ETL_TIMEOUT)
    before = {name for name, _n, _at in loaded_documents(url)}
    baseline = fact_total(url)
    assert len(before) == N_FIRST and baseline > 0

    with L.gunicorn(url, tmp_path / "gunicorn", workers=2, threads=4, ready_timeout=120) as server:
        workers = server.worker_pids()
        assert len(workers) == 2, f"expected 2 gunicorn workers, found {workers}"
        probe = Probe(server)
        wait_for_workers(probe, baseline, workers, timeout=60)  # both workers loaded the first reports
        cb = L.Callbacks.fetch(server.base)

        # New reports arrive in the directory; the ETL loads them while the dashboard serves.
        for p in sorted(full.glob("synthetic_*.txt")):
            if not (incoming / p.name).exists():
                (incoming / p.name).write_bytes(p.read_bytes())
        (incoming / "manifest.csv").write_bytes((full / "manifest.csv").read_bytes())

        reader = SqlReader(url)
        reader.start()
        seen: list[tuple[str, int]] = []
        etl_log = open(tmp_path / "etl.log", "w")
        etl = subprocess.Popen(L.etl_command(incoming, url, workers=1), cwd=L.ROOT, env=L.etl_env(),
                               stdout=etl_log, stderr=subprocess.STDOUT)
        t_etl = time.monotonic()
        try:
            with httpx.Client(base_url=server.base, timeout=60) as client:
                values = {"filters-state.data": {}, "facts-table.page_current": 0, "facts-table.sort_by": [],
                          "facts-table.filter_query": ""}
                while etl.poll() is None:
                    assert time.monotonic() - t_etl < ETL_TIMEOUT, "the ETL did not finish in time"
                    seen.append(("healthz", probe.one(client)))
                    r = client.post("/_dash-update-component",
                                    json=L.payload(cb.table, values, ["filters-state.data"]))
                    assert r.status_code == 200, f"table callback: HTTP {r.status_code} {r.text[:300]}"
                    seen.append(("table", L.table_total(r.json()["response"])))
                    time.sleep(0.05)
        finally:
            if etl.poll() is None:
                etl.kill()
            etl.wait(timeout=30)
            etl_log.close()
            time.sleep(0.2)
            reader.stop.set()
            reader.join(timeout=30)
        etl_seconds = time.monotonic() - t_etl
        assert etl.returncode == 0, (tmp_path / "etl.log").read_text()[-3000:]

        # (a) the SQL reader never saw a document half loaded
        assert not reader.problems, "\n".join(reader.problems[:10])
        assert reader.checks > 10, f"only {reader.checks} consistency checks ran during the load"

        # ... and every count the dashboard reported is a consistent total
        docs = loaded_documents(url)
        final = fact_total(url)
        assert len(docs) == N_REPORTS and final == sum(n for _f, n, _at in docs) > baseline
        consistent = {baseline}
        total = baseline
        for name, n, _at in docs:  # in the order the ETL stored them (loaded_at, then file order)
            if name not in before:
                total += n
                consistent.add(total)
        assert total == final
        bad = [(kind, n) for kind, n in seen if n not in consistent]
        assert not bad, f"the dashboard reported totals no consistent state has: {bad[:10]} (consistent: " \
                        f"{sorted(consistent)})"
        assert seen, "the dashboard was never asked during the load"

        # (b) every worker reports the new total within the cache check interval + a margin
        t_refresh = wait_for_workers(probe, final, workers, timeout=CHECK_EVERY + REFRESH_MARGIN)
        intermediate = sorted({n for _k, n in seen} - {baseline, final})
        window = reader.changed[-1] - reader.changed[1] if len(reader.changed) > 2 else 0.0
        print(f"\nETL of {N_REPORTS - N_FIRST} new reports: {etl_seconds:.1f} s ({window:.1f} s between the first "
              f"and the last commit); {reader.checks} SQL consistency "
              f"checks, {len(reader.totals)} distinct totals seen by SQL; {len(seen)} dashboard answers during the "
              f"load, {len(intermediate)} intermediate totals among them; facts {baseline} -> {final}; both workers "
              f"{workers} reported {final} {t_refresh:.1f} s after the ETL finished")
        if not intermediate:
            warnings.warn("the dashboard answered no request with a mid-load snapshot (the load was faster than its "
                          "cache check); (a) was checked through SQL only this time", stacklevel=1)
        assert server.proc.poll() is None, "gunicorn died during the test"
