"""Export: BOM, column order, stable sort, number format, formula neutralisation, Parquet, atomic writes."""
from __future__ import annotations

import csv
import dataclasses
import io
import os

import pytest

from etl.export import (
    EXPORT_FILES,
    export_all,
    facts_csv_bytes,
    format_number,
    neutralise,
    write_atomic,
)
from etl.schema import ARTICLE_COLUMNS, FACT_COLUMNS
from etl.store import open_store


def _read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def _load(store, make_rows, names=("b.txt", "a.txt", "c.txt")):
    for name in names:
        store.load_document(*make_rows(name, 2, 3))


def test_export_files_bom_columns_and_sorted(db_url, make_rows, tmp_path):
    with open_store(db_url) as store:
        _load(store, make_rows)
        counts = export_all(store, tmp_path)
    assert set(counts) == set(EXPORT_FILES)
    assert counts["facts.csv"] == 18 and counts["articles.csv"] == 6
    rows = _read_csv(tmp_path / "facts.csv")
    assert tuple(rows[0]) == FACT_COLUMNS
    keys = [(r[1], r[2], int(r[23]), r[0]) for r in rows[1:]]
    assert keys == sorted(keys)
    assert tuple(_read_csv(tmp_path / "articles.csv")[0]) == ARTICLE_COLUMNS
    assert _read_csv(tmp_path / "regions.csv")[0][0] == "code"
    assert _read_csv(tmp_path / "initiatives.csv")[0][0] == "name"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_same_content_gives_same_bytes_across_backends_and_insert_order(sqlite_url, postgresql_url, make_rows,
                                                                           tmp_path):
    """Two databases built from the same rows (different order, different engines) export the same bytes."""
    outs = []
    for url, names in ((sqlite_url, ("a.txt", "b.txt", "c.txt")), (postgresql_url, ("c.txt", "a.txt", "b.txt"))):
        out = tmp_path / url.split(":")[0]
        with open_store(url) as store:
            _load(store, make_rows, names)
            export_all(store, out)
            export_all(store, out / "again")
        outs.append(out)
    for name in EXPORT_FILES:
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
        assert (outs[0] / name).read_bytes() == (outs[0] / "again" / name).read_bytes(), name


def test_numbers_and_formula_neutralisation(db_url, make_rows, tmp_path):
    doc, arts, fs = make_rows("a.txt", 1, 3)
    fs = [
        dataclasses.replace(fs[0], value=-30.0, unit="°C", category="temperature", subject="=HYPERLINK(\"x\")",
                            quote="-30摄氏度", initiative="+三减三优", village="@村"),
        dataclasses.replace(fs[1], value=40000.0, value_low=50000.0, value_high=60000.0, qualifier="range",
                            subject="\t制表符", confidence=0.85),
        dataclasses.replace(fs[2], value=1.2e-05, subject="普通文字 = 不在开头"),
    ]
    with open_store(db_url) as store:
        store.load_document(doc, arts, fs)
        export_all(store, tmp_path)
    rows = {r[0]: dict(zip(FACT_COLUMNS, r)) for r in _read_csv(tmp_path / "facts.csv")[1:]}
    r0, r1, r2 = (rows[f.fact_id] for f in fs)
    assert r0["value"] == "-30"  # numeric column: not neutralised
    assert r0["subject"] == "'=HYPERLINK(\"x\")"
    assert r0["quote"] == "'-30摄氏度"
    assert r0["initiative"] == "'+三减三优"
    assert r0["village"] == "'@村"
    assert r0["value_low"] == "" and r0["value_high"] == ""
    assert (r1["value"], r1["value_low"], r1["value_high"], r1["confidence"]) == ("40000", "50000", "60000", "0.85")
    assert r1["subject"] == "'\t制表符"
    assert r2["value"] == "1.2e-05"
    assert r2["subject"] == "普通文字 = 不在开头"
    assert r0["span_start"].isdigit()


def test_parquet_readable_typed_and_reproducible(db_url, make_rows, tmp_path):
    import pyarrow.parquet as pq

    with open_store(db_url) as store:
        _load(store, make_rows)
        export_all(store, tmp_path / "one")
        export_all(store, tmp_path / "two")
    table = pq.read_table(tmp_path / "one" / "facts.parquet")
    assert tuple(table.column_names) == FACT_COLUMNS
    assert table.num_rows == 18
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("span_start").type) == "int64"
    df = table.to_pandas()
    assert df["value_low"].isna().all()
    assert (tmp_path / "one" / "facts.parquet").read_bytes() == (tmp_path / "two" / "facts.parquet").read_bytes()
    csv_ids = [r[0] for r in _read_csv(tmp_path / "one" / "facts.csv")[1:]]
    assert list(df["fact_id"]) == csv_ids


def test_empty_database_exports_headers(sqlite_url, tmp_path):
    import pyarrow.parquet as pq

    with open_store(sqlite_url) as store:
        counts = export_all(store, tmp_path)
    assert counts["facts.csv"] == 0
    assert _read_csv(tmp_path / "facts.csv") == [list(FACT_COLUMNS)]
    assert pq.read_table(tmp_path / "facts.parquet").num_rows == 0


def test_write_atomic_keeps_old_file_on_crash(tmp_path):
    target = tmp_path / "facts.csv"
    target.write_bytes(b"old complete file")

    def boom(fh):  # noqa: ANN001
        fh.write(b"half a fi")
        raise RuntimeError("crash while writing")

    with pytest.raises(RuntimeError):
        write_atomic(target, boom)
    assert target.read_bytes() == b"old complete file"
    assert os.listdir(tmp_path) == ["facts.csv"]


def test_facts_csv_bytes_for_the_dashboard():
    import pandas as pd

    df = pd.DataFrame({
        "league": ["赤峰市", "=cmd|' /C calc'!A0"],
        "value": [-30.0, 2423.0],
        "value_low": [None, 1.5],
        "span_start": [3, 10],
        "quote": ["-30摄氏度", "@SUM(1)"],
    })
    data = facts_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    assert rows == [
        ["league", "value", "value_low", "span_start", "quote"],
        ["赤峰市", "-30", "", "3", "'-30摄氏度"],
        ["'=cmd|' /C calc'!A0", "2423", "1.5", "10", "'@SUM(1)"],
    ]


@pytest.mark.parametrize(("value", "text"), [
    (40000.0, "40000"), (-30.0, "-30"), (0.1, "0.1"), (2.5e8, "250000000"), (None, ""), (float("nan"), ""),
    (7, "7"), (1 / 3, "0.3333333333333333"),
])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-", "'-"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("赤峰市", "赤峰市"), ("", ""), (None, ""), ("a=b", "a=b"),
])
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe
