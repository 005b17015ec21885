"""Benchmark the readers: pages per second for text-layer PDF and for OCR, beside the .txt throughput.

Prints the machine, then for the same genre reports (tests/fixtures/genre, plain-text ones) read
from .txt, from a three-column newspaper PDF printed by Chromium (tests/formats.py) and from page
pictures read by OCR: pages (or reports) per second for reading alone and for reading + extraction
(etl.pipeline.extract_document), and how many times slower than .txt each is. Best of --repeat runs
(OCR: one run; it dominates).

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
