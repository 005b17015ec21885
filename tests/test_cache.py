"""On-disk caches of derived tables (etl.cache): reused, rebuilt when stale or broken, never fatal."""
from __future__ import annotations

import marshal
import shutil

import pytest

from etl import cache
from etl.gazetteer import load_gazetteer
from etl.paths import REFERENCE_DIR


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("ETL_CACHE_DIR", str(d))
    return d


def counting_build(value):
    calls = []

    def build():
        calls.append(1)
        return value
    return build, calls


def test_built_once_then_read(cache_dir):
    build, calls = counting_build({"党员": 5})
    for _ in range(3):
        assert cache.load_or_build("t", "k1", build, dumps=marshal.dumps, loads=marshal.loads) == {"党员": 5}
    assert len(calls) == 1
    assert [p.name for p in cache_dir.iterdir()] == ["t-k1.cache"]  # no temporary file left


def test_a_new_key_builds_anew(cache_dir):
    build, calls = counting_build([1, 2])
    cache.load_or_build("t", "k1", build, dumps=marshal.dumps, loads=marshal.loads)
    cache.load_or_build("t", "k2", build, dumps=marshal.dumps, loads=marshal.loads)
    assert len(calls) == 2


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", None])
def test_truncated_or_foreign_file_is_rebuilt(cache_dir, damage):
    build, calls = counting_build({"a": list(range(1000))})
    cache.load_or_build("t", "k", build, dumps=marshal.dumps, loads=marshal.loads)
    path = cache_dir / "t-k.cache"
    path.write_bytes(path.read_bytes()[:100] if damage is None else damage)
    assert cache.load_or_build("t", "k", build, dumps=marshal.dumps, loads=marshal.loads) == {"a": list(range(1000))}
    assert len(calls) == 2
    assert marshal.loads(path.read_bytes()) == {"a": list(range(1000))}  # repaired on disk


def test_unwritable_directory_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ETL_CACHE_DIR", str(blocker / "cache"))  # cannot be created, even by root
    build, calls = counting_build(7)
    assert cache.load_or_build("t", "k", build, dumps=marshal.dumps, loads=marshal.loads) == 7
    assert cache.load_or_build("t", "k", build, dumps=marshal.dumps, loads=marshal.loads) == 7
    assert len(calls) == 2


def test_only_marshal_tables_may_fall_back_to_the_temp_dir(monkeypatch):
    monkeypatch.delenv("ETL_CACHE_DIR", raising=False)
    assert len(cache.cache_dirs(temp_ok=False)) == 1
    assert len(cache.cache_dirs(temp_ok=True)) == 2


def test_key_hashes_bytes_and_values():
    assert cache.cache_key(b"abc", 1) == cache.cache_key(b"abc", 1)
    assert cache.cache_key(b"abc", 1) != cache.cache_key(b"abd", 1)
    assert cache.cache_key("ab", "c") != cache.cache_key("a", "bc")


def test_gazetteer_cache_follows_the_reference_files(cache_dir, tmp_path):
    ref = tmp_path / "reference"
    ref.mkdir()
    for name in ("regions.csv", "region_aliases.csv"):
        shutil.copy(REFERENCE_DIR / name, ref / name)
    g1 = load_gazetteer(str(ref))
    assert g1.lookup("达茂旗") and not g1.lookup("达旗茂")
    assert len(list(cache_dir.glob("gazetteer-*.cache"))) == 1
    load_gazetteer.cache_clear()
    g2 = load_gazetteer(str(ref))  # read back from disk: same answers
    assert [r.code for r in g2.lookup("达茂旗")] == [r.code for r in g1.lookup("达茂旗")]
    assert [(p.text, p.start, [c.code for c in p.candidates]) for p in g2.find_places("达茂旗和陈旗、海南区")] == \
        [(p.text, p.start, [c.code for c in p.candidates]) for p in g1.find_places("达茂旗和陈旗、海南区")]
    code = g1.lookup("达茂旗")[0].code
    with (ref / "region_aliases.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"达旗茂,{code},test\n")
    load_gazetteer.cache_clear()
    g3 = load_gazetteer(str(ref))  # an edited file: new indexes, not the stale cache
    assert [r.code for r in g3.lookup("达旗茂")] == [code]
    assert len(list(cache_dir.glob("gazetteer-*.cache"))) == 2
    load_gazetteer.cache_clear()
