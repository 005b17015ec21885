"""Word .docx → text: paragraphs and headings in order, tables as tables, text boxes, footnotes.  I/O

python-docx reads the body in document order. A table's rows come through
``_Row.cells``, which repeats a merged cell (horizontal or vertical) in every grid cell it covers;
a paragraph such as "表2 …" right above a table becomes its caption. Text boxes follow the
paragraph that anchors them; footnotes and endnotes close the text. Provenance: 第12段 (the
12th non-empty paragraph), 表2 第4行, 文本框, 脚注3.
"""
from __future__ import annotations

import io
import re
import zipfile

from ..errors import UnreadableFile
from .base import ADVICE_OPEN_RESAVE, Parsed, TextBuilder, register

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CAPTION = re.compile(r"^(?:附?表\s*[\d一二三四五六七八九十]+|附表)")
_CAPTION_NUMBER = re.compile(r"表\s*(\d+)")


def _local(tag: object) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _paragraph_text(p) -> str:  # noqa: ANN001
    """Text of a <w:p> element: runs, tabs and line breaks (as python-docx reads them), no text boxes."""
    from docx.text.paragraph import Paragraph  # noqa: PLC0415

    return Paragraph(p, None).text


def _text_boxes(p) -> list[str]:  # noqa: ANN001
    """Texts of the text boxes anchored in a paragraph (the DrawingML copy, not its VML fallback)."""
    out = []
    for box in p.iter(f"{{{_W}}}txbxContent"):
        if any(_local(a.tag) == "Fallback" and a.tag.startswith(f"{{{_MC}}}") for a in box.iterancestors()):
            continue
        text = "\n".join(_paragraph_text(q) for q in box.iter(f"{{{_W}}}p")).strip()
        if text:
            out.append(text)
    return out


def parse_docx(raw: bytes, name: str, kind: str = "docx") -> Parsed:
    """Read a .docx into text with provenance spans."""
    import docx  # noqa: PLC0415
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415
    from lxml.etree import XMLSyntaxError  # noqa: PLC0415

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise UnreadableFile(name, f"Word 文档已损坏，无法打开（{type(exc).__name__}）", ADVICE_OPEN_RESAVE) from None
    builder = TextBuilder()
    state = {"para": 0, "table": 0}
    _walk(document.element.body, document, builder, state)
    for part_name, label in (("/word/footnotes.xml", "脚注"), ("/word/endnotes.xml", "尾注")):
        _notes(document, part_name, label, builder)
    return builder.parsed(kind)


def _walk(container, document, builder: TextBuilder, state: dict) -> None:  # noqa: ANN001
    children = list(container.iterchildren())
    for i, child in enumerate(children):
        tag = _local(child.tag)
        if tag == "p":
            text = _paragraph_text(child)
            nxt = _local(children[i + 1].tag) if i + 1 < len(children) else ""
            if text.strip():
                state["para"] += 1
                if nxt == "tbl" and _CAPTION.match(text.strip()):
                    state["caption"] = (text.strip(), f"第{state['para']}段")
                else:
                    builder.paragraph(text, f"第{state['para']}段")
            for box in _text_boxes(child):
                builder.paragraph(box, f"文本框（第{max(state['para'], 1)}段旁）")
        elif tag == "tbl":
            _table(child, document, builder, state)
        elif tag == "sdt":  # content controls (cover pages, tables of contents…)
            for content in child.iterchildren(f"{{{_W}}}sdtContent"):
                _walk(content, document, builder, state)


def _table(tbl, document, builder: TextBuilder, state: dict) -> None:  # noqa: ANN001
    from docx.table import Table  # noqa: PLC0415

    caption, caption_label = state.pop("caption", ("", ""))
    state["table"] += 1
    m = _CAPTION_NUMBER.search(caption)
    number = int(m.group(1)) if m else state["table"]
    table = Table(tbl, document)
    rows = []
    for row in table.rows:
        try:
            rows.append([cell.text for cell in row.cells])
        except (IndexError, ValueError):  # a malformed grid: read the cells as written
            rows.append(["".join(t.text or "" for t in tc.iter(f"{{{_W}}}t")) for tc in row._tr.tc_lst])
    labels = [f"表{number} 第{r}行" for r in range(1, len(rows) + 1)]
    builder.table(rows, caption, row_labels=labels, caption_label=caption_label)


def _notes(document, part_name: str, label: str, builder: TextBuilder) -> None:  # noqa: ANN001
    from lxml import etree  # noqa: PLC0415

    part = next((p for p in document.part.package.iter_parts() if str(p.partname) == part_name), None)
    if part is None:
        return
    try:
        root = etree.fromstring(part.blob)
    except etree.XMLSyntaxError:
        return
    n = 0
    for note in root.iter(f"{{{_W}}}footnote", f"{{{_W}}}endnote"):
        if note.get(f"{{{_W}}}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = "".join(_paragraph_text(p) for p in note.iter(f"{{{_W}}}p")).strip()
        if text:
            n += 1
            builder.paragraph(f"注{n}：{text}", f"{label}{n}")


register("docx", (".docx", ".docm"), parse_docx)
