"""Gazetteer: reference CSVs and place-name matching on real cases (seed page 000_6770a73b9caf9553)."""
from __future__ import annotations

import csv
import json

import pytest

from etl.gazetteer import load_gazetteer
from etl.paths import RAW_DIR, REFERENCE_DIR
from etl.schema import Region

SEED = RAW_DIR / "000_6770a73b9caf9553.txt"
REGION_COLUMNS = ["code", "name", "level", "parent_code", "league_code", "banner_code",
                  "township_code", "kind", "source"]

LEAGUES = {
    "150100": "呼和浩特市", "150200": "包头市", "150300": "乌海市", "150400": "赤峰市",
    "150500": "通辽市", "150600": "鄂尔多斯市", "150700": "呼伦贝尔市", "150800": "巴彦淖尔市",
    "150900": "乌兰察布市", "152200": "兴安盟", "152500": "锡林郭勒盟", "152900": "阿拉善盟",
}


@pytest.fixture(scope="module")
def g():
    return load_gazetteer()


@pytest.fixture(scope="module")
def regions():
    with (REFERENCE_DIR / "regions.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == REGION_COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def seed_mentions(g):
    return g.find_places(SEED.read_text(encoding="utf-8"))


def names_found(g, text):
    return [m.text for m in g.find_places(text)]


def codes_of(g, text):
    return [[c.code for c in m.candidates] for m in g.find_places(text)]


# ---------------------------------------------------------------------------- reference CSVs
def test_regions_sorted_unique_and_linked(regions):
    codes = [r["code"] for r in regions]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    by_code = {r["code"]: r for r in regions}
    width = {"league": 6, "banner": 6, "township": 9, "village": 12}
    for r in regions:
        assert len(r["code"]) == width[r["level"]] and r["code"].startswith("15"), r
        if r["level"] != "league":
            parent = by_code[r["parent_code"]]
            assert [*width].index(parent["level"]) == [*width].index(r["level"]) - 1, r
        assert by_code[r["league_code"]]["level"] == "league"
        if r["level"] in ("township", "village"):
            assert by_code[r["banner_code"]]["level"] == "banner"
            assert by_code[r["township_code"]]["level"] == "township"
            assert r["township_code"] == (r["code"] if r["level"] == "township" else r["parent_code"])
        assert r["source"].split(";")[0] in ("mca2025", "nbs2023")


def test_level_counts(regions):
    levels = {}
    for r in regions:
        levels.setdefault(r["level"], []).append(r)
    assert len(levels["league"]) == 12
    official = [r for r in levels["banner"] if r["kind"] != "功能区"]
    assert len(official) == 103
    assert sum(r["source"].startswith("mca2025") for r in levels["township"]) == 1033
    assert len(levels["village"]) == 14592


def test_aliases_point_at_existing_codes(regions):
    codes = {r["code"] for r in regions}
    names = {r["name"] for r in regions}
    with (REFERENCE_DIR / "region_aliases.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["alias", "code", "source"]
        rows = list(reader)
    keys = [(a["alias"], a["code"]) for a in rows]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    for a in rows:
        assert a["code"] in codes, a
        assert a["alias"] not in names, a  # an alias never shadows an official name
        assert a["source"]
        assert a["alias"] != "海南"


@pytest.mark.parametrize("code,name", sorted(LEAGUES.items()))
def test_leagues_present(g, code, name):
    row = g.by_code(code)
    assert row.name == name and row.level == "league"
    assert names_found(g, f"在{name}召开") == [name]
    assert codes_of(g, name) == [[code]]


def test_103_county_level_units(g, regions):
    banners = [r for r in regions if r["level"] == "banner" and r["kind"] != "功能区"]
    assert len(banners) == 103
    assert {r["kind"] for r in banners} == {"区", "县", "旗", "自治旗", "县级市"}
    for r in banners:
        assert codes_of(g, r["name"]) == [[r["code"]]], r["name"]
        assert r["parent_code"] in LEAGUES


def test_functional_zone(g):
    row = g.by_code("150271")
    assert row.kind == "功能区" and row.level == "banner" and row.parent_code == "150200"
    assert codes_of(g, "包头市稀土高新区") == [["150200"], ["150271"]]


@pytest.mark.parametrize("text,code", [
    ("呼市", "150100"), ("呼和浩特", "150100"), ("锡盟", "152500"), ("阿盟", "152900"),
    ("兴安盟", "152200"), ("科右前旗", "152221"), ("陈旗", "150725"), ("达茂旗", "150223"),
    ("东乌旗", "152525"), ("莫旗", "150722"), ("鄂温克旗", "150724"), ("土左旗", "150121"),
    ("伊旗", "150627"), ("准旗", "150622"), ("新左旗", "150726"), ("察右后旗", "150928"),
    ("满洲里", "150781"), ("扎兰屯", "150783"), ("霍林郭勒", "150581"), ("二连浩特", "152501"),
    ("林西", "150424"), ("武川", "150125"), ("阿鲁科尔沁旗", "150421"), ("赤峰市", "150400"),
])
def test_aliases_and_full_names(g, text, code):
    assert codes_of(g, f"据{text}消息") == [[code]]


def test_ambiguous_alias_returns_all(g):
    (m,) = g.find_places("扎旗")
    assert {c.code for c in m.candidates} == {"150526", "152223"}
    assert g.resolve(m.candidates, []) is None
    assert g.resolve(m.candidates, ["150500"]).code == "150526"  # 通辽 context → 扎鲁特旗


def test_hainan(g):
    assert codes_of(g, "乌海市海南区") == [["150300"], ["150303"]]
    assert g.chain("150303").league_code == "150300"
    assert g.find_places("海南") == []
    assert g.find_places("海南省三亚市") == []


def test_longer_place_wins(g):
    assert names_found(g, "新巴尔虎左旗") == ["新巴尔虎左旗"]
    assert all(c.code != "150725" for m in g.find_places("新巴尔虎左旗和新巴尔虎右旗") for c in m.candidates)
    assert names_found(g, "包头市青山区") == ["包头市", "青山区"]


def test_blockers_and_common_words(g):
    assert g.find_places("大兴安岭林区") == []
    assert g.find_places("额尔古纳河边境线") == []
    assert g.find_places("新村民和一村") == []  # one-character-stem village names need context
    assert g.find_places("打造和谐社区，先进村党组织") == []  # stock phrases that are also village names
    assert names_found(g, "林东镇新村") == ["林东镇", "新村"]
    assert names_found(g, "城北街道幸福社区") == ["城北街道", "幸福社区"]
    assert g.find_places("兴安路、锡林郭勒北路、鄂尔多斯大街") == []  # streets in Hohhot
    assert names_found(g, "锡林郭勒北路街道") == ["锡林郭勒北路街道"]  # a township


def test_repeated_township_names(g):
    (m,) = g.find_places("城关镇")
    assert len(m.candidates) == 4
    assert g.resolve(m.candidates, []) is None
    assert g.resolve(m.candidates, ["150924"]).chain.banner == "兴和县"


# ---------------------------------------------------------------------------- ethnic townships
# Official 敖鲁古雅鄂温克民族乡, 当铺地满族乡 …; writers drop 民 (…鄂温克族乡) or the people (…乡).
@pytest.mark.parametrize("text,code,banner", [
    ("敖鲁古雅乡敖鲁古雅村", "150785200", "根河市"),
    ("根河市敖鲁古雅鄂温克族乡", "150785200", "根河市"),
    ("阿荣旗查巴奇乡", "150721201", "阿荣旗"),
    ("查巴奇鄂温克族乡", "150721201", "阿荣旗"),
    ("音河乡", "150721202", "阿荣旗"),
    ("音河达斡尔鄂温克族乡", "150721202", "阿荣旗"),
    ("得力其尔乡", "150721200", "阿荣旗"),
    ("新发朝鲜族乡", "150721203", "阿荣旗"),
    ("莫旗巴彦乡", "150722200", "莫力达瓦达斡尔族自治旗"),
    ("杜拉尔乡", "150722203", "莫力达瓦达斡尔族自治旗"),
    ("巴彦塔拉乡", "150724200", "鄂温克族自治旗"),
    ("陈巴尔虎旗鄂温克族苏木", "150725201", "陈巴尔虎旗"),
    ("扎兰屯市南木乡", "150783201", "扎兰屯市"),
    ("南木鄂伦春族乡", "150783201", "扎兰屯市"),
    ("萨马街乡", "150783204", "扎兰屯市"),
    ("恩和俄罗斯族乡", "150784203", "额尔古纳市"),
    ("三河乡", "150784200", "额尔古纳市"),
    ("松山区当铺地乡", "150404200", "松山区"),
    ("曹碾乡", "150925207", "凉城县"),
    ("满族屯乡", "152221203", "科尔沁右翼前旗"),
])
def test_ethnic_township_forms(g, text, code, banner):
    (m,) = [m for m in g.find_places(f"在{text}开展") if m.level == "township"]
    assert [c.code for c in m.candidates] == [code], m.text
    assert m.candidates[0].chain.banner == banner and m.via == "alias"


def test_ethnic_township_forms_not_made(regions):
    from etl.build_reference import build_aliases, ethnic_township_forms

    assert ethnic_township_forms("敖鲁古雅鄂温克民族乡") == ["敖鲁古雅鄂温克族乡", "敖鲁古雅乡"]
    assert ethnic_township_forms("恩和俄罗斯族民族乡") == ["恩和俄罗斯族乡", "恩和乡"]
    assert ethnic_township_forms("当铺地满族乡") == ["当铺地乡"]
    assert ethnic_township_forms("达斡尔民族乡") == []  # no stem: 达斡尔族乡亲, 达斡尔族乡村
    assert ethnic_township_forms("鄂温克民族苏木") == ["鄂温克族苏木"]
    assert ethnic_township_forms("十家满族乡") == []  # 十家乡镇 is a count
    assert ethnic_township_forms("民族团结乡") == [] and ethnic_township_forms("巴彦鄂温克镇") == []

    def town(code, name, kind="民族乡"):
        return dict(code=code, name=name, level="township", kind=kind)
    rows = [*regions, town("150000001", "乌兰鄂温克民族乡"), town("150000002", "乌兰达斡尔民族乡"),
            town("150000003", "哈拉合少鄂温克民族乡")]
    got = {(a["alias"], a["code"]) for a in build_aliases(rows) if a["code"].startswith("1500000")}
    # 乌兰乡 would be two townships' and 哈拉合少乡 (武川县) is an official name: neither is made
    assert got == {("乌兰鄂温克族乡", "150000001"), ("乌兰达斡尔族乡", "150000002"),
                   ("哈拉合少鄂温克族乡", "150000003")}


def test_ethnic_stems_alone_are_no_places(g):
    assert g.find_places("巴彦") == [] and g.find_places("达斡尔族乡亲") == []
    assert names_found(g, "宁城县十家乡镇") == ["宁城县"]  # 十家满族乡 gets no 十家乡


# ---------------------------------------------------------------------------- the seed page
@pytest.mark.parametrize("name,code", [
    ("呼伦贝尔市", "150700"), ("陈巴尔虎旗", "150725"), ("东乌珠尔苏木", "150725202"),
    ("巴彦哈达苏木", "150725203"), ("呼和诺尔镇", "150725102"), ("赤峰市", "150400"),
    ("阿鲁科尔沁旗", "150421"), ("巴拉奇如德苏木", "150421204"), ("林西县", "150424"),
    ("武川县", "150125"), ("乌海市", "150300"), ("海南区", "150303"), ("巴音陶亥镇", "150303103"),
    ("包头市", "150200"), ("稀土高新区", "150271"), ("民馨路街道", "150271020"),
    ("呼和浩特市", "150100"), ("松山区", "150404"),
])
def test_seed_places(seed_mentions, name, code):
    hits = [m for m in seed_mentions if m.text == name]
    assert hits, name
    assert code in {c.code for c in hits[0].candidates}


def test_seed_hala_tu_gacha(g, seed_mentions):
    """哈拉图嘎查 exists three times, all in 巴彦淖尔; the text places it in 陈巴尔虎旗 (the text wins).

    resolve() with the 陈巴尔虎旗/东乌珠尔苏木 context finds no fitting candidate and returns None:
    the caller then attributes the fact to the context chain (league/banner/township) and keeps
    the village name as written, without a village code."""
    (m, *_) = [m for m in seed_mentions if m.text == "哈拉图嘎查"]
    assert len(m.candidates) == 3
    assert {c.chain.league_code for c in m.candidates} == {"150800"}
    assert g.resolve(m.candidates, ["150725", "150725202"]) is None
    ctx = g.chain("150725202")
    assert (ctx.league, ctx.banner, ctx.township) == ("呼伦贝尔市", "陈巴尔虎旗", "东乌珠尔苏木")


def test_seed_village_resolution(g, seed_mentions):
    (tree,) = {m.text: m for m in seed_mentions if m.text == "一棵树村"}.values()
    assert len(tree.candidates) == 3
    got = g.resolve(tree.candidates, ["150300", "150303", "150303103"])
    assert got.code == "150303104236"
    chain = got.chain
    assert (chain.league, chain.banner, chain.township, chain.village) == ("乌海市", "海南区", "巴音陶亥镇", "一棵树村")
    assert chain.township_code == "150303103"  # MCA code; NBS has 150303104
    san = [m for m in seed_mentions if m.text == "三道河村"][0]
    assert g.resolve(san.candidates, ["150100", "150125"]).code == "150125205210"


def test_seed_missing_places_are_not_invented(seed_mentions):
    found = {m.text for m in seed_mentions}
    assert "上套乡" not in found  # in no dataset
    assert "民警路街道" not in found  # in no dataset (probably a misprint of 民馨路街道)
    assert "额尔古纳" not in found  # 额尔古纳河 is the river


def test_chain(g):
    r = g.chain("150271020100")
    assert isinstance(r, Region)
    assert (r.league_code, r.banner_code, r.township_code, r.village_code) == (
        "150200", "150271", "150271020", "150271020100")
    assert r.level == "village" and r.village == "火炬路社区"
    b = g.chain("150421")
    assert (b.league, b.banner, b.township, b.level) == ("赤峰市", "阿鲁科尔沁旗", "", "banner")
    b.extra["x"] = 1
    assert "x" not in g.chain("150421").extra  # chains are fresh copies


def test_mentions_are_ordered_and_disjoint(seed_mentions):
    text = SEED.read_text(encoding="utf-8")
    last = 0
    for m in seed_mentions:
        assert m.start >= last and text[m.start:m.end] == m.text and m.candidates
        last = m.end


def test_jieba_words(g):
    words = g.jieba_words()
    assert "陈巴尔虎旗" in words and "呼市" in words and "东乌珠尔苏木" in words
    assert "海南" not in words and "大兴安岭" not in words
    assert words == sorted(set(words))


def test_speed(g):
    import time

    text = SEED.read_text(encoding="utf-8") * 50  # ~1 MB
    t = time.perf_counter()
    g.find_places(text)
    mb_s = len(text.encode()) / 1e6 / (time.perf_counter() - t)
    assert mb_s > 1.0, mb_s


@pytest.mark.parametrize("fname,count", [("im_leagues.geojson", 12), ("im_banners.geojson", 103)])
def test_geojson(regions, fname, count):
    path = REFERENCE_DIR / fname
    if not path.exists():
        pytest.skip(f"{fname} not built")
    fc = json.loads(path.read_text(encoding="utf-8"))
    names = {r["code"]: r["name"] for r in regions}
    codes = [f["properties"]["code"] for f in fc["features"]]
    assert codes == sorted(codes) and len(codes) == count
    for f in fc["features"]:
        assert names[f["properties"]["code"]] == f["properties"]["name"]
