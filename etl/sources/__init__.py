"""Report files → Documents: one reader per format behind one interface.  I/O

``read(path) -> Document`` reads any supported file; the reader is chosen by the file's content
(magic bytes) and its suffix (etl.sources.base). One module per format:

==========  ==============================  ===========================================
module      formats                         library / system package
==========  ==============================  ===========================================
text        .txt                            (strict UTF-8 / GB18030 decoding)
html        .html .htm                      lxml, trafilatura
docx        .docx                           python-docx
legacy      .doc .wps (and a .docx that     LibreOffice headless (Debian
            is really a .doc)               ``libreoffice-writer-nogui``) → docx
pdf         .pdf (text layer)               pypdfium2; pages without text → ocr
ocr         .png .jpg .jpeg .tif .tiff      Tesseract (Debian ``tesseract-ocr``,
            .bmp .gif .webp, scanned pages  ``tesseract-ocr-chi-sim``), Pillow
sheets      .xlsx .csv                      openpyxl; csv from the standard library
==========  ==============================  ===========================================

Tables of every format are written into the text in one format (see
:meth:`etl.sources.base.TextBuilder.table`); every reader but text/html records where each range
of text came from (``Document.spans``).
"""
from __future__ import annotations

from .base import (
    Parsed,
    TextBuilder,
    content_hash,
    document_from_bytes,
    parse_bytes,
    read,
    read_bytes,
    read_document,
    readers,
    register,
    report_suffixes,
    sniff,
)
from .html import decode_html, html_to_text, render_table
from .manifest import (
    MANIFEST_COLUMNS,
    MANIFEST_NAME,
    ManifestProblem,
    iter_report_files,
    load_manifest,
    normalise_date,
    relative_name,
)
from .text import ADVICE_REFETCH, ADVICE_RESAVE, decode_text, normalise_text


def _load_readers() -> None:
    """Import every reader module so that each registers its formats (cheap: heavy libraries load lazily)."""
    from . import docx, html, legacy, ocr, pdf, sheets, text  # noqa: F401, PLC0415


_load_readers()

# Every suffix some reader reads; kept as a name because other modules import it.
REPORT_SUFFIXES: frozenset[str] = report_suffixes()

__all__ = [
    "ADVICE_REFETCH", "ADVICE_RESAVE", "MANIFEST_COLUMNS", "MANIFEST_NAME", "REPORT_SUFFIXES", "ManifestProblem",
    "Parsed", "TextBuilder", "content_hash", "decode_html", "decode_text", "document_from_bytes", "html_to_text",
    "iter_report_files", "load_manifest", "normalise_date", "normalise_text", "parse_bytes", "read", "read_bytes",
    "read_document", "readers", "register", "relative_name", "render_table", "report_suffixes", "sniff",
]
