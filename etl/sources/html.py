"""HTML pages → main text: page furniture dropped, tables rendered one line per row.  I/O"""
from __future__ import annotations

import re

from ..errors import UnreadableFile
from .base import Parsed, register
from .text import decode_text, normalise_text

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


def _headline(tree) -> str:  # noqa: ANN001
    """The page's headline: the heading the <title> starts with (a site's logo is often the <h1>),
    else the first <h1> outside the page furniture, else the <title>'s first part."""
    page = ""
    t = tree.find(".//title")
    if t is not None and t.text:
        page = re.split(r"\s*[_|｜—–-]{1,2}\s*", t.text.strip())[0].strip()
    heads = [h for h in tree.iter("h1", "h2", "h3") if _cell_text(h)]
    if page:
        for h in heads:
            if _cell_text(h) == page:
                return page
    for h in heads:
        if h.tag != "h1":
            continue
        furniture = False
        for anc in h.iterancestors():
            tokens = set(re.split(r"[\s_-]+", f"{anc.get('class', '')} {anc.get('id', '')}".lower())) - {""}
            if tokens & _BOILERPLATE_CLASSES:
                furniture = True
                break
        if not furniture and "logo" not in (h.get("class") or "").lower():
            return _cell_text(h)
    return page


def html_to_text(html: str, name: str) -> tuple[str, str]:
    """Return (main text, title) of an HTML page: paragraphs separated by blank lines."""
    import lxml.html  # noqa: PLC0415
    from lxml import etree  # noqa: PLC0415

    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(name, f"网页无法解析（{exc}）", "请用浏览器打开该网页，“另存为”完整网页后再运行。") from None
    title = _headline(tree)
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
    # trafilatura keeps what it takes for the one main article; a page of several articles one after the
    # other (a 专题 page: 杭锦后旗：… / 乌拉特前旗：…) holds more text than that: read every block then
    body_p = sum(len(_cell_text(p)) for p in tree.iter("p"))
    if text.strip() and body_p and len(re.sub(r"\s", "", text)) < 0.6 * body_p:
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



def parse_html(raw: bytes, name: str) -> Parsed:
    """Read a saved web page: its main text (the headline first) and its title."""
    html, encoding = decode_html(raw, name)
    text, title = html_to_text(normalise_text(html), name)
    return Parsed(text=normalise_text(text), kind="html", encoding=encoding, title=title)


register("html", (".html", ".htm"), parse_html)
