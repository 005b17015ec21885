"""Extraction compiled with Cython beside the same pure-Python code, in the same run (issue 9).

    .venv/bin/python -m pip install cython==3.3.1        # not in requirements.txt: see README "Performance"
    .venv/bin/python tests/benchmarks/bench_compiled.py                  # 2 MB dense synthetic, 3 rounds
    .venv/bin/python tests/benchmarks/bench_compiled.py --density 1      # at the genre's density
    .venv/bin/python tests/benchmarks/bench_compiled.py --no-annotation-typing

It copies ``etl/`` into a temporary tree (``data/`` linked, not copied), compiles the extraction
modules there unchanged with ``cythonize`` (pure-Python .py files, ``language_level=3``), builds one
synthetic corpus, then runs rounds of two fresh processes, pure then compiled. Each process reads
the corpus, extracts 10 reports to load the dictionary shards and the gazetteer, then for every
report times ``jieba.lcut`` and ``extract_document`` one after the other (CPU time), so that the load
of a shared machine falls on both alike; it prints jieba/extract for each, the compiled/pure gain
(the two ratios divided), and whether the facts (every field, as facts_fingerprint.py dumps them)
are the same. Nothing is written into the working tree except the dictionary and gazetteer caches.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_etl import build_corpus  # noqa: E402
from machine import machine_facts  # noqa: E402

# Every module extract_document runs (etl.schema stays Python: its dataclasses are the contract).
MODULES = ("attribute", "context", "dates", "fastscan", "fragments", "gazetteer", "initiatives", "layout",
           "measures", "numbers", "pipeline", "programmes", "provenance", "quantities", "regions", "subjects",
           "tables", "textspans")

_BUILD = """
import sys
from setuptools import setup
from Cython.Build import cythonize
mods, typing = sys.argv[1].split(","), sys.argv[2] == "1"
setup(ext_modules=cythonize([f"etl/{m}.py" for m in mods], language_level=3, nthreads=2, quiet=True,
                            compiler_directives={"annotation_typing": typing}),
      script_args=["build_ext", "--inplace", "-j", "2"])
"""

_WORKER = """
import hashlib, json, sys, time
from dataclasses import astuple
from pathlib import Path
import jieba
from etl.pipeline import extract_document
from etl.sources import iter_report_files, load_manifest, read_document
import etl.regions
d = Path(sys.argv[1])
manifest, _ = load_manifest(d)
docs = [read_document(p, d, manifest) for p in sorted(iter_report_files(d))]
jieba.initialize()
for doc in docs[:10]:
    extract_document(doc)
h = hashlib.sha256()
clock = time.process_time
j = e = 0.0
n = 0
for doc in docs:
    t0 = clock(); jieba.lcut(doc.text); t1 = clock(); facts = extract_document(doc)[1]; t2 = clock()
    j += t1 - t0; e += t2 - t1; n += len(facts)
    for f in facts:
        h.update(("\\t".join(repr(v) for v in astuple(f)) + "\\n").encode())
print(json.dumps({"jieba": j, "extract": e, "facts": n, "sha": h.hexdigest(),
                  "compiled": not etl.regions.__file__.endswith(".py")}))
"""


def build(tree: Path, typing: bool) -> None:
    shutil.copytree(ROOT / "etl", tree / "etl", ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.c"))
    (tree / "data").symlink_to(ROOT / "data")
    subprocess.run([sys.executable, "-c", _BUILD, ",".join(MODULES), "1" if typing else "0"], cwd=tree,
                   check=True, stdout=subprocess.DEVNULL)
    missing = [m for m in MODULES if not list((tree / "etl").glob(f"{m}.*.so"))]
    if missing:
        raise SystemExit(f"not compiled: {missing}")


def run(tree: Path, corpus: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", _WORKER, str(corpus)], cwd=tree, env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--density", type=float, default=None)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-annotation-typing", dest="typing", action="store_false",
                    help="compile with annotation_typing=False (annotations ignored, as plain Python)")
    args = ap.parse_args(argv)
    try:
        import Cython  # noqa: PLC0415
    except ImportError:
        print("Cython is not installed: .venv/bin/python -m pip install cython==3.3.1")
        return 2
    print(" ".join(f"{k}={v}" for k, v in machine_facts().items()) + f" cython={Cython.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench_compiled_") as tmp:
        tree, corpus = Path(tmp) / "tree", Path(tmp) / "corpus"
        build(tree, args.typing)
        n, nbytes = build_corpus(args.mb, corpus, args.seed, args.density)
        print(f"{n} reports, {nbytes / 1e6:.2f} MB; annotation_typing={args.typing}")
        best: dict[str, float] = {}
        shas: set[str] = set()
        for r in range(args.rounds):
            res = {label: run(t, corpus) for label, t in (("pure", ROOT), ("compiled", tree))}
            assert not res["pure"]["compiled"] and res["compiled"]["compiled"]
            for label, x in res.items():
                ratio = x["jieba"] / x["extract"]
                best[label] = max(best.get(label, 0.0), ratio)
                shas.add(x["sha"])
                print(f"round {r} {label:8}: {x['facts']} facts, jieba {x['jieba']:.2f} s, extract "
                      f"{x['extract']:.2f} s CPU, jieba/extract {ratio:.3f}")
            pure, comp = (res[k]["jieba"] / res[k]["extract"] for k in ("pure", "compiled"))
            print(f"round {r} compiled/pure gain {comp / pure:.3f}")
        print(f"best jieba/extract: pure {best['pure']:.3f}, compiled {best['compiled']:.3f}, "
              f"gain {best['compiled'] / best['pure']:.3f}; facts {'identical' if len(shas) == 1 else 'DIFFERENT'}")
        return 0 if len(shas) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
