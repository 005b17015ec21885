"""Every extracted fact and article, dumped and hashed: a speed-up must leave this unchanged (issue 9).

    .venv/bin/python tests/benchmarks/facts_fingerprint.py --out /tmp/before.txt
    .venv/bin/python tests/benchmarks/facts_fingerprint.py --out /tmp/after.txt --compare /tmp/before.txt

Runs ``etl.pipeline.extract_document`` over tests/fixtures/genre/*, tests/fixtures/reports_small/*,
data/raw/* and two fixed synthetic corpora (``etl.synth``, seed 0: ``--mb`` MB as generated, about
3.6 facts/KB, and ``--mb`` MB at ``--density 1``), writes one line per article and per fact (every
field, floats by ``repr``) in a fixed order, and prints the dump's sha256 and the extraction time.
``--compare`` prints the first lines that differ from an earlier dump and exits 1 when any do.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from dataclasses import astuple
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_etl import build_corpus  # noqa: E402


def _line(tag: str, obj: object) -> str:
    return tag + "\t" + "\t".join(repr(v) for v in astuple(obj))


def dump_dir(d: Path, label: str) -> tuple[list[str], float]:
    """Lines for every file of d that reads; seconds spent in extract_document."""
    from etl.errors import UnreadableFile  # noqa: PLC0415
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import iter_report_files, load_manifest, read_document  # noqa: PLC0415

    manifest, _ = load_manifest(d)
    out: list[str] = []
    spent = 0.0
    for p in sorted(iter_report_files(d)):
        try:
            doc = read_document(p, d, manifest)
        except UnreadableFile as e:
            out.append(f"unreadable\t{label}/{p.name}\t{type(e).__name__}")
            continue
        t0 = time.perf_counter()
        articles, facts = extract_document(doc)
        spent += time.perf_counter() - t0
        out.append(f"doc\t{label}/{p.name}\t{len(articles)}\t{len(facts)}")
        out.extend(_line("article", a) for a in articles)
        out.extend(_line("fact", f) for f in facts)
    return out, spent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, default=2.0, help="size of each synthetic corpus (default 2 MB)")
    ap.add_argument("--out", type=Path, required=True, help="write the dump here")
    ap.add_argument("--compare", type=Path, default=None, help="an earlier dump to compare with")
    args = ap.parse_args(argv)

    lines: list[str] = []
    times: dict[str, float] = {}
    for label, d in (("genre", ROOT / "tests" / "fixtures" / "genre"),
                     ("reports_small", ROOT / "tests" / "fixtures" / "reports_small"),
                     ("raw", ROOT / "data" / "raw")):
        part, times[label] = dump_dir(d, label)
        lines += part
    with tempfile.TemporaryDirectory(prefix="fingerprint_") as tmp:
        for label, density in (("synth_dense", None), ("synth_density1", 1.0)):
            d = Path(tmp) / label
            build_corpus(args.mb, d, 0, density)
            part, times[label] = dump_dir(d, label)
            lines += part
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    n_facts = sum(1 for ln in lines if ln.startswith("fact\t"))
    print(f"{n_facts} facts, {len(lines)} lines, sha256 {hashlib.sha256(text.encode()).hexdigest()}")
    print("extraction seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in times.items()))
    if args.compare is not None:
        old = args.compare.read_text(encoding="utf-8").splitlines()
        if old == lines:
            print(f"identical to {args.compare}")
            return 0
        diffs = [(i, a, b) for i, (a, b) in enumerate(zip(old, lines)) if a != b]
        print(f"DIFFERENT from {args.compare}: {len(old)} vs {len(lines)} lines, {len(diffs)} differing")
        for i, a, b in diffs[:10]:
            print(f"  line {i}:\n    - {a[:300]}\n    + {b[:300]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
