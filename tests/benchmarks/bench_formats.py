"""Benchmark the readers: pages per second for text-layer PDF and for OCR, beside the .txt throughput.

Prints the machine, then for the same genre reports (tests/fixtures/genre, plain-text ones) read
from .txt, from a three-column newspaper PDF printed by Chromium (tests/formats.py) and from page
pictures read by OCR: pages (or reports) per second for reading alone and for reading + extraction
(etl.pipeline.extract_document), and how many times slower than .txt each is. Best of --repeat runs
(OCR: one run; it dominates). For OCR it also prints what the look-alike corrector
(etl.sources.ocrfix.correct, called once per paragraph) costs per page, and what its word tables cost
to build (first run) and to load from the cache file.

    .venv/bin/python tests/benchmarks/bench_formats.py                # all text reports, OCR on 6
    .venv/bin/python tests/benchmarks/bench_formats.py --ocr-reports 22 --repeat 5
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import machine  # noqa: E402


def _time(paths: list[Path], extract: bool) -> float:
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import read  # noqa: PLC0415

    t0 = time.perf_counter()
    for p in paths:
        doc = read(p)
        if extract:
            extract_document(doc)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs for txt and PDF")
    parser.add_argument("--ocr-reports", type=int, default=6, help="how many reports to OCR (about 10 s each)")
    args = parser.parse_args(argv)
    import pypdfium2 as pdfium  # noqa: PLC0415

    from tests.formats import Printer, report_text  # noqa: PLC0415

    genre = sorted((TESTS / "fixtures" / "genre").glob("*.txt"))
    out = Path(tempfile.mkdtemp(prefix="bench_formats."))
    pdfs, pngs = [], []
    with Printer() as printer:
        for i, src in enumerate(genre):
            text = report_text(src)
            pdfs.append(printer.pdf(text, out / f"{src.stem}.pdf"))
            if i < args.ocr_reports:
                pngs.append(printer.png(text, out / f"{src.stem}.png"))
    pdf_pages = 0
    for p in pdfs:
        doc = pdfium.PdfDocument(str(p))
        pdf_pages += len(doc)
        doc.close()
    mb = sum(p.stat().st_size for p in genre) / 1e6
    print(f"machine: {machine()}")
    print(f"corpus: {len(genre)} genre reports as .txt ({mb:.3f} MB), as three-column PDF ({pdf_pages} A4 pages), "
          f"{len(pngs)} of them as page pictures (OCR)")
    fix = _time_corrector()
    rows = []
    for label, paths, units, unit_name, repeat in (
        (".txt", genre, len(genre), "reports", args.repeat),
        ("PDF, text layer", pdfs, pdf_pages, "pages", args.repeat),
        ("page pictures, OCR", pngs, len(pngs), "pages", 1),
    ):
        if not paths:
            continue
        read_s = min(_time(paths, False) for _ in range(repeat))
        full_s = min(_time(paths, True) for _ in range(repeat))
        rows.append((label, units, unit_name, read_s, full_s, len(paths)))
    base = rows[0]
    base_per_report = base[4] / base[5]
    print(f"{'input':20} {'units':>6} {'read/s':>10} {'read+extract/s':>15} {'s per report':>13} {'× .txt':>8}")
    for label, units, unit_name, read_s, full_s, n in rows:
        per_report = full_s / n
        print(f"{label:20} {units:6d} {units / read_s:8.1f} {unit_name[0]} {units / full_s:13.1f} {unit_name[0]} "
              f"{per_report:13.3f} {per_report / base_per_report:8.1f}")
    print("(r = reports, p = pages; '× .txt' compares the time per report, read + extract, with the same reports as .txt)")
    if pngs:
        ocr_s = sum(r[3] + r[4] for r in rows if r[0] == "page pictures, OCR")  # both OCR runs
        per_page = fix["seconds"] / fix["pages"] if fix["pages"] else 0.0
        print(f"OCR look-alike corrector: {per_page:.3f} s per page ({fix['calls']} paragraphs and table cells, "
              f"{fix['chars']} characters over {fix['pages']} page reads; {100 * fix['seconds'] / ocr_s:.1f} % of "
              f"the OCR runs' time); "
              f"word tables: {fix['build']:.2f} s to build, {fix['load']:.2f} s to load from the cache file")
    return 0


def _time_corrector() -> dict:
    """Wrap etl.sources.ocr.correct to add up its time; time building and loading its word tables."""
    import marshal  # noqa: PLC0415

    from etl import cache  # noqa: PLC0415
    from etl.sources import ocr, ocrfix  # noqa: PLC0415

    stats = {"seconds": 0.0, "calls": 0, "chars": 0, "pages": 0}
    t0 = time.perf_counter()
    import jieba  # noqa: PLC0415

    ocrfix._build(jieba.get_dict_file().name, ocrfix.reference_words())
    stats["build"] = time.perf_counter() - t0
    ocrfix._tables()  # makes sure the cache file exists
    files = [p for d in cache.cache_dirs(temp_ok=True) if d.is_dir() for p in d.glob("ocrfix-*.cache")]
    t0 = time.perf_counter()
    if files:
        marshal.loads(max(files, key=lambda p: p.stat().st_mtime).read_bytes())
    stats["load"] = time.perf_counter() - t0 if files else float("nan")
    inner, inner_blocks = ocr.correct, ocr.ocr_blocks

    def correct(text, confidence=None):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        try:
            return inner(text, confidence)
        finally:
            stats["seconds"] += time.perf_counter() - t
            stats["calls"] += 1
            stats["chars"] += len(text)

    def ocr_blocks(lines, box):  # noqa: ANN001, ANN202
        stats["pages"] += 1
        return inner_blocks(lines, box)

    ocr.correct, ocr.ocr_blocks = correct, ocr_blocks
    return stats


if __name__ == "__main__":
    sys.exit(main())
