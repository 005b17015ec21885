"""Uploaded report files → the ETL, in a background process; progress and per-file results in the database.  I/O

The web worker only saves the files (under the data directory, never in the repository) and
records a job; ``python -m dashboard.uploads --job ID --input DIR`` (started in its own session)
runs the ETL's public run function, ``etl.cli.run_corpus``, over the upload directory, so every
format the ETL reads is accepted here too. A file whose content is already loaded is not saved
again: re-uploading the same file adds nothing.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from etl.errors import DatabaseBusy, DatabaseError
from etl.paths import DATA_DIR, ROOT
from etl.review_store import now, upload_jobs
from etl.store import documents

MAX_BYTES = 50 * 1024 * 1024
WAIT_FOR_LOCK = 30 * 60  # seconds a job waits for another ETL run to finish
JOBS_DIR = ".jobs"  # logs of job processes (hidden: the ETL skips dot-directories)


def upload_dir(explicit: str | None = None) -> Path:
    """Return where uploaded files are kept: explicit, else $DASHBOARD_UPLOAD_DIR, else data/uploads."""
    return Path(explicit or os.environ.get("DASHBOARD_UPLOAD_DIR") or DATA_DIR / "uploads")


def accepted_suffixes() -> tuple[str, ...]:
    """The file extensions the ETL reads (etl.sources.REPORT_SUFFIXES), sorted."""
    try:
        from etl.sources import REPORT_SUFFIXES  # noqa: PLC0415
    except ImportError:  # pragma: no cover - the readers are being reorganised (issue 10)
        REPORT_SUFFIXES = {".txt", ".html", ".htm"}  # noqa: N806
    return tuple(sorted(s.lower() for s in REPORT_SUFFIXES))


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(name: str) -> str:
    """Return a file name safe to store: no directories, no control characters, at most 120 characters.

    >>> safe_name("../../etc/passwd.txt"), safe_name("报道 （一）.TXT"), safe_name(".hidden.txt")
    ('passwd.txt', '报道 （一）.TXT', 'hidden.txt')
    """
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, ext = base.rpartition(".")
    if dot and len(base) > 120:
        base = stem[:120 - len(ext) - 1] + "." + ext
    return base[:120] or "报道.txt"


@dataclass
class FileResult:
    """What happened to one uploaded file (shown in the results table)."""

    file: str
    status: str  # queued | duplicate | refused | loaded | unchanged | failed
    message: str = ""
    stored: str = ""  # path relative to the upload directory ("" when not stored)
    facts: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def stage(engine: Engine, directory: Path, files: list[tuple[str, bytes]], *, user: str) -> tuple[str | None, list[dict]]:
    """Save uploaded files for the ETL and record a job; return (job id or None, per-file results).

    Refused at once: an extension the ETL does not read, an empty or too large file, and a file
    whose content is already loaded or uploaded (re-uploading adds nothing).
    """
    accepted = accepted_suffixes()
    day = time.strftime("%Y-%m-%d")
    target_dir = Path(directory) / day
    results: list[FileResult] = []
    seen_hashes: dict[str, str] = {}
    with engine.connect() as conn:
        loaded = {h: f for f, h in conn.execute(select(documents.c.source_file, documents.c.content_hash)
                                                .where(documents.c.status == "loaded"))}
    for name, raw in files:
        clean = safe_name(name)
        suffix = Path(clean).suffix.lower()
        if suffix not in accepted:
            results.append(FileResult(clean, "refused", f"不支持 {suffix or '无扩展名'} 文件：可以上传 "
                                      f"{'、'.join(accepted)}。其他格式请先另存为 .docx、.pdf 或 .txt 再上传。"))
            continue
        if not raw:
            results.append(FileResult(clean, "refused", "文件是空的：请确认选对了文件。"))
            continue
        if len(raw) > MAX_BYTES:
            results.append(FileResult(clean, "refused", f"文件超过 {MAX_BYTES // 1024 // 1024} MB：请拆分后再上传。"))
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if digest in loaded:
            results.append(FileResult(clean, "duplicate", f"与已载入的报道“{loaded[digest]}”内容完全相同，没有重复添加。"))
            continue
        if digest in seen_hashes:
            results.append(FileResult(clean, "duplicate", f"与本次上传的“{seen_hashes[digest]}”内容相同，只载入一次。"))
            continue
        twin = _same_content(Path(directory), raw, digest)
        if twin is not None:
            results.append(FileResult(clean, "duplicate", f"与已上传的“{twin}”内容相同，没有重复添加。"))
            continue
        seen_hashes[digest] = clean
        target_dir.mkdir(parents=True, exist_ok=True)
        path = target_dir / clean
        replaced = path.exists()
        tmp = path.with_name(f".{clean}.{uuid.uuid4().hex}.tmp")
        tmp.write_bytes(raw)
        os.replace(tmp, path)
        note = "今天已上传过同名文件，已替换为这个版本；" if replaced else ""
        results.append(FileResult(clean, "queued", note + "等待载入…", f"{day}/{clean}"))
    queued = [r for r in results if r.status == "queued"]
    if not queued:
        return None, [r.as_dict() for r in results]
    job_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(insert(upload_jobs).values(id=job_id, created_by=user, created_at=now(), status="queued",
                                                total=len(queued), done=0, message="等待开始…",
                                                files=json.dumps([r.as_dict() for r in results], ensure_ascii=False)))
    return job_id, [r.as_dict() for r in results]


def _same_content(directory: Path, raw: bytes, digest: str) -> str | None:
    """Return the name of an already uploaded file with the same bytes (not yet loaded, e.g. a job still running)."""
    if not directory.exists():
        return None
    for path in directory.rglob("*"):
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(directory).parts) \
                and path.stat().st_size == len(raw) and hashlib.sha256(path.read_bytes()).hexdigest() == digest:
            return path.relative_to(directory).as_posix()
    return None


def start(job_id: str, database_url: str, directory: Path) -> subprocess.Popen:
    """Start the job in a background process of its own (not in the web worker's threads)."""
    logs = Path(directory) / JOBS_DIR
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}  # the URL never shows in `ps`
    with open(logs / f"{job_id}.log", "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "dashboard.uploads", "--job", job_id, "--input", str(directory)],
                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    threading.Thread(target=proc.wait, name=f"upload-{job_id[:8]}", daemon=True).start()  # reap it when it ends
    return proc


def job(engine: Engine, job_id: str) -> dict | None:
    """Return a job row with its per-file results decoded, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(upload_jobs).where(upload_jobs.c.id == job_id)).first()
    if row is None:
        return None
    out = dict(row._mapping)
    out["files"] = json.loads(out["files"] or "[]")
    return out


def _set(engine: Engine, job_id: str, **values) -> None:
    if "files" in values:
        values["files"] = json.dumps(values["files"], ensure_ascii=False)
    with engine.begin() as conn:
        conn.execute(update(upload_jobs).where(upload_jobs.c.id == job_id).values(**values))


def run_job(job_id: str, database_url: str, directory: Path) -> int:
    """Load the upload directory with the ETL, recording progress and each of this job's files; exit code."""
    from etl.cli import run_corpus  # noqa: PLC0415  (the ETL's public run function)
    from etl.store import make_engine, open_store  # noqa: PLC0415

    engine = make_engine(database_url)
    info = job(engine, job_id)
    if info is None:
        return 2
    files = info["files"]
    mine = {f["stored"]: f for f in files if f["status"] == "queued"}
    deadline = time.monotonic() + WAIT_FOR_LOCK
    store = None
    while store is None:
        try:
            store = open_store(database_url)
        except DatabaseBusy:
            if time.monotonic() > deadline:
                _set(engine, job_id, status="failed", message="数据库一直被另一个导入占用，请稍后重新上传。", finished_at=now())
                return 3
            _set(engine, job_id, status="waiting", message="另一个导入正在进行，完成后自动开始…")
            time.sleep(2)
        except DatabaseError as exc:
            _set(engine, job_id, status="failed", message=f"无法打开数据库：{exc}", finished_at=now())
            return 3
    _set(engine, job_id, status="running", message="正在读取和抽取…")
    done = 0

    def on_progress(outcome) -> None:  # noqa: ANN001
        nonlocal done
        entry = mine.get(outcome.name)
        if entry is None:
            return
        done += 1
        if outcome.status == "loaded":
            entry.update(status="loaded", facts=len(outcome.facts),
                         message=f"已载入：{len(outcome.articles)} 篇文章，{len(outcome.facts)} 条事实。")
        elif outcome.status == "skipped":
            entry.update(status="unchanged", message="内容已载入过，没有重复添加。")
        else:
            entry.update(status="failed", message=f"{outcome.reason}。{outcome.advice}".replace("。。", "。"))
        _set(engine, job_id, done=done, files=files, message=f"已处理 {done}/{len(mine)} 个文件…")

    try:
        with store:
            report = run_corpus(store, Path(directory), workers=1, on_progress=on_progress)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the job must end with a message
        _set(engine, job_id, status="failed", files=files, finished_at=now(),
             message=f"载入时出错（{type(exc).__name__}: {exc}）。请把这条信息告诉维护者。")
        return 1
    # A file that could not be read stays out of the upload directory (the next run forgets it).
    for entry in mine.values():
        if entry["status"] == "failed":
            with contextlib.suppress(OSError):
                (Path(directory) / entry["stored"]).unlink()
        elif entry["status"] == "queued":
            entry.update(status="failed", message="没有被处理（文件可能在载入前被删除），请重新上传。")
    loaded = sum(1 for e in mine.values() if e["status"] == "loaded")
    facts = sum(int(e.get("facts") or 0) for e in mine.values())
    failed = sum(1 for e in mine.values() if e["status"] == "failed")
    message = f"完成：载入 {loaded} 个文件，新增 {facts} 条事实" + (f"；{failed} 个文件未能载入，原因见下表" if failed else "") + "。"
    if report.review.get("orphaned"):
        message += f"另有 {report.review['orphaned']} 条更正找不到原文位置（见“审核”页）。"
    _set(engine, job_id, status="done", done=len(mine), files=files, message=message, finished_at=now())
    engine.dispose()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one upload job (started by the dashboard; DATABASE_URL comes from the environment)."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.uploads", description=main.__doc__)
    parser.add_argument("--job", required=True)
    parser.add_argument("--input", required=True)
    args = parser.parse_args(argv)
    from etl.paths import database_url  # noqa: PLC0415

    return run_job(args.job, database_url(), Path(args.input))


if __name__ == "__main__":
    sys.exit(main())
