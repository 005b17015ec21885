"""Subjects (what a number counts), indicators, and the word dictionary behind them."""
from __future__ import annotations

import logging

import pytest

from etl import subjects
from etl.quantities import find_quantities


def subject_of(sentence: str, number: str) -> tuple[str, str]:
    """(subject, indicator) of the quantity written `number` in `sentence`."""
    ms = [m for m in find_quantities(sentence) if m.text.startswith(number) or number in m.text]
    assert ms, [m.text for m in find_quantities(sentence)]
    m = ms[0]
    subject = subjects.subject_for(sentence, m, 0, len(sentence))
    return subject, subjects.indicator_for(subject, m, sentence[:m.start])


@pytest.mark.parametrize("sentence,number,subject,indicator", [
    # the counted thing follows the measure word
    ("陈巴尔虎旗组建了15个“嘎查+社区联合体”，实现资源共享。", "15个", "嘎查+社区联合体", "organisations"),
    ("赤峰市2423名基层书记走上讲台。", "2423名", "基层书记", "cadres"),
    ("社区100余名党员志愿者担任“红色小马甲”。", "100余名", "党员志愿者", "volunteers"),
    ("乡级党群服务中心设置2个综合窗口。", "2个", "综合窗口", "services"),
    # a figure set as its line's label (a 数读 box): the label's last words say what it counts
    ("640个：完成换届的嘎查村", "640个", "嘎查村", "other"),
    ("2.3万名：到社区报到服务的在职党员", "2.3万名", "在职党员", "party_members"),
    # nothing follows: the words before the number
    ("收集民情民意200多条，解决群众急难愁盼问题。", "200多条", "民情民意", "requests"),
    ("宣讲受众人群已达4万多人。", "4万多人", "宣讲受众人群", "people_reached"),
    ("硬化路面2500平方米。", "2500平方米", "路面", "infrastructure"),  # 硬化 is the verb
    # per-unit rates: the per part is not the subject
    ("每只羊年收益292元。", "292元", "羊年收益", "income"),
    # members of a team are volunteers; the team is an organisation
    ("组建夜巡队31支、队员260余名。", "31支", "夜巡队", "organisations"),
    ("组建夜巡队31支、队员260余名。", "260余名", "队员", "volunteers"),
    # a ratio counts what its other word counts
    ("35岁以下党员占比仅为11%。", "11%", "35岁以下党员占比", "party_members"),
    ("调解成功率达到96%。", "96%", "调解成功率", "requests"),
    # households per grid are still households
    ("每个网格覆盖300户左右。", "300户", "", "households"),
    # a one-character tail joins the verb before it; genre words stay whole
    ("群众诉求按时办结率98.2%。", "98.2%", "群众诉求按时办结率", "requests"),
    ("全苏木62名护边员常年巡边。", "62名", "护边员", "volunteers"),
    ("线上办件4.6万件。", "4.6万件", "线上办件", "services"),
    # 人次 of a training clause, however long the clause
    ("轮训嘎查村党组织书记和“两委”成员1.2万人次。", "1.2万人次", "成员", "training"),
    # 关于…的: the head noun after 的
    ("收集了110多条关于人居环境、邻里纠纷方面的群众诉求。", "110多条", "群众诉求", "requests"),
    # 嘎查 is one noun (jieba alone cuts it 嘎 + the verb 查, and the subject was "嘎")
    ("全盟已有541个嘎查党群服务中心完成提档升级。", "541个", "嘎查党群服务中心", "infrastructure"),
    ("全旗辖12个苏木镇、86个嘎查。", "86个", "嘎查", "other"),
])
def test_subject_and_indicator(sentence, number, subject, indicator):
    got_subject, got_indicator = subject_of(sentence, number)
    assert got_subject == subject
    assert got_indicator == indicator


# --------------------------------------------------------------------------- the word dictionary
WINDOWS = [
    "个“嘎查+社区联合体”", "名基层书记走上讲台", "余名党员志愿者担任", "个综合窗口办理业务", "多条关于人居环境",
    "名驻村第一书记", "支马背宣讲小分队", "户党员中心户", "个党群服务中心", "万元村集体经济收入",
    "陈巴尔虎旗组建联合体", "科右前旗选派干部", "三减三优工作模式", "的利益链接模式", "ABC牧场2号棚",
]


@pytest.fixture(scope="module")
def jieba_reference():
    """jieba's own tables built jieba's way: initialize, add_word every user word, posseg tags."""
    import jieba  # noqa: PLC0415
    import jieba.posseg  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    for word, freq, tag in subjects._user_words():
        tk.add_word(word, freq=freq, tag=tag)
    return tk, jieba.posseg.POSTokenizer(tk)


@pytest.mark.parametrize("window", WINDOWS)
def test_cached_dictionary_segments_and_tags_as_jieba(jieba_reference, window):
    tk, pos = jieba_reference
    assert subjects._words(window) == tuple(tk.lcut(window, HMM=False))
    ours = [(w, t) for w, t in subjects._tagged(window)]
    theirs = [(p.word, p.flag) for p in pos.lcut(window, HMM=False)]
    # jieba.posseg tags digits m and Latin letters eng where ours says x; no rule reads those tags
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert [t for t, (_w, u) in zip((t for _w, t in ours), theirs) if u not in ("m", "eng")] == \
        [u for _w, u in theirs if u not in ("m", "eng")]


def test_dictionary_tables_equal_jiebas(jieba_reference):
    tk, pos = jieba_reference
    ours, tables = subjects._dictionary()
    tables.load_all()
    assert ours.total == tk.total
    assert ours.FREQ == tk.FREQ
    pos.makesure_userdict_loaded()
    assert tables.tags == pos.word_tag_tab


@pytest.fixture()
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ETL_CACHE_DIR", str(tmp_path))
    _clear()
    yield tmp_path
    _clear()


def _clear():
    for fn in (subjects._dictionary, subjects._words, subjects._tagged):
        fn.cache_clear()


def test_dictionary_cache_is_written_once_and_reused(fresh_cache):
    subjects._dictionary()
    files = list(fresh_cache.glob("jieba-*.cache"))
    assert len(files) == 1 and files[0].stat().st_size > 1_000_000
    assert not list(fresh_cache.glob("*.tmp"))
    mtime = files[0].stat().st_mtime_ns
    subjects._dictionary.cache_clear()
    subjects._dictionary()
    assert files[0].stat().st_mtime_ns == mtime  # read, not rebuilt
    assert subjects._words("名基层书记走上讲台")[:2] == ("名", "基层书记")


def test_cache_key_follows_the_user_words(fresh_cache, monkeypatch):
    subjects._dictionary()
    words = subjects._user_words() + [("测试新词语", 5000, "n")]
    monkeypatch.setattr(subjects, "_user_words", lambda: words)
    _clear()
    subjects._dictionary()
    assert len(list(fresh_cache.glob("jieba-*.cache"))) == 2
    assert "测试新词语" in subjects._words("有测试新词语吗")
    assert dict(subjects._tagged("有测试新词语吗"))["测试新词语"] == "n"


def test_only_the_shards_a_window_needs_are_loaded(fresh_cache):
    subjects._dictionary()
    _clear()
    _tokenizer, tables = subjects._dictionary()  # from the cache file
    assert tables.freq == {}
    assert subjects._words("党员志愿者") == ("党员志愿者",)
    assert {w[0] for w in tables.freq} == set("党员志愿者") and 100 < len(tables.freq) < 20_000
