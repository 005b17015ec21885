"""Store: schema, idempotent loads, failures, pruning, locks, migrations — on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from etl.errors import DatabaseBusy, DatabaseError
from etl.schema import EXTRACTOR_VERSION, FACT_COLUMNS
from etl.store import (
    articles,
    current_revision,
    documents,
    facts,
    head_revision,
    metadata,
    open_store,
)


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_fact_table_columns_come_from_schema(db_url):
    with open_store(db_url) as store:
        cols = [c["name"] for c in inspect(store.engine).get_columns("facts")]
    assert tuple(cols) == FACT_COLUMNS


def test_migrations_match_models(db_url):
    """The Alembic revisions create exactly what etl.store declares (a new column needs a revision)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_store(db_url) as store, store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diffs == []


def test_dashboard_indexes_exist(db_url):
    with open_store(db_url) as store:
        idx = {tuple(i["column_names"]) for i in inspect(store.engine).get_indexes("facts")}
    for wanted in [("league",), ("league", "banner"), ("initiative",), ("indicator",), ("published",), ("source_file",)]:
        assert wanted in idx


def test_load_and_reload_is_idempotent(db_url, make_rows):
    doc, arts, fs = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
        store.load_document(doc, arts, fs)
        assert _count(store, facts) == len(fs) == 6
        assert _count(store, articles) == 2
        assert store.integrity_problems() == []
        assert not store.needs_loading("a.txt", doc.content_hash, EXTRACTOR_VERSION)
        assert store.needs_loading("a.txt", "other-hash", EXTRACTOR_VERSION)
        assert store.needs_loading("a.txt", doc.content_hash, EXTRACTOR_VERSION + "-next")
        assert store.needs_loading("new.txt", "x", EXTRACTOR_VERSION)


def test_changed_document_replaces_its_facts(db_url, make_rows):
    with open_store(db_url) as store:
        store.load_document(*make_rows("a.txt", 2, 3))
        store.load_document(*make_rows("b.txt", 1, 1))
        doc2, arts2, fs2 = make_rows("a.txt", 1, 2, text_variant="（修订）")
        store.load_document(doc2, arts2, fs2)
        with store.engine.connect() as conn:
            ids = set(conn.execute(select(facts.c.fact_id).where(facts.c.source_file == "a.txt")).scalars())
            n_b = conn.execute(select(func.count()).select_from(facts).where(facts.c.source_file == "b.txt")).scalar()
        assert ids == {f.fact_id for f in fs2}
        assert n_b == 1
        assert store.integrity_problems() == []


def test_failed_load_changes_nothing(db_url, make_rows):
    """A document whose facts cannot be written (duplicate fact_id) leaves the old version intact."""
    doc, arts, fs = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
        doc2, arts2, fs2 = make_rows("a.txt", text_variant="改")
        with pytest.raises(DatabaseError, match="违反约束"):
            store.load_document(doc2, arts2, fs2 + [fs2[0]])
        with store.engine.connect() as conn:
            ids = set(conn.execute(select(facts.c.fact_id)).scalars())
            hash_ = conn.execute(select(documents.c.content_hash)).scalar()
        assert ids == {f.fact_id for f in fs}
        assert hash_ == doc.content_hash
        assert store.integrity_problems() == []


def test_batch_refused_document_leaves_the_others_of_its_group(db_url, make_rows):
    """In a batch (one commit per group of documents), a refused document is rolled back alone."""
    doc_a, arts_a, fs_a = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc_a, arts_a, fs_a)
        with store.batch():
            store.load_document(*make_rows("b.txt", 1, 2))
            doc2, arts2, fs2 = make_rows("a.txt", text_variant="改")
            with pytest.raises(DatabaseError, match="违反约束"):
                store.load_document(doc2, arts2, fs2 + [fs2[0]])
            store.record_failure("c.txt", "h", "文件是空的", "请放入报道原文")
            with store.engine.connect() as other:  # nothing is visible before the group's commit
                assert other.execute(select(func.count()).select_from(documents)).scalar() == 1
        with store.engine.connect() as conn:
            hashes = dict(conn.execute(select(documents.c.source_file, documents.c.content_hash)).all())
            ids = set(conn.execute(select(facts.c.fact_id).where(facts.c.source_file == "a.txt")).scalars())
        assert set(hashes) == {"a.txt", "b.txt", "c.txt"}
        assert hashes["a.txt"] == doc_a.content_hash and ids == {f.fact_id for f in fs_a}
        assert _count(store, facts) == len(fs_a) + 2
        assert store.integrity_problems() == []


def test_batch_rolls_back_whole_on_an_error(db_url, make_rows):
    with open_store(db_url) as store:
        with pytest.raises(KeyboardInterrupt), store.batch():
            store.load_document(*make_rows("b.txt", 1, 2))
            raise KeyboardInterrupt
        assert _count(store, documents) == 0 and _count(store, facts) == 0


def test_record_failure_removes_old_facts_and_keeps_reason(db_url, make_rows):
    doc, arts, fs = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
        store.record_failure("a.txt", "h2", "文件是空的", "请放入报道原文")
        assert _count(store, facts) == 0
        s = store.summary()
        assert s["documents"] == {"failed": 1}
        assert s["failures"] == [("a.txt", "文件是空的", "请放入报道原文")]
        assert store.needs_loading("a.txt", "h2", EXTRACTOR_VERSION)  # failures are retried
        assert store.integrity_problems() == []


def test_prune_only_touches_the_same_input_dir(db_url, make_rows):
    with open_store(db_url) as store:
        store.load_document(*make_rows("a.txt"), input_dir="/in/one")
        store.load_document(*make_rows("b.txt"), input_dir="/in/one")
        store.load_document(*make_rows("c.txt"), input_dir="/in/two")
        assert store.prune("/in/one", {"a.txt"}) == ["b.txt"]
        with store.engine.connect() as conn:
            names = set(conn.execute(select(documents.c.source_file)).scalars())
            fact_files = set(conn.execute(select(facts.c.source_file).distinct()).scalars())
        assert names == fact_files == {"a.txt", "c.txt"}


def test_published_inferred_from_articles_when_no_manifest(db_url, make_rows):
    doc, arts, fs = make_rows("a.txt", published="")
    arts = [dataclasses.replace(a, published="2024-01-10") for a in arts]
    doc = dataclasses.replace(doc, published="", published_how="none")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
        with store.engine.connect() as conn:
            row = conn.execute(select(documents.c.published, documents.c.published_how)).one()
    assert tuple(row) == ("2024-01-10", "text")


def test_second_writer_gets_database_busy(db_url):
    with open_store(db_url):
        with pytest.raises(DatabaseBusy, match="另一个 ETL 正在写入该数据库"):
            open_store(db_url)
        # Readers are not blocked.
        with open_store(db_url, write=False) as reader:
            assert reader.summary()["facts"] == 0
    with open_store(db_url):  # released on close
        pass


def test_reopen_keeps_data_and_revision(db_url, make_rows):
    """Opening an existing database upgrades in place; it never rebuilds."""
    with open_store(db_url) as store:
        store.load_document(*make_rows("a.txt"))
        assert current_revision(store.engine) == head_revision()
    with open_store(db_url) as store:
        assert _count(store, facts) == 6
        assert current_revision(store.engine) == head_revision()


def test_database_from_the_future_is_refused(db_url):
    with open_store(db_url) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(DatabaseError, match="结构版本"):
        open_store(db_url)


def test_empty_database_is_upgraded_from_base(db_url):
    """A database at an older revision (here: none) is brought to head by open_store."""
    from etl.store import make_engine

    engine = make_engine(db_url)
    assert current_revision(engine) is None
    engine.dispose()
    with open_store(db_url) as store:
        assert current_revision(store.engine) == head_revision()


def test_unreachable_postgres_is_a_database_error():
    with pytest.raises(DatabaseError, match="无法连接"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")


def test_bad_url_is_a_database_error():
    with pytest.raises(DatabaseError, match="无法识别"):
        open_store("not a url")


def test_reference_tables_load_and_tolerate_absence(db_url, tmp_path):
    ref = tmp_path / "ref"
    ref.mkdir()
    with open_store(db_url) as store:
        assert store.load_reference(ref) == {"regions": None, "initiatives": None}
        (ref / "regions.csv").write_text(
            "code,name,level,parent_code,league_code,banner_code,township_code,kind,source\n"
            "150400,赤峰市,league,150000,150400,,,市,MCA 2025\n150421,阿鲁科尔沁旗,banner,150400,150400,150421,,旗,MCA 2025\n",
            encoding="utf-8-sig")
        (ref / "initiatives.csv").write_text("name,aliases,kind,source\n三减三优,,brand,lexicon\n", encoding="utf-8")
        assert store.load_reference(ref) == {"regions": 2, "initiatives": 1}
        assert store.load_reference(ref) == {"regions": 2, "initiatives": 1}  # unchanged: no reload


def test_new_flag_skips_deletes_but_never_duplicates(db_url, make_rows):
    doc, arts, fs = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs, new=True)
        with pytest.raises(DatabaseError):
            store.load_document(doc, arts, fs, new=True)  # wrongly claimed new: refused, nothing changed
        assert _count(store, facts) == len(fs)
        assert store.integrity_problems() == []


def test_head_read_from_the_migration_files_is_alembics():
    from etl.store import _head_from_files  # noqa: PLC0415

    assert _head_from_files() == head_revision()


def test_a_current_database_opens_without_loading_alembic(tmp_path):
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    url = f"sqlite:///{tmp_path / 'cur.db'}"
    open_store(url).close()  # created through Alembic
    code = ("import sys; from etl.store import open_store; s = open_store(sys.argv[1]); s.close(); "
            "print('alembic' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code, url], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_database_of_the_previous_revision_keeps_its_facts_and_gains_the_programme_basis(db_url, make_rows):
    from alembic import command  # noqa: PLC0415

    from etl.store import _alembic_config, make_engine  # noqa: PLC0415

    doc, arts, fs = make_rows("a.txt")
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "0003")  # as a database written before schema 0004
    assert "initiative_basis" not in {c["name"] for c in inspect(engine).get_columns("facts")}
    engine.dispose()
    with open_store(db_url) as store:  # opening it upgrades it
        with store.engine.connect() as conn:
            rows = conn.execute(select(facts.c.fact_id, facts.c.initiative_basis)).all()
    assert len(rows) == len(fs) and {basis for _fid, basis in rows} == {""}


def test_a_new_sqlite_database_gets_alembics_schema_without_alembic(tmp_path, monkeypatch):
    """A new SQLite database is created by replaying what Alembic left in an in-memory one (cached): the same
    tables, indexes and revision, statement for statement, as running the migrations on the file itself."""
    import sqlite3  # noqa: PLC0415

    from alembic import command  # noqa: PLC0415

    from etl.store import _alembic_config, make_engine  # noqa: PLC0415

    monkeypatch.setenv("ETL_CACHE_DIR", str(tmp_path / "cache"))
    ref = make_engine(f"sqlite:///{tmp_path / 'alembic.db'}")
    with ref.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
    ref.dispose()
    for name in ("built.db", "cached.db"):  # the first builds the cache, the second reads it
        open_store(f"sqlite:///{tmp_path / name}").close()
    assert list((tmp_path / "cache").glob("sqlite-schema-*.cache"))

    def schema(path: Path) -> tuple[list, list, list]:
        conn = sqlite3.connect(path)
        try:
            return (conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall(),
                    conn.execute("SELECT * FROM alembic_version").fetchall(),
                    conn.execute("PRAGMA journal_mode").fetchall())
        finally:
            conn.close()

    want = schema(tmp_path / "alembic.db")
    assert schema(tmp_path / "built.db") == want
    assert schema(tmp_path / "cached.db") == want


def test_a_new_sqlite_database_opens_without_loading_alembic(tmp_path):
    """Creating a new SQLite database and reading its summary need no Alembic once the schema is cached."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    open_store(f"sqlite:///{tmp_path / 'first.db'}").close()  # builds the cache if it is missing
    code = ("import sys; from etl.store import open_store; s = open_store(sys.argv[1]); s.summary(); s.close(); "
            "print('alembic' in sys.modules)")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{tmp_path / 'new.db'}"], cwd=root,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
