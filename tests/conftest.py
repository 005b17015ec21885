"""Shared fixtures: real SQLite files and a real PostgreSQL server for the whole session.

PostgreSQL: the session starts its own throw-away cluster with Debian's server binaries
(/usr/lib/postgresql/<version>/bin, from `apt-get install postgresql`), on a free port, with its
Unix socket in a temporary directory; each test gets a fresh database in it. PostgreSQL refuses
to run as root, so when the tests run as root the cluster runs as the `postgres` system user
(via runuser/su). Without the binaries the PostgreSQL tests FAIL with instructions, unless
ALLOW_NO_POSTGRES=1 (then they are skipped). PG_BINDIR overrides the binaries' directory;
TEST_DATABASE_URL=postgresql+psycopg://… uses an existing server instead of starting one.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPORTS_SMALL = FIXTURES / "reports_small"
BAD_INPUT = FIXTURES / "bad_input"
SEED = ROOT / "data" / "raw" / "000_6770a73b9caf9553.txt"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# --------------------------------------------------------------------------------------------
# SQLite
# --------------------------------------------------------------------------------------------

@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite database file in tmp_path."""
    return f"sqlite:///{(tmp_path / 'test.db').as_posix()}"


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PgServer:
    """A running PostgreSQL server: admin URL pieces and a way to make databases."""

    host: str  # socket directory or host name
    port: int
    user: str
    password: str = ""

    def url(self, dbname: str) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql+psycopg://{auth}@/{dbname}?host={self.host}&port={self.port}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        import psycopg  # noqa: PLC0415

        with psycopg.connect(host=self.host, port=self.port, user=self.user, password=self.password or None,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)


def _pg_bindir() -> Path | None:
    explicit = os.environ.get("PG_BINDIR")
    if explicit:
        return Path(explicit) if (Path(explicit) / "pg_ctl").exists() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    which = shutil.which("pg_ctl")
    return Path(which).parent if which else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(cmd: list[str]) -> list[str]:
    """Wrap cmd to run as the postgres system user when we are root."""
    if os.geteuid() != 0:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries (or no way to run them) on this machine."""


@contextlib.contextmanager
def start_postgres_cluster() -> Iterator[PgServer]:
    """Start a throw-away PostgreSQL cluster in /tmp on a free port; stop and delete it after.

    As root, initdb/pg_ctl run as the `postgres` system user (PostgreSQL refuses root).
    Raises PostgresUnavailable with instructions when the binaries are missing.
    """
    bindir = _pg_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found (looked for /usr/lib/postgresql/*/bin/pg_ctl and pg_ctl on "
            "PATH). Install them with `apt-get install -y postgresql` (the tests start their own "
            "server), set PG_BINDIR, or set ALLOW_NO_POSTGRES=1 to skip the PostgreSQL tests.")
    pg_user = None
    if os.geteuid() == 0:
        try:
            pg_user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "Running as root, and there is no `postgres` system user to run the test server as "
                "(PostgreSQL refuses to run as root). Install Debian's postgresql package or run as a normal user."
            ) from None
    base = Path(tempfile.mkdtemp(prefix="pgtest.", dir="/tmp"))
    if pg_user is not None:
        os.chown(base, pg_user.pw_uid, pg_user.pw_gid)
    datadir = base / "data"
    port = _free_port()
    log = base / "server.log"
    try:
        init = subprocess.run(
            _as_postgres_user([str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres",
                               "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            capture_output=True, text=True,
        )
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {init.stderr}")
        options = (f"-p {port} -k {base} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
                   f"-c max_connections=100")
        start = subprocess.run(
            _as_postgres_user([str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options, "-l", str(log), "-w",
                               "-t", "60", "start"]),
            capture_output=True, text=True,
        )
        if start.returncode != 0:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise PostgresUnavailable(f"could not start the test PostgreSQL server: {start.stderr}\n{text}")
        try:
            yield PgServer(host=str(base), port=port, user="postgres")
        finally:
            subprocess.run(_as_postgres_user([str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"]),
                           capture_output=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the session: our own cluster, or TEST_DATABASE_URL's server."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        from sqlalchemy.engine import make_url  # noqa: PLC0415

        u = make_url(external)
        yield PgServer(host=u.host or u.query.get("host", "localhost"), port=u.port or 5432,
                       user=u.username or "postgres", password=u.password or "")
        return
    try:
        cluster = start_postgres_cluster()
        server = cluster.__enter__()
    except PostgresUnavailable as exc:
        if os.environ.get("ALLOW_NO_POSTGRES") == "1":
            pytest.skip(str(exc))
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture
def postgresql_url(postgresql_server: PgServer) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database (dropped after the test)."""
    name = "t_" + uuid.uuid4().hex[:12]
    postgresql_server.admin(f'CREATE DATABASE "{name}"')
    try:
        yield postgresql_server.url(name)
    finally:
        postgresql_server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh database URL, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


# --------------------------------------------------------------------------------------------
# Real Article/Fact objects for store and export tests (no extractor needed)
# --------------------------------------------------------------------------------------------

def make_document_rows(source_file: str, n_articles: int = 2, facts_per_article: int = 3, *,
                       text_variant: str = "", league: str = "赤峰市", published: str = "2024-01-15"):
    """Return (Document, [Article], [Fact]) with content-derived ids, like the extractor's."""
    import hashlib  # noqa: PLC0415

    from etl.schema import Article, Document, Fact  # noqa: PLC0415

    def h(*parts: object) -> str:
        return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]

    body = f"{league}组织党员志愿者1200余名{text_variant}，服务群众4万多人次，建成服务站60个。"
    doc = Document(source_file=source_file, text=body * n_articles, content_hash=h("doc", source_file, text_variant),
                   published=published, published_how="manifest" if published else "none", title="标题")
    articles, facts = [], []
    for seq in range(n_articles):
        aid = h(source_file, seq, body)
        articles.append(Article(article_id=aid, source_file=source_file, seq=seq, title=f"第{seq}篇", text=body,
                                published=published))
        for k in range(facts_per_article):
            start = 10 + k * 7
            facts.append(Fact(
                fact_id=h(aid, start), source_file=source_file, article_id=aid, article_title=f"第{seq}篇",
                published=published, league=league, league_code="150400", banner="", banner_code="",
                township="", village="", region_level="league", initiative="送学上门", subject="党员志愿者",
                indicator="volunteers", category="count", value=1200.0 + k, value_low=None, value_high=None,
                qualifier="more", unit="人", per="", quote=body, span_start=start, span_end=start + 6,
                confidence=0.9,
            ))
    return doc, articles, facts


@pytest.fixture
def make_rows():
    """Factory: make_rows(source_file, n_articles=2, facts_per_article=3, ...) → (doc, articles, facts)."""
    return make_document_rows


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run `python -m etl ARGS` in a subprocess and return the completed process (text mode)."""
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # tests name their database
    full_env.update({"PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})})
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture
def cli():
    """Fixture returning run_cli: cli("run", str(input_dir), "--database", url)."""
    return run_cli


def write_corpus(directory: Path, n_files: int, base_text: str | None = None) -> list[Path]:
    """Write n_files report files: the seed page with small per-file variations (numbers, a line)."""
    import re  # noqa: PLC0415

    base = base_text if base_text is not None else SEED.read_text(encoding="utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_files):
        # Shift every Arabic number a little so that files differ in content and in facts.
        text = re.sub(r"\d+", lambda m: str(int(m.group()) + i % 7), base)
        text = f"第{i}期\n\n" + text
        path = directory / f"report_{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
