"""ETL throughput and memory on a synthetic corpus, beside jieba.lcut on the same text (issue 5).

    .venv/bin/python tests/benchmarks/bench_etl.py            # 10 MB
    .venv/bin/python tests/benchmarks/bench_etl.py --mb 100   # the issue's 100 MB
    .venv/bin/python tests/benchmarks/bench_etl.py --density 1   # varied text at the real page's density
    .venv/bin/python tests/benchmarks/bench_etl.py --corpus seed # copies of the real page

In one run it:

1. builds a synthetic corpus of ``--mb`` MB (``etl.synth``, marked synthetic, no answer keys) and
   a quarter-size one (its first quarter: the same reports) in a temporary directory;
2. times ``jieba.lcut`` over every report's text (fresh default dictionary, ``jieba.initialize()``
   first, not timed);
3. times the ETL end to end — ``python -m etl run DIR --database sqlite:///… --no-export
   --workers K`` in a subprocess: reading, extraction and storing into a fresh SQLite database,
   process start included — with 1 worker and with N = os.cpu_count() workers;
4. records the peak RSS of the ETL (the largest resident set of the ETL process and of the worker
   processes it reaped: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of a wrapper process) on the
   quarter and on the full corpus, to show that memory does not grow with the corpus.

It prints the machine, the figures and the goals (ETL(1) ≥ 2× jieba; ETL(2) ≥ 1.7× ETL(1)).
If the CLI cannot run, it measures reading + extraction in-process with the pipeline and says so.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_facts  # noqa: E402

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Runs the ETL as its child: wall time, ru_maxrss of its reaped children (the ETL process; worker
# processes forked by a forkserver are not reaped through it) and, sampled every 0.1 s with psutil
# when available, the peak RSS of the ETL's whole process tree (main + forkserver + workers).
_WRAPPER = """
import resource, subprocess, sys, time
try:
    import psutil
except ImportError:
    psutil = None
t0 = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=open(sys.argv[1], 'wb'), stderr=subprocess.STDOUT)
tree_peak = one_peak = 0
while proc.poll() is None:
    if psutil is not None:
        try:
            root = psutil.Process(proc.pid)
            rss = []
            for p in [root] + root.children(recursive=True):
                try:
                    rss.append(p.memory_info().rss)
                except psutil.Error:
                    pass
            tree_peak = max(tree_peak, sum(rss))
            one_peak = max(one_peak, max(rss, default=0))
        except psutil.Error:
            pass
    time.sleep(0.1)
dt = time.perf_counter() - t0
print(proc.returncode, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, tree_peak, one_peak)
"""


def build_corpus(mb: float, out: Path, seed: int, density: float | None = None) -> tuple[int, int]:
    """Write a synthetic corpus of about ``mb`` MB (at most ``density`` facts/KB); return (reports, bytes)."""
    from etl.synth import generate, generate_report  # noqa: PLC0415

    sample = [len(generate_report(i, seed, density)[0].encode("utf-8")) for i in range(1, 61)]
    avg = sum(sample) / len(sample)
    n = max(4, round(mb * 1e6 / avg))
    summary = generate(n, out, seed, answer_keys=False, density=density)
    return n, summary.bytes


SEED = ROOT / "data" / "raw" / "000_6770a73b9caf9553.txt"


def build_seed_corpus(mb: float, out: Path, seed: int = 0) -> tuple[int, int]:
    """Write copies of the real seed page (the genre's own fact density, ~1 fact per KB) to ``mb`` MB.

    Each copy gets its own first line so that every file has its own content hash; the text is
    otherwise the seed page, so word-window caches help more than on varied text: the figure is
    an upper bound for real pages of this density.
    """
    out.mkdir(parents=True, exist_ok=True)
    text = SEED.read_text(encoding="utf-8")
    size = len(text.encode("utf-8"))
    n = max(1, round(mb * 1e6 / size))
    total = 0
    for i in range(1, n + 1):
        body = f"第{i}期\n\n" + text
        (out / f"synthetic_seedcopy_{i:06d}.txt").write_text(body, encoding="utf-8")
        total += len(body.encode("utf-8"))
    return n, total


def corpus_texts(d: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(d.glob("synthetic_*.txt"))]


def bench_jieba(texts: list[str]) -> float:
    """Seconds jieba.lcut takes over all texts (dictionary loaded before the clock starts)."""
    import jieba  # noqa: PLC0415

    jieba.initialize()
    t0 = time.perf_counter()
    for t in texts:
        jieba.lcut(t)
    return time.perf_counter() - t0


def run_etl(corpus: Path, workers: int, tmp: Path, tag: str) -> dict:
    """Run the ETL CLI on a fresh SQLite database in a wrapper process; return its figures."""
    db = tmp / f"bench_{tag}_{workers}.db"
    if db.exists():
        db.unlink()
    log = tmp / f"bench_{tag}_{workers}.log"
    cmd = [sys.executable, "-m", "etl", "run", str(corpus), "--database", f"sqlite:///{db}",
           "--no-export", "--workers", str(workers)]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               COLUMNS="100", TERM="dumb")
    out = subprocess.run([sys.executable, "-c", _WRAPPER, str(log), *cmd], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    rc, seconds, maxrss_kb, tree_peak, one_peak = out.stdout.split()
    facts = docs = None
    try:
        with sqlite3.connect(db) as con:
            facts = con.execute("select count(*) from facts").fetchone()[0]
            docs = con.execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        pass
    return {"rc": int(rc), "seconds": float(seconds), "maxrss_mb": int(maxrss_kb) / 1024,
            "tree_peak_mb": int(tree_peak) / 2**20, "process_peak_mb": int(one_peak) / 2**20,
            "facts": facts, "documents": docs, "log": log}


def run_inprocess(corpus: Path) -> float:
    """Fallback: seconds for reading + extraction with the pipeline in this process (no storing)."""
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import iter_report_files, load_manifest, read_document  # noqa: PLC0415

    manifest, _ = load_manifest(corpus)
    t0 = time.perf_counter()
    for p in iter_report_files(corpus):
        extract_document(read_document(p, corpus, manifest))
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10; issue 5: 100)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="N for the parallel run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, default=None, help="build the corpora here and keep them")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--repeat", type=int, default=1, metavar="R",
                    help="time jieba and each ETL run R times and keep the fastest (a shared machine's noise "
                         "is ±20 %%; default 1)")
    ap.add_argument("--density", type=float, default=None, metavar="D",
                    help="synthetic corpus: at most D facts per KB (narrative paragraphs added; the real "
                         "seed page has about 1; default: as generated, about 3.6)")
    ap.add_argument("--corpus", choices=("synthetic", "seed"), default="synthetic",
                    help="synthetic: etl.synth reports (~3.6 facts/KB, varied); "
                         "seed: copies of the bundled newspaper page (~1 fact/KB, the genre's density)")
    args = ap.parse_args(argv)

    print("== machine")
    m = machine_facts()
    for k, v in m.items():
        print(f"  {k:13} {v}")
    print("== goals: ETL(1) >= 2x jieba.lcut; ETL(2) >= 1.7x ETL(1); peak memory flat in corpus size")
    if args.repeat > 1:
        print(f"== every time is the fastest of {args.repeat} runs")

    tmp_ctx = tempfile.TemporaryDirectory(prefix="bench_etl_") if args.keep is None else None
    tmp = Path(tmp_ctx.name) if tmp_ctx else args.keep
    tmp.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": m, "mb": args.mb}
    try:
        t0 = time.perf_counter()
        full, quarter = tmp / "full", tmp / "quarter"
        from etl.synth import generate  # noqa: PLC0415

        if args.corpus == "seed":
            n, nbytes = build_seed_corpus(args.mb, full)
            qn, qbytes = build_seed_corpus(args.mb / 4, quarter)
        else:
            n, nbytes = build_corpus(args.mb, full, args.seed, args.density)
            q = generate(max(1, n // 4), quarter, args.seed, answer_keys=False, density=args.density)
            qn, qbytes = q.reports, q.bytes
        mb_full, mb_q = nbytes / 1e6, qbytes / 1e6
        label = args.corpus + (f", at most {args.density:g} facts/KB" if args.density and args.corpus == "synthetic" else "")
        print(f"== corpus ({label}): {n} reports, {mb_full:.1f} MB (quarter: {qn} reports, "
              f"{mb_q:.1f} MB), built in {time.perf_counter() - t0:.1f} s")
        results.update(reports=n, corpus_mb=mb_full, quarter_mb=mb_q)

        texts = corpus_texts(full)
        js = min(bench_jieba(texts) for _ in range(args.repeat))
        jieba_mbs = mb_full / js
        print(f"== jieba.lcut: {js:.1f} s, {jieba_mbs:.2f} MB/s")
        del texts
        results["jieba_mbs"] = jieba_mbs

        tiny = tmp / "tiny"
        t_small = generate(1, tiny, args.seed, answer_keys=False)
        mb_tiny = t_small.bytes / 1e6
        cli_ok = True
        runs = {}
        for workers in sorted({1, args.workers}):
            for tag, corpus, mb in (("tiny", tiny, mb_tiny), ("quarter", quarter, mb_q), ("full", full, mb_full)):
                r = min((run_etl(corpus, workers, tmp, tag) for _ in range(args.repeat)),
                        key=lambda x: (x["rc"] not in (0, 1), x["seconds"]))
                if r["rc"] not in (0, 1) or not r["facts"]:
                    cli_ok = False
                    tail = r["log"].read_text(encoding="utf-8", errors="replace")[-2000:]
                    print(f"!! python -m etl run failed (exit {r['rc']}):\n{tail}")
                    break
                r["mbs"] = mb / r["seconds"]
                runs[(tag, workers)] = r
                print(f"== ETL {tag:7} workers={workers}: {r['seconds']:6.1f} s, {r['mbs']:6.2f} MB/s, "
                      f"ru_maxrss {r['maxrss_mb']:4.0f} MB, largest process {r['process_peak_mb']:4.0f} MB, "
                      f"process tree {r['tree_peak_mb']:4.0f} MB; {r['documents']} documents, {r['facts']} facts stored"
                      + ("" if r["rc"] == 0 else f" (exit {r['rc']}: some files failed)"))
            if not cli_ok:
                break
        if cli_ok:
            e1 = runs[("full", 1)]["mbs"]
            en = runs[("full", args.workers)]["mbs"]

            def marginal(w: int) -> float:  # MB/s once started (the 1-report run's time taken off)
                return (mb_full - mb_tiny) / max(1e-9, runs[("full", w)]["seconds"] - runs[("tiny", w)]["seconds"])

            m1, mn = marginal(1), marginal(args.workers)
            print("== summary")
            print(f"  jieba.lcut          {jieba_mbs:8.2f} MB/s")
            print(f"  ETL, 1 worker       {e1:8.2f} MB/s   ETL(1)/jieba = {e1 / jieba_mbs:.2f}  (goal >= 2)")
            print(f"  ETL, {args.workers} workers      {en:8.2f} MB/s   ETL({args.workers})/ETL(1) = {en / e1:.2f}"
                  f"  (goal for 2 workers >= 1.7)")
            print(f"  without start-up ({runs[('tiny', 1)]['seconds']:.1f} s for 1 report): ETL(1) {m1:.2f} MB/s "
                  f"(/jieba {m1 / jieba_mbs:.2f}), ETL({args.workers}) {mn:.2f} MB/s (/ETL(1) {mn / m1:.2f})")
            for w in sorted({1, args.workers}):
                rq, rf = runs[("quarter", w)], runs[("full", w)]
                print(f"  peak memory, {w} worker(s), {mb_q:.1f} MB → {mb_full:.1f} MB: "
                      f"ru_maxrss {rq['maxrss_mb']:.0f} → {rf['maxrss_mb']:.0f} MB, "
                      f"largest process {rq['process_peak_mb']:.0f} → {rf['process_peak_mb']:.0f} MB, "
                      f"process tree {rq['tree_peak_mb']:.0f} → {rf['tree_peak_mb']:.0f} MB")
            results.update(etl1_marginal_mbs=m1, etln_marginal_mbs=mn)
            results.update(etl1_mbs=e1, etln_mbs=en, workers=args.workers,
                           ratio_etl1_jieba=e1 / jieba_mbs, ratio_etln_etl1=en / e1,
                           runs={f"{k[0]}:{k[1]}": {kk: vv for kk, vv in v.items() if kk != "log"}
                                 for k, v in runs.items()})
        else:
            secs = run_inprocess(full)
            mbs = mb_full / secs
            print("== FALLBACK (the CLI did not run): reading + extraction in-process, no storing")
            print(f"  pipeline {mbs:.2f} MB/s; /jieba = {mbs / jieba_mbs:.2f}")
            results.update(fallback_inprocess_mbs=mbs)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
