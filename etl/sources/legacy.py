"""Old binary Word/WPS (.doc, .wps) and Excel (.xls, .et) files → converted by LibreOffice headless.  I/O

LibreOffice (Debian ``libreoffice-writer-nogui``; ``libreoffice-calc-nogui`` for .xls) converts
the file to .docx / .xlsx in a private temporary profile, and the .docx / .xlsx reader does the
rest. Without LibreOffice the file fails with a message naming the package (and the other way
out: save it as .docx from Word/WPS); every other file still loads.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UnreadableFile
from .base import Parsed, register

TIMEOUT = 180  # seconds for one conversion


def _soffice() -> str | None:
    name = os.environ.get("ETL_SOFFICE")  # another LibreOffice binary (tests: a name that does not exist)
    return shutil.which(name) if name else shutil.which("soffice") or shutil.which("libreoffice")


def convert(raw: bytes, name: str, suffix: str, target: str) -> bytes:
    """Convert an old Office/WPS file to `target` (docx or xlsx) with LibreOffice; return the new bytes."""
    exe = _soffice()
    what = "表格" if target == "xlsx" else "Word/WPS 文档"
    if exe is None:
        package = "libreoffice-calc-nogui" if target == "xlsx" else "libreoffice-writer-nogui"
        raise UnreadableFile(
            name, f"这是旧版{what}（{suffix}），需要 LibreOffice 转换，但本机没有安装 LibreOffice",
            f"请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install {package}；或在项目目录运行 make setup），"
            f"或在 WPS/Office 中把文件“另存为”.{target} 后再运行。")
    with tempfile.TemporaryDirectory(prefix="etl-lo.") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(raw)
        out_dir = Path(tmp) / "out"
        cmd = [exe, "--headless", "--norestore", "--nologo", "--nolockcheck",
               f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise UnreadableFile(name, f"LibreOffice 转换超过 {TIMEOUT} 秒仍未完成",
                                 f"请在 WPS/Office 中把文件“另存为”.{target} 后再运行。") from None
        result = out_dir / f"in.{target}"
        if not result.exists() or result.stat().st_size == 0:
            raise UnreadableFile(name, f"LibreOffice 无法转换该{what}（文件可能已损坏或设置了密码）",
                                 f"请在 WPS/Office 中打开（如有密码请先取消），“另存为”.{target} 后再运行。")
        return result.read_bytes()


def parse_doc(raw: bytes, name: str) -> Parsed:
    """Read a .doc/.wps (or a .docx that is really a .doc) through LibreOffice → .docx."""
    from .docx import parse_docx  # noqa: PLC0415

    suffix = Path(name).suffix.lower()
    kind = "wps" if suffix == ".wps" else "doc"
    return parse_docx(convert(raw, name, suffix if suffix in (".doc", ".wps") else ".doc", "docx"), name, kind=kind)


def parse_xls(raw: bytes, name: str) -> Parsed:
    """Read an old .xls/.et spreadsheet through LibreOffice → .xlsx."""
    from .sheets import parse_xlsx  # noqa: PLC0415

    suffix = Path(name).suffix.lower()
    parsed = parse_xlsx(convert(raw, name, suffix if suffix in (".xls", ".et") else ".xls", "xlsx"), name)
    parsed.kind = "xls"
    return parsed


register("doc", (".doc", ".wps"), parse_doc)
register("xls", (".xls", ".et"), parse_xls)
