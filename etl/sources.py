"""Report files → Documents: encoding detection, HTML main text, manifest metadata.  I/O

Reading is strict: a file is decoded as UTF-8 (with or without BOM), else as GB18030 (which
covers GBK and GB2312); anything else, a truncated last character, a file that mixes the two, an
empty file or a binary file renamed ``.txt`` raises :class:`etl.errors.UnreadableFile` with a
reason and a piece of advice in Chinese, so the run can list it and carry on with the others.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import UnreadableFile
from .schema import Document

REPORT_SUFFIXES: frozenset[str] = frozenset({".txt", ".html", ".htm"})
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "published", "source", "title")

ADVICE_RESAVE = "请用记事本/WPS 打开后“另存为”UTF-8 编码的文本文件，再重新运行。"
ADVICE_REFETCH = "文件可能没有完整复制或下载，请重新获取原文件后再运行。"

# Signatures of common non-text files that end up renamed to .txt.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "这是 PDF 文件"),
    (b"PK\x03\x04", "这是压缩包或 Word/WPS 文档（.docx/.zip）"),
    (b"\xd0\xcf\x11\xe0", "这是旧版 Word/WPS 文档（.doc）"),
    (b"\x89PNG", "这是 PNG 图片"),
    (b"\xff\xd8\xff", "这是 JPEG 图片"),
    (b"GIF8", "这是 GIF 图片"),
    (b"Rar!", "这是 RAR 压缩包"),
    (b"\x1f\x8b", "这是 gzip 压缩文件"),
)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A well-formed UTF-8 multibyte sequence (2, 3 or 4 bytes).
_UTF8_MULTI = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class ManifestProblem:
    """One problem found in manifest.csv: the row's file (or the manifest itself) and why."""

    file: str
    reason: str
    advice: str

    def __str__(self) -> str:
        return f"{self.file}: {self.reason}。{self.advice}"


# --------------------------------------------------------------------------------------------
# Listing and manifest
# --------------------------------------------------------------------------------------------

def iter_report_files(input_dir: Path) -> list[Path]:
    """Return the report files under input_dir (recursively), sorted by relative path.

    Only ``.txt``, ``.html`` and ``.htm`` count; hidden files and directories (name starting with
    a dot) and ``manifest.csv`` are skipped.
    """
    input_dir = Path(input_dir)
    found: list[Path] = []
    for path in input_dir.rglob("*"):
        rel = path.relative_to(input_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() not in REPORT_SUFFIXES or path.name == MANIFEST_NAME:
            continue
        if path.is_dir():
            continue
        found.append(path)
    return sorted(found, key=lambda p: p.relative_to(input_dir).as_posix())


def relative_name(path: Path, root: Path) -> str:
    """Return path relative to root as a posix string (the documents' key)."""
    return Path(path).relative_to(root).as_posix()


def load_manifest(input_dir: Path) -> tuple[dict[str, dict[str, str]], list[ManifestProblem]]:
    """Read input_dir/manifest.csv → ({file: {published, source, title}}, problems).

    A missing manifest is fine (empty dict). Bad dates are reported and left empty; files the
    manifest lists but the directory does not hold are reported; files missing from the manifest
    are fine.
    """
    input_dir = Path(input_dir)
    path = input_dir / MANIFEST_NAME
    if not path.exists():
        return {}, []
    problems: list[ManifestProblem] = []
    try:
        raw = path.read_bytes()
        text, _ = decode_text(raw, MANIFEST_NAME)
    except UnreadableFile as exc:
        return {}, [ManifestProblem(MANIFEST_NAME, exc.reason, exc.advice)]
    except OSError as exc:
        return {}, [ManifestProblem(MANIFEST_NAME, f"无法读取（{exc.strerror or exc}）", "请检查文件权限。")]
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    if "file" not in header:
        return {}, [ManifestProblem(
            MANIFEST_NAME, f"缺少 file 列（表头是：{','.join(header) or '空'}）",
            "第一行应为：file,published,source,title",
        )]
    reader.fieldnames = header
    entries: dict[str, dict[str, str]] = {}
    for lineno, row in enumerate(reader, start=2):
        name = (row.get("file") or "").strip().replace("\\", "/")
        if not name:
            continue
        published_raw = (row.get("published") or "").strip()
        published = normalise_date(published_raw)
        if published_raw and published is None:
            problems.append(ManifestProblem(
                name, f"manifest.csv 第 {lineno} 行的日期“{published_raw}”无法识别，已留空",
                "请写成 YYYY-MM-DD，例如 2024-01-15。",
            ))
            published = ""
        if name in entries:
            problems.append(ManifestProblem(
                name, f"manifest.csv 第 {lineno} 行重复列出了该文件，使用最后一行", "请删除重复的行。",
            ))
        entries[name] = {
            "published": published or "",
            "source": (row.get("source") or "").strip(),
            "title": (row.get("title") or "").strip(),
        }
    present = {relative_name(p, input_dir) for p in iter_report_files(input_dir)}
    for name in sorted(entries):
        if name not in present:
            problems.append(ManifestProblem(
                name, "manifest.csv 列出了该文件，但输入目录中没有它",
                "请检查文件名（含扩展名与子目录）是否写对，或从 manifest.csv 中删除该行。",
            ))
    return entries, problems


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def normalise_date(value: str) -> str | None:
    """Return value as YYYY-MM-DD, "" for an empty value, None if it is not a real date.

    >>> normalise_date("2024/1/9"), normalise_date(""), normalise_date("2024-02-30")
    ('2024-01-09', '', None)
    """
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            try:
                return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
            except ValueError:
                return None
    return None


# --------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------

def _check_binary(raw: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise UnreadableFile(name, f"不是文本文件：{what}", "请在原软件中另存为 UTF-8 文本（.txt）或网页（.html）后再放入输入目录。")
    head = raw[:65536]
    if b"\x00" in head or (head and len(_CONTROL.findall(head)) / len(head) > 0.05):
        raise UnreadableFile(name, "不是文本文件（含有二进制数据）", "请确认这是报道的文字稿；若是 Word/PDF，请另存为 UTF-8 文本后再运行。")


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """Decode report bytes → (text, encoding name); raise UnreadableFile with advice.

    Order: BOMs (UTF-8, UTF-16), strict UTF-8, strict GB18030, then charset-normalizer for the
    rare other encodings (Big5, UTF-16 without BOM). A file that is UTF-8 except for an incomplete
    last character is refused (truncated), as is a file mixing UTF-8 and GBK.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            _raise_utf8_problem(raw[3:], exc, name)
    for bom, enc in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[2:].decode(enc), "utf-16"
            except UnicodeDecodeError:
                raise UnreadableFile(name, "UTF-16 编码的文件已损坏或被截断", ADVICE_RESAVE) from None
    if not raw.strip():
        raise UnreadableFile(name, "文件是空的", "请放入报道原文，或删除这个空文件。")
    _check_binary(raw, name)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    _raise_utf8_problem(raw, utf8_error, name, final=False)
    try:
        gb_text = raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.end >= len(raw) and len(raw) - exc.start < 4 and _plausible_gb(raw[: exc.start].decode("gb18030", "replace")):
            raise UnreadableFile(
                name, f"文件末尾的字符不完整（GB18030 在第 {exc.start} 字节处被截断）", ADVICE_REFETCH,
            ) from None
    else:
        if _plausible_gb(gb_text):
            return gb_text, "gb18030"
    from charset_normalizer import from_bytes  # noqa: PLC0415  (rarely needed)

    best = from_bytes(raw).best()
    if best is not None and best.encoding in {"big5", "big5hkscs", "cp950", "utf_16", "utf_16_le", "utf_16_be"}:
        return str(best), best.encoding
    raise UnreadableFile(name, "文件编码无法识别（既不是 UTF-8 也不是 GB18030）", ADVICE_RESAVE)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _plausible_gb(text: str) -> bool:
    """Tell whether text decoded as GB18030 reads like Chinese: most hanzi are common ones.

    Big5 or other bytes decoded as GB18030 give mostly rare characters outside GB2312.
    """
    hanzi = "".join(_CJK.findall(text[:200_000]))
    if len(hanzi) < 20:
        return True
    common = len(hanzi.encode("gb2312", errors="ignore")) // 2
    return common / len(hanzi) > 0.8


def _raise_utf8_problem(raw: bytes, exc: UnicodeDecodeError, name: str, final: bool = True) -> None:
    """Raise for truncated or mixed UTF-8; with final=True raise a generic error otherwise."""
    tail = raw[exc.start:]
    if exc.reason == "unexpected end of data" and len(tail) < 4:
        raise UnreadableFile(
            name, f"文件末尾的字符不完整（UTF-8 在第 {exc.start} 字节处被截断）", ADVICE_REFETCH,
        )
    non_ascii = len(_NON_ASCII.findall(raw))
    utf8_bytes = sum(len(m) for m in _UTF8_MULTI.findall(raw))
    if non_ascii and utf8_bytes / non_ascii > 0.5:
        raise UnreadableFile(
            name, f"文件混用了多种编码（大部分是 UTF-8，但第 {exc.start} 字节附近不是）",
            "可能是把不同来源的文字拼在了一起；" + ADVICE_RESAVE,
        )
    if final:
        raise UnreadableFile(name, "文件以 UTF-8 BOM 开头，但内容不是有效的 UTF-8", ADVICE_RESAVE)


def normalise_text(text: str) -> str:
    """Unify newlines to \\n and apply NFC; full-width characters stay as they are."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "template", "svg", "button", "select")
_INLINE_TAGS = ("b", "strong", "i", "em", "u", "span", "font", "a", "small", "big", "sub", "sup",
                "mark", "abbr", "cite", "q", "s", "strike", "ins", "del", "code", "tt")


def decode_html(raw: bytes, name: str) -> tuple[str, str]:
    """Decode HTML bytes using BOM, then <meta charset>, then the text rules."""
    if not raw.strip():
        raise UnreadableFile(name, "文件是空的", "请放入网页原文，或删除这个空文件。")
    m = _META_CHARSET.search(raw[:4096])
    if m and not raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii").lower()
        if declared in {"gb2312", "gbk", "gb18030", "x-gbk"}:
            try:
                return raw.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                pass  # the declaration lies; fall through to detection
    return decode_text(raw, name)


# class/id tokens of page furniture around an article (breadcrumbs, share bars, related links…).
_BOILERPLATE_CLASSES = frozenset({
    "nav", "navbar", "menu", "crumb", "crumbs", "breadcrumb", "breadcrumbs", "share", "related", "recommend",
    "footer", "header", "copyright", "toolbar", "sidebar", "topbar", "ad", "ads", "advert", "comment", "comments",
    "pager", "pagination", "tags", "hot", "login", "search", "top", "bottom",
})


def _restrict_to_article(tree) -> None:  # noqa: ANN001
    """Keep only the headline's container when it holds most of the page's paragraph text."""
    h1 = tree.find(".//h1")
    body = tree.find(".//body")
    if h1 is None or body is None:
        return
    total = sum(len(_cell_text(p)) for p in body.iter("p"))
    if total == 0:
        return
    node = h1.getparent()
    while node is not None and node is not body:
        inside = sum(len(_cell_text(p)) for p in node.iter("p"))
        if inside >= 0.6 * total:
            for child in list(body):
                body.remove(child)
            body.append(node)
            return
        node = node.getparent()


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", "".join(cell.itertext())).strip()


def render_table(table) -> list[str]:
    """Render an lxml <table> as rows of cells joined by " | " (header row first), for etl.tables.

    A cell spanning several columns is repeated in each (colspan), so that every row keeps the
    header's column positions; a <caption> becomes the line before the rows.
    """
    lines = []
    caption = table.find("caption")
    if caption is not None and _cell_text(caption):
        lines.append(_cell_text(caption))
    for tr in table.iter("tr"):
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
        if not cells:
            continue
        row: list[str] = []
        for c in cells:
            try:
                span = max(1, min(int(c.get("colspan", "1")), 20))
            except ValueError:
                span = 1
            row.extend([_cell_text(c).replace("|", "/")] * span)
        if any(row):
            lines.append(" | ".join(row) if len(row) >= 2 else row[0])
    return lines


def html_to_text(html: str, name: str) -> tuple[str, str]:
    """Return (main text, title) of an HTML page: paragraphs separated by blank lines."""
    import lxml.html  # noqa: PLC0415
    from lxml import etree  # noqa: PLC0415

    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(name, f"网页无法解析（{exc}）", "请用浏览器打开该网页，“另存为”完整网页后再运行。") from None
    title = ""
    h1 = tree.find(".//h1")
    if h1 is not None:
        title = _cell_text(h1)
    if not title:
        t = tree.find(".//title")
        if t is not None and t.text:
            title = re.split(r"\s*[_|｜—–-]{1,2}\s*", t.text.strip())[0].strip()
    for bad in list(tree.iter(*_DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        tokens = set(re.split(r"[\s_-]+", f"{el.get('class', '')} {el.get('id', '')}".lower())) - {""}
        if tokens & _BOILERPLATE_CLASSES:
            el.drop_tree()
    _restrict_to_article(tree)
    for comment in list(tree.iter(etree.Comment)):
        if comment.getparent() is not None:
            comment.drop_tree()
    # Inline markup would otherwise split a sentence into lines ("结尾段落\n\n加粗").
    for inline in list(tree.iter(*_INLINE_TAGS)):
        if inline.getparent() is not None:
            inline.drop_tag()
    # Tables become one paragraph per row so that numbers keep their row's names.
    for table in list(tree.iter("table")):
        if table.getparent() is None:
            continue
        div = lxml.html.Element("div")
        for line in render_table(table):
            p = lxml.html.Element("p")
            p.text = line
            div.append(p)
        div.tail = table.tail
        table.getparent().replace(table, div)
    cleaned = lxml.html.tostring(tree, encoding="unicode")
    text = ""
    try:
        import trafilatura  # noqa: PLC0415

        text = trafilatura.extract(
            cleaned, favor_recall=True, include_tables=True, include_comments=False,
            include_images=False, deduplicate=False,
        ) or ""
    except Exception:  # noqa: BLE001  (trafilatura's internals fail in many ways; lxml follows)
        text = ""
    if not text.strip():
        body = tree.find(".//body")
        root = body if body is not None else tree
        blocks = []
        for el in root.iter("p", "h1", "h2", "h3", "h4", "li", "td", "div"):
            if el.tag == "div" and el.find(".//p") is not None:
                continue
            t = _cell_text(el)
            if t and (not blocks or blocks[-1] != t):
                blocks.append(t)
        text = "\n".join(blocks) if blocks else _cell_text(root)
    lines = [re.sub(r"[ \t\u3000]+$", "", ln).strip() for ln in text.split("\n")]
    text = "\n\n".join(ln for ln in lines if ln)
    if not text.strip():
        raise UnreadableFile(name, "网页中没有找到正文文字", "请确认这是报道页面本身（不是目录页或空白页），必要时复制正文另存为 .txt。")
    if title and title not in text[: len(title) + 200]:
        text = f"{title}\n\n{text}"  # the headline heads the text, as on a newspaper page
    return text, title


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
    kind = "html" if name.lower().endswith((".html", ".htm")) else "txt"
    title = ""
    if kind == "html":
        html, encoding = decode_html(raw, name)
        text, title = html_to_text(normalise_text(html), name)
    else:
        text, encoding = decode_text(raw, name)
    text = normalise_text(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise UnreadableFile(name, "文件只有空白，没有文字", "请放入报道原文，或删除这个文件。")
    entry = manifest_entry or {}
    published = entry.get("published", "")
    return Document(
        source_file=name,
        text=text,
        content_hash=content_hash(raw),
        kind=kind,
        encoding=encoding,
        published=published,
        published_how="manifest" if published else "none",
        source=entry.get("source", ""),
        title=entry.get("title") or title,
    )


def read_document(path: Path, root: Path, manifest: dict | None = None) -> Document:
    """Read one report file into a Document; raise UnreadableFile with reason and advice.

    manifest is the dict returned by load_manifest (keyed by relative posix path).
    """
    name = relative_name(path, root)
    raw = read_bytes(path, name)
    return document_from_bytes(raw, name, (manifest or {}).get(name))
