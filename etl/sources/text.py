"""Bytes → text: strict UTF-8 / GB18030 decoding with reasons and advice; the .txt reader.  I/O

Reading is strict: a file is decoded as UTF-8 (with or without BOM), else as GB18030 (which
covers GBK and GB2312); anything else, a truncated last character, a file that mixes the two, an
empty file or a binary file renamed ``.txt`` raises :class:`etl.errors.UnreadableFile` with a
reason and a piece of advice in Chinese, so the run can list it and carry on with the others.
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import UnreadableFile
from .base import Parsed, register

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



def parse_txt(raw: bytes, name: str) -> Parsed:
    """Read a plain-text report: decode, unify newlines, drop a leading BOM character."""
    text, encoding = decode_text(raw, name)
    text = normalise_text(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return Parsed(text=text, kind="txt", encoding=encoding)


register("txt", (".txt",), parse_txt)
