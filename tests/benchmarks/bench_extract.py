"""Extraction alone, in this process, beside jieba.lcut on the same texts (issue 9).

    .venv/bin/python tests/benchmarks/bench_extract.py                 # 2 MB dense synthetic, best of 3
    .venv/bin/python tests/benchmarks/bench_extract.py --density 1     # at the genre's density
    .venv/bin/python tests/benchmarks/bench_extract.py --profile 25    # and the 25 costliest functions

Quicker than bench_etl.py (no process start, no reading, no storing). Each of ``--repeat`` rounds
builds a synthetic corpus with its own seed (``etl.synth``, seeds 0, 1, …: new text every round,
so that the extractor's per-phrase caches are as warm as in a long run, not warmer), reads every
report into a Document, then times ``jieba.lcut`` and ``extract_document`` over all its reports;
it prints each round and the fastest. The first round also loads the gazetteer and the
dictionary shards (jieba's dictionary is loaded before the clock starts). With ``--profile N`` it
then runs extraction once more, on a corpus of a new seed, under cProfile and prints the N
functions with the largest cumulative time.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_etl import build_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--density", type=float, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", type=int, default=0, metavar="N")
    ap.add_argument("--sort", default="cumulative", help="pstats sort key for --profile (default cumulative)")
    args = ap.parse_args(argv)

    import jieba  # noqa: PLC0415

    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import iter_report_files, load_manifest, read_document  # noqa: PLC0415

    def corpus(seed: int) -> tuple[list, float]:
        with tempfile.TemporaryDirectory(prefix="bench_extract_") as tmp:
            d = Path(tmp)
            _n, nbytes = build_corpus(args.mb, d, seed, args.density)
            manifest, _ = load_manifest(d)
            return [read_document(p, d, manifest) for p in sorted(iter_report_files(d))], nbytes / 1e6

    jieba.initialize()
    best_j = best_e = 0.0
    for seed in range(args.repeat):
        docs, mb = corpus(seed)
        t0 = time.perf_counter()
        for doc in docs:
            jieba.lcut(doc.text)
        j = mb / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_facts = sum(len(extract_document(doc)[1]) for doc in docs)
        e = mb / (time.perf_counter() - t0)
        best_j, best_e = max(best_j, j), max(best_e, e)
        print(f"seed {seed}: {len(docs)} reports, {mb:.2f} MB, {n_facts / (mb * 1000):.2f} facts/KB: "
              f"jieba.lcut {j:5.2f} MB/s, extract_document {e:5.2f} MB/s, extract/jieba {e / j:.2f}")
    print(f"fastest: jieba.lcut {best_j:5.2f} MB/s, extract_document {best_e:5.2f} MB/s, "
          f"extract/jieba {best_e / best_j:.2f}")
    if args.profile:
        docs, _mb = corpus(args.repeat)
        prof = cProfile.Profile()
        prof.enable()
        for doc in docs:
            extract_document(doc)
        prof.disable()
        pstats.Stats(prof).sort_stats(args.sort).print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
