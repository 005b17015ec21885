"""End to end through `python -m etl`: real files, real databases, real processes (kill -9 included)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import BAD_INPUT, REPORTS_SMALL, ROOT, run_cli, write_corpus
from etl.export import EXPORT_FILES
from etl.store import documents, facts, open_store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DB = 0, 1, 2, 3


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def _export_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in EXPORT_FILES}


def _db_counts(url: str) -> tuple[int, int]:
    with open_store(url, write=False) as store, store.engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(documents)).scalar(),
                conn.execute(select(func.count()).select_from(facts)).scalar())


def _integrity(url: str) -> list[str]:
    with open_store(url, write=False) as store:
        return store.integrity_problems()


def _assert_ok(proc: subprocess.CompletedProcess, code: int = EXIT_OK) -> None:
    assert proc.returncode == code, f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr


# ---- help --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["run"], ["export"], ["status"]])
def test_every_command_has_help_ending_with_examples(command):
    proc = run_cli(*command, "--help")
    _assert_ok(proc)
    text = proc.stdout.rstrip()
    examples = text.rsplit("Examples:", 1)
    assert len(examples) == 2, text
    assert "python -m etl" in examples[1]
    assert "退出码" in text  # exit codes documented


# ---- idempotency and determinism -----------------------------------------------------------

def test_run_twice_adds_nothing_and_exports_identical_bytes(tmp_path, sqlite_url):
    data = _copy(REPORTS_SMALL, tmp_path / "in")
    out = tmp_path / "out"
    first = run_cli("run", str(data), "--database", sqlite_url, "--export", str(out), "--workers", "2")
    _assert_ok(first)
    before = _export_bytes(out)
    counts = _db_counts(sqlite_url)
    assert counts[0] == 4 and counts[1] > 0
    second = run_cli("run", str(data), "--database", sqlite_url, "--export", str(out))
    _assert_ok(second)
    assert "skipped" in second.stdout
    assert _db_counts(sqlite_url) == counts
    assert _export_bytes(out) == before
    assert _integrity(sqlite_url) == []
    status = run_cli("status", "--database", sqlite_url)
    _assert_ok(status)
    assert "OK" in status.stdout


def test_two_fresh_databases_and_worker_counts_give_same_bytes(tmp_path, postgresql_url):
    data = _copy(REPORTS_SMALL, tmp_path / "in")
    write_corpus(data / "many", 6)
    outs = []
    for name, url, workers in (("a", f"sqlite:///{tmp_path}/a.db", "1"), ("b", f"sqlite:///{tmp_path}/b.db", "3"),
                               ("pg", postgresql_url, "2")):
        out = tmp_path / f"out_{name}"
        _assert_ok(run_cli("run", str(data), "--database", url, "--export", str(out), "--workers", workers))
        outs.append(_export_bytes(out))
    assert outs[0] == outs[1] == outs[2]


def test_changed_removed_added_files_and_force(tmp_path, sqlite_url):
    data = tmp_path / "in"
    paths = write_corpus(data, 3)
    out = tmp_path / "out"
    _assert_ok(run_cli("run", str(data), "-d", sqlite_url, "--export", str(out), "-j", "1"))
    with open_store(sqlite_url, write=False) as store, store.engine.connect() as conn:
        old_ids = set(conn.execute(select(facts.c.fact_id).where(facts.c.source_file == "report_00001.txt")).scalars())
    assert old_ids
    # change one file, remove one, add one
    paths[1].write_text("锡林郭勒盟东乌珠穆沁旗新建嘎查便民服务点35个，配备网格员210名。\n", encoding="utf-8")
    paths[2].unlink()
    (data / "report_new.txt").write_text("兴安盟科右前旗新建党群服务中心12个。\n", encoding="utf-8")
    proc = run_cli("run", str(data), "-d", sqlite_url, "--export", str(out), "-j", "1")
    _assert_ok(proc)
    with open_store(sqlite_url, write=False) as store, store.engine.connect() as conn:
        new_ids = set(conn.execute(select(facts.c.fact_id).where(facts.c.source_file == "report_00001.txt")).scalars())
        names = set(conn.execute(select(documents.c.source_file)).scalars())
        fact_files = set(conn.execute(select(facts.c.source_file).distinct()).scalars())
    assert new_ids and not (new_ids & old_ids)
    assert names == {"report_00000.txt", "report_00001.txt", "report_new.txt"}
    assert fact_files <= names and "report_00002.txt" not in fact_files
    assert "report_00002.txt" in proc.stdout  # removal is reported
    before = _export_bytes(out)
    forced = run_cli("run", str(data), "-d", sqlite_url, "--export", str(out), "--force", "-j", "2")
    _assert_ok(forced)
    assert "已读取并入库 loaded" in forced.stdout and " 3 " in forced.stdout.split("已读取并入库 loaded")[1].splitlines()[0]
    assert _export_bytes(out) == before
    assert _integrity(sqlite_url) == []


# ---- bad input -----------------------------------------------------------------------------

BAD_FILES = ["binary_nul.txt", "docx_renamed.txt", "empty.txt", "empty_page.html", "latin1_garbage.txt",
             "mixed_utf8_gbk.txt", "only_spaces.txt", "png_renamed.txt", "truncated_utf8.txt"]
GOOD_FILES = ["broken_but_readable.html", "good_gbk.txt", "good_utf8.txt"]


def test_bad_inputs_are_listed_others_loaded_exit_1(tmp_path, sqlite_url):
    data = _copy(BAD_INPUT, tmp_path / "in")
    huge = data / "huge_single_line.txt"
    # One 5 MB line (the 50 MB case is read in test_sources; extraction time grows with the size).
    filler = "基层党组织建设持续加强，" * 140_000
    huge.write_bytes((filler + "呼和浩特市武川县每只羊年收益292元，" + filler).encode("utf-8"))
    (data / "原稿.docx").write_bytes(b"PK\x03\x04" + bytes(40))  # a broken Word file: failed, with advice
    proc = run_cli("run", str(data), "-d", sqlite_url, "--export", str(tmp_path / "out"))
    _assert_ok(proc, EXIT_FAILED)
    assert "原稿.docx" in proc.stdout and "另存为" in proc.stdout
    for name in BAD_FILES + ["missing_file.txt"]:
        assert name in proc.stdout, name
    assert "2024-13-45" in proc.stdout
    with open_store(sqlite_url, write=False) as store, store.engine.connect() as conn:
        rows = {r.source_file: r for r in conn.execute(select(documents))}
    for name in BAD_FILES + ["原稿.docx"]:
        assert rows[name].status == "failed" and rows[name].error and rows[name].advice, name
    for name in GOOD_FILES + ["huge_single_line.txt"]:
        assert rows[name].status == "loaded", (name, rows[name].error)
        assert rows[name].n_facts > 0, name
    assert "2024-13-45" in rows["good_utf8.txt"].error  # manifest problem kept in the documents table
    assert rows["missing_file.txt"].status == "failed"
    assert _integrity(sqlite_url) == []
    status = run_cli("status", "-d", sqlite_url)
    _assert_ok(status, EXIT_FAILED)
    assert "truncated_utf8.txt" in status.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the ETL as another user")
def test_unreadable_permission_as_other_user(tmp_path):
    """As root every file is readable, so run the ETL as `nobody` on a chmod 000 file."""
    if shutil.which("runuser") is None:
        pytest.skip("runuser missing")
    base = Path(__import__("tempfile").mkdtemp(prefix="etlperm.", dir="/tmp"))
    try:
        data = base / "in"
        data.mkdir()
        (data / "ok.txt").write_text("兴安盟科右前旗新建党群服务中心12个。\n", encoding="utf-8")
        (data / "secret.txt").write_text("兴安盟新建服务站3个。\n", encoding="utf-8")
        os.chmod(data / "secret.txt", 0)
        for p in (base, data):
            os.chmod(p, 0o777)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "HOME": str(base)}
        env.pop("DATABASE_URL", None)
        proc = subprocess.run(
            ["runuser", "-u", "nobody", "--", sys.executable, "-m", "etl", "run", str(data),
             "-d", f"sqlite:///{base}/x.db", "--no-export", "-j", "1"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        if "Permission denied" in proc.stderr and "python" in proc.stderr.lower():
            pytest.skip("nobody cannot run the project's interpreter here")
        _assert_ok(proc, EXIT_FAILED)
        assert "secret.txt" in proc.stdout and "权限" in proc.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_usage_errors_exit_2(tmp_path):
    proc = run_cli("run", str(tmp_path / "does-not-exist"), "-d", f"sqlite:///{tmp_path}/x.db")
    assert proc.returncode == EXIT_USAGE and "不存在" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("run", "--workers", "0")
    assert proc.returncode == EXIT_USAGE
    proc = run_cli("frobnicate")
    assert proc.returncode == EXIT_USAGE


def test_export_and_status_of_missing_sqlite_file_exit_3(tmp_path):
    for command in (["status"], ["export", "--out", str(tmp_path / "out")]):
        proc = run_cli(*command, "-d", f"sqlite:///{tmp_path}/nothing.db")
        _assert_ok(proc, EXIT_DB)
        assert "不存在" in proc.stderr
    assert not (tmp_path / "nothing.db").exists()


def test_unreachable_database_exit_3(tmp_path):
    proc = run_cli("run", str(REPORTS_SMALL), "-d", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=2",
                   "--no-export")
    _assert_ok(proc, EXIT_DB)
    assert "无法连接" in proc.stderr
    proc = run_cli("status", "-d", "postgresql+psycopg://nobody@127.0.0.1:1/x?connect_timeout=2")
    _assert_ok(proc, EXIT_DB)


# ---- crash safety and concurrency ----------------------------------------------------------

def _start_run(data: Path, url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    env.pop("DATABASE_URL", None)
    return subprocess.Popen([sys.executable, "-m", "etl", "run", str(data), "-d", url, *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_loaded(url: str, at_least: int, proc: subprocess.Popen, timeout: float = 300) -> int:
    from etl.store import make_engine

    engine = make_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the run finished before it could be interrupted"
            try:
                with engine.connect() as conn:
                    n = conn.execute(select(func.count()).select_from(documents)).scalar()
            except Exception:  # noqa: BLE001  (tables may not exist yet)
                n = 0
            if n >= at_least:
                return n
            time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError("the run loaded nothing in time")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_mid_load_leaves_consistent_database_and_rerun_completes(tmp_path, backend, request):
    url = request.getfixturevalue(f"{backend}_url")
    data = tmp_path / "in"
    write_corpus(data, 600)  # long enough to span several write groups (etl.cli.GROUP_SECONDS)
    proc = _start_run(data, url, "--no-export", "--workers", "2")
    try:
        _wait_for_loaded(url, 5, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    # The killed run's workers die with the pool (or finish their one file) — give them a moment.
    time.sleep(0.5)
    n_docs, _ = _db_counts(url)
    assert 5 <= n_docs < 600
    assert _integrity(url) == []
    out = tmp_path / "out"
    rerun = run_cli("run", str(data), "-d", url, "--export", str(out), "--workers", "2")
    _assert_ok(rerun)
    assert _db_counts(url)[0] == 600
    assert _integrity(url) == []
    # The interrupted-then-completed database equals a database built in one go.
    fresh = f"sqlite:///{tmp_path}/fresh.db"
    _assert_ok(run_cli("run", str(data), "-d", fresh, "--export", str(tmp_path / "fresh"), "--workers", "2"))
    assert _export_bytes(out) == _export_bytes(tmp_path / "fresh")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_run_while_another_writer_holds_the_database_exits_3(tmp_path, backend, request):
    url = request.getfixturevalue(f"{backend}_url")
    with open_store(url):  # another writer (same lock as a running `etl run`)
        busy = run_cli("run", str(REPORTS_SMALL), "-d", url, "--no-export")
        _assert_ok(busy, EXIT_DB)
        assert "另一个 ETL 正在写入该数据库" in busy.stderr and "请等它结束后再运行" in busy.stderr
        _assert_ok(run_cli("status", "-d", url))  # readers are not blocked
    _assert_ok(run_cli("run", str(REPORTS_SMALL), "-d", url, "--no-export"))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_runs_started_at_once_do_not_corrupt(tmp_path, backend, request):
    url = request.getfixturevalue(f"{backend}_url")
    data = tmp_path / "in"
    write_corpus(data, 40)
    runs = [_start_run(data, url, "--no-export", "--workers", "1") for _ in range(2)]
    try:
        outputs = [p.communicate(timeout=600) for p in runs]
        results = [(p.returncode, err) for p, (_, err) in zip(runs, outputs)]
    finally:
        for p in runs:
            if p.poll() is None:
                p.kill()
    codes = sorted(code for code, _ in results)
    assert codes in ([EXIT_OK, EXIT_DB], [EXIT_OK, EXIT_OK]), results  # the loser fails clearly, or they ran in turn
    for code, err in results:
        assert "Traceback" not in err
        if code == EXIT_DB:
            assert "另一个 ETL 正在写入该数据库" in err
    assert _db_counts(url)[0] == 40
    assert _integrity(url) == []
