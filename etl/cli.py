"""Command line: python -m etl run | export | status. The only module that prints or exits.

``run`` reads and extracts documents in worker processes and stores them from ONE writer in
the main process, in file order, so ``--workers 4`` gives exactly what ``--workers 1`` gives.
"""
from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from .errors import DatabaseBusy, DatabaseError, EtlError, UnreadableFile
from .paths import EXPORT_DIR, RAW_DIR, REFERENCE_DIR, database_url
from .schema import EXTRACTOR_VERSION, Article, Document, Fact

EXIT_OK, EXIT_FAILED_FILES, EXIT_USAGE, EXIT_DATABASE = 0, 1, 2, 3

EXIT_CODES_HELP = """\b
退出码 (exit codes):
  0  全部成功 (all files loaded or unchanged)
  1  部分文件失败，其余已处理 (some files failed; see the summary)
  2  用法错误 (usage error: bad option, missing input directory)
  3  数据库忙或不可用 (database busy: another run holds it; or unreachable)"""


def _epilog(examples: str) -> str:
    """Help epilog: exit codes, then an Examples: block (kept verbatim by \\b)."""
    return EXIT_CODES_HELP + "\n\n\b\nExamples:\n" + examples


MAIN_EXAMPLES = """\
  python -m etl run            # data/raw → sqlite:///data/governance.db → data/export
  python -m etl run reports/ --database postgresql+psycopg://etl@localhost/etl
  python -m etl status
  python -m etl export --out /tmp/export
  python -m etl synth --reports 200 --out /tmp/synth"""
RUN_EXAMPLES = """\
  python -m etl run
  python -m etl run data/raw --database sqlite:///data/governance.db --export data/export
  python -m etl run reports/ -d postgresql+psycopg://etl:secret@db.example/etl --workers 4
  python -m etl run --force --no-export      # re-extract everything after a rules change"""
EXPORT_EXAMPLES = """\
  python -m etl export
  python -m etl export --database sqlite:///data/governance.db --out /tmp/export"""
STATUS_EXAMPLES = """\
  python -m etl status
  python -m etl status --database postgresql+psycopg://etl@localhost/etl"""

ADVICE_BUG = "这是程序的问题：请把该文件和这条信息报告给维护者。"


# --------------------------------------------------------------------------------------------
# The run, without printing
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    """One file for a worker: where it is, its manifest row, and the hash that means 'unchanged'."""

    path: str
    name: str
    manifest_entry: dict | None
    unchanged_hash: str | None  # None: load whatever the hash


@dataclass
class Outcome:
    """What a worker did with one file."""

    name: str
    status: str  # loaded | skipped | failed
    size: int = 0
    content_hash: str = ""
    kind: str = ""
    document: Document | None = None
    articles: list[Article] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    reason: str = ""
    advice: str = ""


def process_file(task: Task) -> Outcome:
    """Read, hash and (unless unchanged) extract one file; never raises for a bad file."""
    from .pipeline import extract_document  # noqa: PLC0415
    from .sources import content_hash, document_from_bytes, read_bytes  # noqa: PLC0415

    kind = format_of(task.name)
    try:
        raw = read_bytes(Path(task.path), task.name)
    except UnreadableFile as exc:
        return Outcome(task.name, "failed", kind=kind, reason=exc.reason, advice=exc.advice)
    digest = content_hash(raw)
    if task.unchanged_hash == digest:
        return Outcome(task.name, "skipped", size=len(raw), content_hash=digest, kind=kind)
    try:
        doc = document_from_bytes(raw, task.name, task.manifest_entry)
        doc_articles, doc_facts = extract_document(doc)
    except UnreadableFile as exc:
        return Outcome(task.name, "failed", len(raw), digest, kind, reason=exc.reason, advice=exc.advice)
    except EtlError as exc:
        return Outcome(task.name, "failed", len(raw), digest, kind, reason=str(exc), advice="请检查该文件的内容。")
    except Exception as exc:  # noqa: BLE001  (one bad document must not stop the run; reported as a bug)
        return Outcome(task.name, "failed", len(raw), digest, kind,
                       reason=f"提取时出错（{type(exc).__name__}: {exc}）", advice=ADVICE_BUG)
    return Outcome(task.name, "loaded", len(raw), digest, doc.kind, doc, list(doc_articles), list(doc_facts))


def format_of(name: str) -> str:
    """The format a file's suffix names (txt, html, docx, doc, pdf, image, xlsx, csv…), for the summary."""
    from .sources import readers  # noqa: PLC0415

    suffix = Path(name).suffix.lower()
    return next((r.name for r in readers().values() if suffix in r.suffixes), suffix.lstrip(".") or "?")


def ordered_map(fn: Callable[[Task], Outcome], tasks: Iterable[Task], workers: int) -> Iterator[Outcome]:
    """Yield fn(task) in task order, using up to `workers` processes with a bounded window.

    At most 2×workers tasks are in flight, so memory stays flat on huge corpora.
    """
    if workers <= 1:
        for task in tasks:
            yield fn(task)
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["etl.pipeline", "etl.sources"])
    it = iter(tasks)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        window = deque(pool.submit(fn, t) for t in islice(it, workers * 2))
        while window:
            result = window.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                window.append(pool.submit(fn, nxt))
            yield result


@dataclass
class RunReport:
    """Counts and problems of one run, for the summary."""

    files: int = 0
    loaded: int = 0
    skipped: int = 0
    failed: int = 0
    articles: int = 0
    facts: int = 0
    bytes_read: int = 0
    removed: list[str] = field(default_factory=list)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (file, reason, advice)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    seconds: float = 0.0
    exported: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # .rtf/.odt… that need converting first
    review: dict[str, int] = field(default_factory=dict)  # corrections applied / orphaned (etl.review)
    # format (txt, docx, pdf, scan, image, xlsx…) → {files, loaded, skipped, failed, facts}
    by_format: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, kind: str, what: str, n: int = 1) -> None:
        """Add n to one cell of the per-format summary."""
        row = self.by_format.setdefault(kind, dict.fromkeys(("files", "loaded", "skipped", "failed", "facts"), 0))
        row[what] += n


# Files users often drop into the input directory that the ETL cannot read as they are.
CONVERTIBLE_SUFFIXES = frozenset({".rtf", ".odt", ".mhtml", ".mht", ".ppt", ".pptx", ".ofd", ".caj"})


# Below this many bytes to (re)read, a run extracts in the main process: a process pool costs ~1 s to start.
SMALL_RUN_BYTES = 1_000_000


def _bytes_to_read(tasks) -> int:  # noqa: ANN001
    total = 0
    for t in tasks:
        if t.unchanged_hash is None:
            try:
                total += os.path.getsize(t.path)
            except OSError:
                pass
    return total


# Documents are written in groups, each in one transaction (a commit per document cost a fifth of
# a dense run): a group is stored after this many files or seconds, whichever comes first.
GROUP_FILES = 200
GROUP_SECONDS = 1.0


def _store_outcome(store, out: Outcome, report: RunReport, manifest: dict, manifest_notes: dict,  # noqa: ANN001
                   states: dict, dir_key: str) -> Outcome:
    """Write one file's outcome (its facts, or its failure) and count it in report; return it as stored."""
    from .store import manifest_signature  # noqa: PLC0415

    report.bytes_read += out.size
    sig = manifest_signature(manifest.get(out.name))
    if out.status == "loaded":
        try:
            store.load_document(out.document, out.articles, out.facts, input_dir=dir_key,
                                manifest_sig=sig, note=" ".join(manifest_notes.get(out.name, [])),
                                new=out.name not in states)
        except DatabaseError as exc:
            out = Outcome(out.name, "failed", out.size, out.content_hash, out.kind,
                          reason=str(exc), advice=ADVICE_BUG)
        else:
            report.loaded += 1
            report.articles += len(out.articles)
            report.facts += len(out.facts)
            report.count(out.kind, "facts", len(out.facts))
            for reason, advice in out.document.notes:
                report.warnings.append((out.name, reason, advice))
    report.count(out.kind or format_of(out.name), "files")
    report.count(out.kind or format_of(out.name), out.status)
    if out.status == "failed":
        store.record_failure(out.name, out.content_hash, out.reason, out.advice, input_dir=dir_key,
                             kind=out.kind, manifest_sig=sig)
        report.failed += 1
        report.failures.append((out.name, out.reason, out.advice))
    elif out.status == "skipped":
        report.skipped += 1
    return out


def run_corpus(store, input_dir: Path, *, force: bool = False, workers: int = 1,  # noqa: ANN001
               on_progress: Callable[[Outcome], None] | None = None,
               on_start: Callable[[int, int], None] | None = None) -> RunReport:
    """Load every report under input_dir into store; return what happened (no printing).

    Unchanged files (same content hash, extractor version and manifest row) are skipped unless
    force; files that disappeared from input_dir since an earlier run over the SAME directory are
    deleted from the database; manifest problems are recorded and reported.
    """
    from .sources import iter_report_files, load_manifest, relative_name  # noqa: PLC0415
    from .store import is_stale, manifest_signature  # noqa: PLC0415

    started = time.perf_counter()
    input_dir = Path(input_dir)
    dir_key = str(input_dir.resolve())
    report = RunReport()
    manifest, problems = load_manifest(input_dir)
    paths = iter_report_files(input_dir)
    names = [relative_name(p, input_dir) for p in paths]
    report.files = len(paths)
    report.ignored = sorted(
        p.relative_to(input_dir).as_posix() for p in input_dir.rglob("*")
        if p.suffix.lower() in CONVERTIBLE_SUFFIXES and not any(
            part.startswith(".") for part in p.relative_to(input_dir).parts) and p.is_file())
    states = store.document_states()
    store.load_reference(REFERENCE_DIR)

    tasks = []
    for path, name in zip(paths, names):
        entry = manifest.get(name)
        sig = manifest_signature(entry)
        state = states.get(name)
        unchanged = None
        if state is not None and not force and state.input_dir == dir_key \
                and not is_stale(state, state.content_hash, EXTRACTOR_VERSION, sig):
            unchanged = state.content_hash
        tasks.append(Task(str(path), name, entry, unchanged))
    if on_start is not None:
        total = 0
        for p in paths:
            try:
                total += p.stat().st_size
            except OSError:
                pass
        on_start(len(paths), total)

    manifest_notes: dict[str, list[str]] = {}
    for prob in problems:
        report.warnings.append((prob.file, prob.reason, prob.advice))
        manifest_notes.setdefault(prob.file, []).append(f"{prob.reason}。{prob.advice}")

    n_workers = max(1, min(workers, sum(1 for t in tasks if t.unchanged_hash is None) or 1))
    if n_workers > 1 and _bytes_to_read(tasks) < SMALL_RUN_BYTES:
        n_workers = 1  # starting worker processes takes longer than a small run's work (an upload, a few reports)

    def store_group(group: list[Outcome]) -> None:
        stored: list[Outcome] = []
        with store.batch():
            for out in group:
                stored.append(_store_outcome(store, out, report, manifest, manifest_notes, states, dir_key))
        for out in stored:  # after the commit: a progress callback may write to the database itself
            if on_progress is not None:
                on_progress(out)

    group: list[Outcome] = []
    group_started = time.monotonic()
    outcomes = ordered_map(process_file, tasks, n_workers)
    while True:
        try:
            out = next(outcomes)
        except StopIteration:
            break
        except BaseException:
            if group:
                store_group(group)  # Ctrl-C or a failure while reading: keep the whole documents read so far
            raise
        if not group:
            group_started = time.monotonic()
        group.append(out)
        if len(group) >= GROUP_FILES or time.monotonic() - group_started >= GROUP_SECONDS:
            store_group(group)
            group = []
    if group:
        store_group(group)

    # Files named in the manifest but absent: recorded so that the documents table shows them.
    present = set(names)
    for prob in problems:
        if prob.file not in present and prob.file != "manifest.csv":
            store.record_failure(prob.file, "", prob.reason, prob.advice, input_dir=dir_key, kind="manifest")
            present.add(prob.file)
    report.removed = store.prune(dir_key, present)
    # Editors' corrections and programme rules, once more over everything (etl.review_store).
    from .review_store import apply_all  # noqa: PLC0415

    report.review = apply_all(store.engine).as_dict()
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    store.set_meta("last_run", now)
    if report.loaded or report.failed or report.removed:
        store.set_meta("last_updated", now)
    store.set_meta("extractor_version", EXTRACTOR_VERSION)
    report.seconds = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------------

def _consoles() -> tuple[Console, Console]:
    """Return (stdout, stderr) consoles; logs and pipes get 120 columns so tables stay readable."""
    out, err = Console(), Console(stderr=True)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(width=120)
    if not err.is_terminal and "COLUMNS" not in os.environ:
        err = Console(stderr=True, width=120)
    return out, err


def _require_existing_database(err: Console, url: str) -> None:
    """Refuse to read a SQLite file that does not exist yet (instead of creating an empty one)."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    try:
        u = make_url(url)
    except Exception:  # noqa: BLE001  (open_store reports bad URLs with advice)
        return
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:" and not Path(u.database).exists():
        _fail(err, f"数据库文件 {u.database} 不存在。请先运行 python -m etl run 生成它，或用 --database 指定已有的数据库。",
              EXIT_DATABASE)


def _fail(err: Console, message: str, code: int) -> None:
    err.print(f"[bold red]错误：[/]{message}", highlight=False)
    sys.exit(code)


def _print_failures(console: Console, title: str, rows: list[tuple[str, str, str]], style: str) -> None:
    if not rows:
        return
    t = Table(title=title, title_style=style, show_lines=True, expand=False)
    t.add_column("文件", overflow="fold")
    t.add_column("原因", overflow="fold")
    t.add_column("怎么办", overflow="fold")
    for name, reason, advice in rows:
        t.add_row(name, reason, advice)
    console.print(t)


FORMAT_LABELS = {
    "txt": "文本 .txt", "html": "网页 .html", "docx": "Word .docx", "doc": "旧版 Word .doc", "wps": "WPS .wps",
    "pdf": "PDF（文字）", "scan": "PDF（扫描件，OCR）", "image": "图片（OCR）", "xlsx": "Excel .xlsx", "xls": "旧版 Excel .xls",
    "csv": "表格 .csv",
}


def _print_summary(console: Console, report: RunReport, summary: dict) -> None:
    t = Table(title="本次运行 (this run)", show_header=True)
    t.add_column("项目")
    t.add_column("数量", justify="right")
    for label, value in (
        ("文件 files", report.files), ("已读取并入库 loaded", report.loaded), ("未变化跳过 skipped", report.skipped),
        ("失败 failed", report.failed), ("从库中删除（文件已不在） removed", len(report.removed)),
        ("新写入文章 articles", report.articles), ("新写入事实 facts", report.facts),
    ):
        t.add_row(label, str(value))
    mb = report.bytes_read / 1e6
    t.add_row("用时 time", f"{report.seconds:.1f} s（{mb:.1f} MB，{mb / max(report.seconds, 1e-9):.1f} MB/s）")
    console.print(t)
    if report.by_format:
        f = Table(title="按格式 (by format)")
        for col in ("格式 format", "文件 files", "入库 loaded", "跳过 skipped", "失败 failed", "事实 facts"):
            f.add_column(col, justify="left" if col.startswith("格式") else "right")
        for kind, row in sorted(report.by_format.items()):
            f.add_row(FORMAT_LABELS.get(kind, kind), *(str(row[k]) for k in ("files", "loaded", "skipped", "failed", "facts")))
        console.print(f)
    db = Table(title="数据库合计 (database totals)")
    db.add_column("项目")
    db.add_column("数量", justify="right")
    docs = summary["documents"]
    db.add_row("文档 documents", f"{sum(docs.values())}（loaded {docs.get('loaded', 0)}，failed {docs.get('failed', 0)}）")
    db.add_row("文章 articles", str(summary["articles"]))
    db.add_row("事实 facts", str(summary["facts"]))
    for league, n in summary["by_league"]:
        db.add_row(f"  {league or '（全区/未归属盟市）'}", str(n))
    console.print(db)
    _print_failures(console, "失败的文件 (failed files)", report.failures, "bold red")
    _print_failures(console, "提醒 (warnings: manifest.csv, pages not read…)", report.warnings, "bold yellow")
    if report.ignored:
        console.print(f"[yellow]已忽略 {len(report.ignored)} 个不能直接读取的文件[/]：" + "、".join(report.ignored[:20])
                      + ("…" if len(report.ignored) > 20 else "")
                      + "。请在 Word/WPS/浏览器中另存为 .docx、.pdf、.txt 或 .html 后放入输入目录。", highlight=False)
    if report.review.get("applied") or report.review.get("orphaned"):
        console.print(f"编辑的更正：已应用 {report.review.get('applied', 0)} 条"
                      + (f"，[yellow]{report.review['orphaned']} 条找不到原文位置[/]（见看板的“审核”页）"
                         if report.review.get("orphaned") else ""), highlight=False)
    if report.removed:
        console.print("已从数据库删除（输入目录中已没有这些文件）：" + "、".join(report.removed), highlight=False)
    if report.exported:
        console.print("已导出：" + "，".join(f"{k}（{v} 行）" for k, v in report.exported.items()), highlight=False)


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT, epilog=_epilog(MAIN_EXAMPLES))
def main() -> None:
    """内蒙古基层党建报道 → 事实表 (ETL: report files → one tidy fact table)."""


def _database_option(f):  # noqa: ANN001, ANN202
    return click.option(
        "--database", "-d", "database", metavar="URL", default=None,
        help="数据库地址 (SQLAlchemy URL)。默认 $DATABASE_URL，否则 sqlite:///data/governance.db。",
    )(f)


@main.command(context_settings=CONTEXT, epilog=_epilog(RUN_EXAMPLES))
@click.argument("input_dir", required=False, type=click.Path(path_type=Path), default=None)
@_database_option
@click.option("--export", "export_dir", metavar="OUT_DIR", type=click.Path(path_type=Path), default=None,
              help="导出目录，默认 data/export。")
@click.option("--no-export", is_flag=True, help="只入库，不导出 CSV/Parquet。")
@click.option("--force", is_flag=True, help="忽略“未变化”判断，重新提取全部文件（提取规则改动后使用）。")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="提取用的进程数，默认 CPU 核数；结果与 --workers 1 完全相同。")
def run(input_dir: Path | None, database: str | None, export_dir: Path | None, no_export: bool,
        force: bool, workers: int | None) -> None:
    """读取 INPUT_DIR（默认 data/raw）中的报道，入库并导出 (read, extract, store, export).

    Reads every report under INPUT_DIR: .txt, .html, Word (.docx, .doc/.wps via LibreOffice), PDF
    (text layer; scanned pages by OCR), pictures (.png/.jpg/.tif, OCR), Excel .xlsx and .csv (and
    manifest.csv: file,published,source,title);
    stores documents, articles and facts (one transaction per document) and writes
    OUT_DIR/facts.csv, articles.csv, regions.csv, initiatives.csv, measures.csv (UTF-8 with BOM)
    and facts.parquet. measures.csv holds one value per measure, region and date (指标口径表：
    同一数字多篇报道只记一次，分项不计入合计). Unchanged files are skipped by content hash; changed files replace their
    facts; files no longer in INPUT_DIR are deleted from the database (only those recorded from
    the same INPUT_DIR). A run killed at any moment leaves a consistent database: run again.
    """
    out, err = _consoles()
    input_dir = input_dir if input_dir is not None else RAW_DIR
    if not input_dir.is_dir():
        _fail(err, f"输入目录 {input_dir} 不存在或不是目录。请给出报道所在的目录，例如 python -m etl run data/raw",
              EXIT_USAGE)
    url = database_url(database)
    export_dir = export_dir if export_dir is not None else EXPORT_DIR
    workers = workers or os.cpu_count() or 1
    from .store import open_store  # noqa: PLC0415

    try:
        store = open_store(url)
    except (DatabaseBusy, DatabaseError) as exc:
        _fail(err, str(exc), EXIT_DATABASE)
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.fields[done]}/{task.fields[files]} 个文件"), TransferSpeedColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )
    state = {"task": None, "done": 0}

    def on_start(n_files: int, n_bytes: int) -> None:
        state["task"] = progress.add_task("入库", total=max(n_bytes, 1), files=n_files, done=0)

    def on_progress(outcome: Outcome) -> None:
        state["done"] += 1
        progress.update(state["task"], advance=outcome.size, done=state["done"])

    try:
        with store, progress:
            report = run_corpus(store, input_dir, force=force, workers=workers,
                                on_progress=on_progress, on_start=on_start)
            if not no_export:
                from .export import export_all  # noqa: PLC0415

                report.exported = export_all(store, export_dir)
            summary = store.summary()
    except (DatabaseBusy, DatabaseError) as exc:
        _fail(err, str(exc), EXIT_DATABASE)
    except OSError as exc:
        _fail(err, f"写入失败：{exc}。请检查磁盘空间和目录权限。", EXIT_FAILED_FILES)
    except KeyboardInterrupt:
        _fail(err, "已中断。已写入的文档都是完整的；再次运行会从未完成的文件继续。", 130)
    _print_summary(out, report, summary)
    if report.failures or report.warnings:
        sys.exit(EXIT_FAILED_FILES)


@main.command(context_settings=CONTEXT, epilog=_epilog(EXPORT_EXAMPLES))
@_database_option
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(path_type=Path), default=None,
              help="导出目录，默认 data/export。")
@click.option("--include-rejected", is_flag=True,
              help="facts.csv/facts.parquet 也包含编辑标为“不是事实”的行（review_status=rejected）。")
def export(database: str | None, out_dir: Path | None, include_rejected: bool) -> None:
    """把数据库导出为 CSV（UTF-8 带 BOM）和 Parquet (export the database).

    Writes facts.csv, articles.csv, regions.csv, initiatives.csv, audit.csv (every change editors
    made), measures.csv and facts.parquet; the same database always gives byte-identical files. Facts editors
    marked "not a fact" are left out unless --include-rejected. measures.csv: one row per
    measure, region and date (measure, unit, per, kind, region, as_of, value, n_reports, fact_ids). Text cells starting with = + - @ get a leading '
    so spreadsheets do not run them; numeric columns stay numbers.
    """
    out, err = _consoles()
    from .export import export_all  # noqa: PLC0415
    from .store import open_store  # noqa: PLC0415

    out_dir = out_dir if out_dir is not None else EXPORT_DIR
    _require_existing_database(err, database_url(database))
    try:
        with open_store(database_url(database), write=False) as store:
            counts = export_all(store, out_dir, include_rejected=include_rejected)
    except (DatabaseBusy, DatabaseError) as exc:
        _fail(err, str(exc), EXIT_DATABASE)
    except OSError as exc:
        _fail(err, f"写入失败：{exc}。请检查磁盘空间和目录权限。", EXIT_FAILED_FILES)
    out.print(f"已导出到 {out_dir}：" + "，".join(f"{k}（{v} 行）" for k, v in counts.items()), highlight=False)


@main.command(context_settings=CONTEXT, epilog=_epilog(STATUS_EXAMPLES))
@_database_option
def status(database: str | None) -> None:
    """显示数据库内容概况和失败的文件 (show what the database holds)."""
    out, err = _consoles()
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    from .store import open_store  # noqa: PLC0415

    url = database_url(database)
    _require_existing_database(err, url)
    try:
        with open_store(url, write=False) as store:
            summary = store.summary()
            problems = store.integrity_problems()
    except (DatabaseBusy, DatabaseError) as exc:
        _fail(err, str(exc), EXIT_DATABASE)
    t = Table(title=f"数据库 {make_url(url).render_as_string(hide_password=True)}")
    t.add_column("项目")
    t.add_column("数量", justify="right")
    docs = summary["documents"]
    t.add_row("结构版本 schema revision", str(summary["revision"]))
    t.add_row("最近更新 last updated", summary["last_updated"] or "—")
    t.add_row("文档 documents", f"{sum(docs.values())}（loaded {docs.get('loaded', 0)}，failed {docs.get('failed', 0)}）")
    t.add_row("文章 articles", str(summary["articles"]))
    t.add_row("事实 facts", str(summary["facts"]))
    for league, n in summary["by_league"]:
        t.add_row(f"  {league or '（全区/未归属盟市）'}", str(n))
    t.add_row("行政区划 regions", str(summary["regions"]))
    t.add_row("工作品牌 initiatives", str(summary["initiatives"]))
    t.add_row("一致性 integrity", "OK" if not problems else f"{len(problems)} 个问题")
    out.print(t)
    _print_failures(out, "失败的文件 (failed files)", summary["failures"], "bold red")
    for p in problems:
        out.print(f"[red]一致性问题：[/]{p}", highlight=False)
    if summary["failures"]:
        sys.exit(EXIT_FAILED_FILES)


SYNTH_EXAMPLES = """\
  python -m etl synth --reports 200 --out /tmp/synth
  python -m etl synth --reports 20000 --out /tmp/synth100mb --seed 7 --no-answer-keys
  python -m etl synth --reports 500 --out /tmp/synth-genre --density 1   # the real page's density
  python -m etl run /tmp/synth --database sqlite:////tmp/synth.db   # never the default database"""


@main.command(context_settings=CONTEXT, epilog=_epilog(SYNTH_EXAMPLES))
@click.option("--reports", type=click.IntRange(min=1), default=100, show_default=True, metavar="N",
              help="生成多少篇合成报道。")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="输出目录（不要用 data/raw）。")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子；相同种子生成相同字节。")
@click.option("--no-answer-keys", is_flag=True, help="不写每篇旁边的 .gold.json 答案。")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="并行生成的进程数（默认：CPU 核数；结果相同）。")
@click.option("--density", type=click.FloatRange(min=0, min_open=True), default=None, metavar="D",
              help="每 KB 最多 D 个数字事实：加入不含数字的叙述段落（真实版面约为 1；默认约 3.6）。")
def synth(reports: int, out_dir: Path, seed: int, no_answer_keys: bool, workers: int | None,
          density: float | None) -> None:
    """生成合成语料，供基准测试和大规模准确率检查 (write a synthetic corpus, marked synthetic).

    Every file is named synthetic_*.txt, listed in manifest.csv as synthetic, and has its answer
    key beside it; the dashboard hides synthetic facts unless asked to show them.
    """
    out, err = _consoles()
    from . import synth as synth_module  # noqa: PLC0415

    if out_dir.resolve() == RAW_DIR.resolve():
        _fail(err, f"{out_dir} 是正式报道目录，合成语料不能写在这里。请换一个目录。", EXIT_USAGE)
    summary = synth_module.generate(reports, out_dir, seed, answer_keys=not no_answer_keys, workers=workers,
                                    density=density)
    out.print(str(summary), highlight=False)
