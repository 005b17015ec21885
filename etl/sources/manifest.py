"""The input directory: which files are reports, and manifest.csv (file,published,source,title).  I/O"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnreadableFile
from .base import report_suffixes
from .text import decode_text

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "published", "source", "title")


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

    Only the suffixes a reader is registered for count (.txt, .html, .docx, .pdf, .png, .xlsx…;
    see :func:`etl.sources.base.report_suffixes`); hidden files and directories (name starting with
    a dot) and ``manifest.csv`` are skipped.
    """
    input_dir = Path(input_dir)
    suffixes = report_suffixes()
    found: list[Path] = []
    for path in input_dir.rglob("*"):
        rel = path.relative_to(input_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() not in suffixes or path.name == MANIFEST_NAME:
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


