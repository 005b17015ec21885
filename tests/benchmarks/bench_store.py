"""Benchmark the store: load throughput (facts/s) into SQLite and PostgreSQL, and no-change re-runs.

Builds a corpus of at least --mb MB (the seed page repeated with small variations, one file per
copy) in a temporary directory, then for each backend runs the real ETL twice over it through
etl.cli.run_corpus (workers = CPU count): the first run extracts and stores everything, the second
finds every file unchanged. Prints the machine, the time spent inside Store.load_document
(facts/s, MB/s of report text), the export time, and the re-run's time relative to the first run.

    .venv/bin/python tests/benchmarks/bench_store.py                # 10 MB, SQLite + PostgreSQL
    .venv/bin/python tests/benchmarks/bench_store.py --mb 2 --backends sqlite
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS.parent))

from conftest import SEED, PostgresUnavailable, start_postgres_cluster, write_corpus  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model  # noqa: E402


def bench_backend(name: str, url: str, fresh_url: str, corpus: Path, out: Path, workers: int) -> dict:
    from etl.cli import run_corpus
    from etl.export import export_all
    from etl.store import open_store

    stats = {"load_s": 0.0, "facts": 0, "docs": 0, "chars": 0}
    extracted = []
    with open_store(url) as store:
        original = store.load_document

        def timed_load(doc, arts, fs, **kw):  # noqa: ANN001, ANN003
            t0 = time.perf_counter()
            original(doc, arts, fs, **kw)
            extracted.append((doc, arts, fs, kw))
            stats["load_s"] += time.perf_counter() - t0
            stats["facts"] += len(fs)
            stats["docs"] += 1
            stats["chars"] += len(doc.text.encode("utf-8"))

        store.load_document = timed_load  # type: ignore[method-assign]
        t0 = time.perf_counter()
        first = run_corpus(store, corpus, workers=workers)
        stats["first_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        export_all(store, out)
        stats["export_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = run_corpus(store, corpus, workers=workers)
        stats["rerun_s"] = time.perf_counter() - t0
        problems = store.integrity_problems()
    # The same documents again into an empty database, with no extraction competing for the CPU.
    with open_store(fresh_url) as store:
        t0 = time.perf_counter()
        for doc, arts, fs, kw in extracted:
            store.load_document(doc, arts, fs, **kw)
        stats["pure_load_s"] = time.perf_counter() - t0
    assert second.loaded == 0 and second.skipped == first.files, "the re-run should skip every file"
    assert not problems, problems
    stats["failed"] = first.failed
    print(f"\n[{name}]")
    print(f"  first run (read + extract + store): {stats['first_s']:.1f} s for {first.files} files, "
          f"{first.facts} facts, {first.failed} failed")
    for label, key in (("store during the run (CPU shared with extraction)", "load_s"),
                       ("store alone (same documents, empty database)", "pure_load_s")):
        secs = stats[key]
        print(f"  {label}: {secs:.2f} s → {stats['facts'] / max(secs, 1e-9):,.0f} facts/s, "
              f"{stats['docs'] / max(secs, 1e-9):,.0f} documents/s (one transaction each), "
              f"{stats['chars'] / 1e6 / max(secs, 1e-9):.1f} MB of text/s")
    print(f"  export (4 CSV + Parquet):           {stats['export_s']:.2f} s")
    print(f"  no-change re-run:                   {stats['rerun_s']:.2f} s = "
          f"{100 * stats['rerun_s'] / stats['first_s']:.1f} % of the first run")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; load average {load:.1f} at start")
    tmp = Path(tempfile.mkdtemp(prefix="bench_store."))
    try:
        seed_size = SEED.stat().st_size
        n_files = max(1, int(args.mb * 1e6 / seed_size) + 1)
        corpus = tmp / "corpus"
        write_corpus(corpus, n_files)
        total = sum(p.stat().st_size for p in corpus.iterdir())
        print(f"corpus: {n_files} files, {total / 1e6:.1f} MB (seed page with per-file variations); "
              f"workers={args.workers}")
        backends = [b.strip() for b in args.backends.split(",") if b.strip()]
        if "sqlite" in backends:
            bench_backend("SQLite (WAL, synchronous=NORMAL)", f"sqlite:///{tmp}/bench.db", f"sqlite:///{tmp}/fresh.db",
                          corpus, tmp / "out_sqlite", args.workers)
        if "postgresql" in backends:
            try:
                with start_postgres_cluster() as server:
                    server.admin("CREATE DATABASE bench")
                    server.admin("CREATE DATABASE fresh")
                    bench_backend("PostgreSQL (local socket, fsync=off test cluster)", server.url("bench"),
                                  server.url("fresh"), corpus, tmp / "out_pg", args.workers)
            except PostgresUnavailable as exc:
                print(f"\n[PostgreSQL] skipped: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
