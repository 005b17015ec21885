"""One interface for every format: bytes → Parsed text (+ provenance spans) → Document.  I/O

Each reader module registers itself with :func:`register` (a name, the file suffixes it reads and
a ``parse(raw, name) -> Parsed`` function). :func:`parse_bytes` picks the reader from the file's
CONTENT first (magic bytes: ``%PDF``, a zip holding ``word/document.xml`` or ``xl/workbook.xml``,
an OLE container, PNG/JPEG/TIFF signatures) and from the suffix only for text formats, so a
``.docx`` that is really a ``.doc`` or a PDF saved as ``.txt`` still reaches the right reader.

Readers write their text through :class:`TextBuilder`, which keeps the provenance spans (page,
column, paragraph, table row, sheet cell; OCR confidence) in step with the text, and renders
tables in the one format the table reader parses (see :meth:`TextBuilder.table`).
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnreadableFile
from ..schema import Document, TextSpan
from .script import to_simplified

ADVICE_OPEN_RESAVE = "请用 Word/WPS（表格用 Excel/WPS 表格）打开该文件，确认能正常显示后“另存为”一份新文件再放入输入目录。"
ADVICE_PASSWORD = "请在 Word/WPS/Excel 或 PDF 阅读器中输入密码打开，取消密码保护（“另存为”一份不加密的文件）后再放入输入目录。"


@dataclass
class Parsed:
    """What a reader gives back: text in reading order, its provenance, and notes for the summary."""

    text: str
    kind: str
    encoding: str = ""
    title: str = ""
    spans: list[TextSpan] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (reason, advice)


@dataclass(frozen=True)
class Reader:
    """A registered format: name, suffixes, and its parse function."""

    name: str
    suffixes: tuple[str, ...]
    parse: Callable[[bytes, str], Parsed]


_READERS: dict[str, Reader] = {}


def register(name: str, suffixes: Sequence[str], parse: Callable[[bytes, str], Parsed]) -> None:
    """Register a reader for a format (called once by each reader module at import)."""
    _READERS[name] = Reader(name, tuple(s.lower() for s in suffixes), parse)


def readers() -> dict[str, Reader]:
    """Return the registered readers by name (importing etl.sources registers all of them)."""
    return dict(_READERS)


def report_suffixes() -> frozenset[str]:
    """Return every suffix some reader reads (.txt, .html, .docx, .pdf, .png, .xlsx…)."""
    return frozenset(s for r in _READERS.values() for s in r.suffixes)


# --------------------------------------------------------------------------------------------
# Content sniffing
# --------------------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"), (b"GIF87a", "GIF 图片"), (b"GIF89a", "GIF 图片"), (b"BM", "BMP 图片"),
)
_ENCRYPTED_OOXML = "EncryptedPackage".encode("utf-16-le")
_WHAT = {"pdf": "PDF 文件", "docx": "Word 文档（.docx）", "xlsx": "Excel 表格（.xlsx）", "ole": "旧版 Office/WPS 文档",
         "image": "图片", "zip": "压缩包"}


def sniff(raw: bytes) -> str | None:
    """Tell a file's format from its first bytes: pdf, docx, xlsx, zip, ole, image, or None (text).

    >>> sniff(b"%PDF-1.7\\n..."), sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff("正文".encode())
    ('pdf', 'image', None)
    """
    head = raw[:1024]
    if head.startswith(b"%PDF") or (b"%PDF-" in head and not head.lstrip().startswith(b"<")):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(raw)
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    for magic, _what in _IMAGE_MAGIC:
        if head.startswith(magic) and (magic != b"BM" or len(head) > 26 and head[6:10] == b"\0\0\0\0"):
            return "image"
    return None


def _zip_kind(raw: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def parse_bytes(raw: bytes, name: str) -> Parsed:
    """Pick the reader for a file (content first, then suffix) and run it; raise UnreadableFile."""
    if not _READERS:
        from . import _load_readers  # noqa: PLC0415

        _load_readers()
    suffix = Path(name).suffix.lower()
    kind = sniff(raw)
    by_suffix = next((r for r in _READERS.values() if suffix in r.suffixes), None)
    if kind is None:
        if by_suffix is None:
            raise UnreadableFile(name, f"不支持的文件类型（{suffix or '无扩展名'}）", "请另存为 .txt、.docx、.pdf 或 .xlsx 后再运行。")
        if by_suffix.name not in ("txt", "html", "csv"):
            if not raw.strip():
                raise UnreadableFile(name, "文件是空的", "请放入原文件，或删除这个空文件。")
            raise UnreadableFile(
                name, f"文件扩展名是 {suffix}，但内容不是{_WHAT.get(by_suffix.name, by_suffix.name)}（可能已损坏或只下载了一部分）",
                "请重新获取原文件；若在原软件中能打开，请“另存为”一份新文件后再放入输入目录。")
        return by_suffix.parse(raw, name)
    if kind == "zip":
        raise UnreadableFile(name, "这是压缩包，或是已损坏的 Word/Excel 文件（压缩容器无法打开或不含文档）",
                             "若是压缩包，请先解压；若是 Word/Excel 文件，" + ADVICE_OPEN_RESAVE)
    if kind == "ole":
        if _ENCRYPTED_OOXML in raw[:1_000_000] or b"EncryptedPackage" in raw[:1_000_000]:
            raise UnreadableFile(name, "文件设置了密码（已加密），无法读取", ADVICE_PASSWORD)
        reader_name = "xls" if suffix in (".xls", ".et") else "doc"
    else:
        reader_name = kind
    reader = _READERS.get(reader_name)
    if reader is None:
        raise UnreadableFile(name, f"这是{_WHAT.get(kind, kind)}，本程序不读取这种格式",
                             "请另存为 .docx、.pdf、.xlsx 或 .txt 后再运行。")
    parsed = reader.parse(raw, name)
    if by_suffix is not None and by_suffix.name != reader.name and suffix not in reader.suffixes:
        parsed.notes.append((f"扩展名是 {suffix}，但内容其实是{_WHAT.get(kind, kind)}，已按实际内容读取",
                             "可以把文件改成正确的扩展名，以免别的软件打不开。"))
    return parsed


# --------------------------------------------------------------------------------------------
# Building text with provenance
# --------------------------------------------------------------------------------------------

_CELL_SPACE = re.compile(r"\s+")


def clean_cell(value: object) -> str:
    """One table cell as text on one line: whitespace collapsed, " | " kept for the separator."""
    text = _CELL_SPACE.sub(" ", "" if value is None else str(value)).strip()
    return text.replace("|", "｜")


class TextBuilder:
    """Accumulate a document's text paragraph by paragraph, keeping provenance spans in step."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[TextSpan] = []

    def __len__(self) -> int:
        return self._length

    def _add(self, text: str) -> tuple[int, int]:
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start, self._length

    def _separate(self) -> None:
        if self._length:
            self._add("\n\n")

    def span(self, start: int, end: int, label: str, confidence: float = 1.0) -> None:
        """Record that text[start:end] came from `label` (used for ranges wider than one call)."""
        if label and end > start:
            self.spans.append(TextSpan(start, end, label, round(float(confidence), 3)))

    def paragraph(self, text: str, label: str = "", confidence: float = 1.0) -> tuple[int, int]:
        """Append a paragraph (separated from the previous one by a blank line); return its range."""
        text = text.strip()
        if not text:
            return self._length, self._length
        self._separate()
        start, end = self._add(text)
        self.span(start, end, label, confidence)
        return start, end

    def table(self, rows: Sequence[Sequence[object]], caption: str = "",
              row_labels: Sequence[str] | None = None,
              cell_labels: Sequence[Sequence[str]] | None = None, caption_label: str = "") -> tuple[int, int]:
        """Append a table in the one format the table reader parses; return its range.

        A blank line before and after; the caption (表题) on its own line right before the header;
        then one line per row, cells joined by " | ", header row(s) first; merged cells already
        repeated by the reader in each cell they cover; empty cells as empty strings:

            表2 各旗县党员中心户情况
            旗县区 | 党员中心户（户） | 联系农牧户（户）
            正蓝旗 | 64 | 1210

        row_labels (one per row: 表2 第4行) or cell_labels (one per cell: Sheet1!C7) become spans.
        """
        lines = [[clean_cell(c) for c in row] for row in rows]
        keep = [i for i, cells in enumerate(lines) if any(cells)]
        if not keep:
            return self._length, self._length
        self._separate()
        table_start = self._length
        caption = clean_cell(caption)
        if caption:
            start, end = self._add(caption)
            self.span(start, end, caption_label)
            self._add("\n")
        for n, i in enumerate(keep):
            if n:
                self._add("\n")
            row_start = self._length
            for j, cell in enumerate(lines[i]):
                if j:
                    self._add(" | ")
                start, end = self._add(cell)
                if cell_labels is not None and i < len(cell_labels) and j < len(cell_labels[i]):
                    self.span(start, end, cell_labels[i][j])
            if row_labels is not None and i < len(row_labels):
                self.span(row_start, self._length, row_labels[i])
        return table_start, self._length

    def text(self) -> str:
        """Return the text built so far."""
        return "".join(self._parts)

    def parsed(self, kind: str, **kwargs: object) -> Parsed:
        """Return a Parsed of the text built so far (spans sorted by start, outer before inner)."""
        spans = sorted(self.spans, key=lambda s: (s.start, -s.end))
        return Parsed(text=self.text(), kind=kind, spans=spans, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------

def read_bytes(path: Path, name: str) -> bytes:
    """Read a file's bytes; turn OS errors into UnreadableFile."""
    try:
        return Path(path).read_bytes()
    except PermissionError:
        raise UnreadableFile(name, "没有读取该文件的权限", "请修改文件权限（例如 chmod a+r），或以有权限的用户运行。") from None
    except IsADirectoryError:
        raise UnreadableFile(name, "这是一个目录，不是文件", "请把目录改名，去掉 .txt/.html 扩展名。") from None
    except FileNotFoundError:
        raise UnreadableFile(name, "文件不存在（可能是失效的链接，或在运行中被删除）", "请检查该文件后再运行。") from None
    except OSError as exc:
        raise UnreadableFile(name, f"读取失败（{exc.strerror or exc}）", "请检查磁盘与文件后再运行。") from None


def content_hash(raw: bytes) -> str:
    """Return the sha256 hex digest of raw bytes."""
    return hashlib.sha256(raw).hexdigest()


def document_from_bytes(raw: bytes, name: str, manifest_entry: dict | None = None) -> Document:
    """Build a Document from a file's bytes (name is the posix path relative to the input dir)."""
    parsed = parse_bytes(raw, name)
    text = parsed.text
    if not text.strip():
        if parsed.kind in ("txt", "html", "csv"):
            raise UnreadableFile(name, "文件只有空白，没有文字", "请放入报道原文，或删除这个文件。")
        raise UnreadableFile(name, "文件中没有找到文字", "请确认这是报道或统计表本身（不是空白页或纯图片）；扫描件请确认已安装文字识别（见 README）。")
    notes = list(parsed.notes)
    title = parsed.title
    text, converted = to_simplified(text)
    if converted:
        title = to_simplified(title)[0] if title else title
        notes.append(("繁体字文本，已转换为简体后提取（来源句也以简体显示）", "如需核对繁体原文，请打开原文件；数字与位置不受影响。"))
    entry = manifest_entry or {}
    published = entry.get("published", "")
    return Document(
        source_file=name,
        text=text,
        content_hash=content_hash(raw),
        kind=parsed.kind,
        encoding=parsed.encoding,
        published=published,
        published_how="manifest" if published else "none",
        source=entry.get("source", ""),
        title=entry.get("title") or title,
        spans=tuple(parsed.spans),
        notes=tuple(notes),
    )


def read(path: Path, root: Path | None = None, manifest: dict | None = None) -> Document:
    """Read one file of any registered format into a Document; raise UnreadableFile with advice.

    root (default: the file's folder) names the document by its path relative to root;
    manifest is the dict returned by load_manifest (keyed by that relative posix path).
    """
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    name = Path(path).relative_to(root).as_posix()
    raw = read_bytes(path, name)
    return document_from_bytes(raw, name, (manifest or {}).get(name))


def read_document(path: Path, root: Path, manifest: dict | None = None) -> Document:
    """Read one report file into a Document; raise UnreadableFile with reason and advice.

    manifest is the dict returned by load_manifest (keyed by relative posix path).
    """
    return read(path, root, manifest)
