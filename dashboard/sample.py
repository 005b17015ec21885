"""A small, realistic sample database modelled on the seed page, for tests and demos.

``write_sample_database(url)`` writes ``facts``, ``articles`` and ``documents`` tables with the
contract's columns (etl/schema.py); the article texts are cut from data/raw's seed page so the
source view and its highlighted spans are real.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa

from etl.paths import RAW_DIR
from etl.schema import ARTICLE_COLUMNS, FACT_COLUMNS

SEED_FILE = "000_6770a73b9caf9553.txt"
PUBLISHED = "2023-01-18"

# (article title, first line, last line) in the seed file (1-based, inclusive).
ARTICLES = [
    ("“聚力固边”筑牢红色屏障", 7, 25),
    ("“三减三优”为基层减负增效", 27, 54),
    ("赤峰市2423名基层书记一线传党音", 62, 96),
    ("带着农民干 帮着农民赚", 127, 146),
    ("“有困难，就找党组织！”", 147, 173),
]

_FALLBACK_TEXT = {
    0: "陈巴尔虎旗已初步建立巴彦哈达苏木嘎查社区党群联合体、呼和诺尔镇嘎查社区党群联合体等15个“嘎查+社区联合体”，以及40余个“嘎查+嘎查联合体”。",
    1: "阿鲁科尔沁旗着力精简乡村两级服务窗口，确保乡级党群服务中心设置2个综合窗口、村级设置1个综合窗口办理业务。",
    2: "赤峰市2423名嘎查村（社区）书记以党的十八大以来实施的各项改革和重点民生项目为依托。截至目前，宣讲受众人群已达4万多人。",
    3: "公忽洞村建设现代羊共享牧场项目，乡政府出钱为养殖户每人购置一只高繁母羊，每只羊年收益292元。",
    4: "稀土高新区民馨路街道党工委选聘2批次共100余名党员志愿者担任“红色小马甲”志愿服务人员。截至目前，街道党工委收集民情民意200多条，解决了110多条关于人居环境、小区建设等方面的群众诉求。",
}

# article index, number as written, league, league_code, banner, banner_code, township, village,
# level, initiative, subject, indicator, category, value, qualifier, unit, per, confidence
FACTS = [
    (0, "15个", "呼伦贝尔市", "150700", "陈巴尔虎旗", "150725", "", "", "banner", "聚力工程",
     "嘎查+社区联合体", "organisations", "count", 15, "exact", "个", "", 0.9),
    (0, "40余个", "呼伦贝尔市", "150700", "陈巴尔虎旗", "150725", "", "", "banner", "聚力工程",
     "嘎查+嘎查联合体", "organisations", "count", 40, "more", "个", "", 0.8),
    (1, "2个综合窗口", "赤峰市", "150400", "阿鲁科尔沁旗", "150421", "", "", "banner", "三减三优",
     "乡级综合窗口", "services", "count", 2, "exact", "个", "", 0.85),
    (1, "1个综合窗口", "赤峰市", "150400", "阿鲁科尔沁旗", "150421", "", "", "banner", "三减三优",
     "村级综合窗口", "services", "count", 1, "exact", "个", "", 0.85),
    (2, "2423名", "赤峰市", "150400", "", "", "", "", "league", "",
     "基层书记", "cadres", "count", 2423, "exact", "人", "", 0.95),
    (2, "4万多人", "赤峰市", "150400", "", "", "", "", "league", "",
     "宣讲受众", "people_reached", "count", 40000, "more", "人", "", 0.9),
    (3, "292元", "呼和浩特市", "150100", "武川县", "150125", "上套乡", "", "banner", "",
     "每只羊年收益", "income", "rate", 292, "exact", "元", "只", 0.8),
    (4, "100余名", "包头市", "150200", "稀土高新区", "150271", "民馨路街道", "", "township", "红色小马甲",
     "党员志愿者", "volunteers", "count", 100, "more", "人", "", 0.9),
    (4, "200多条", "包头市", "150200", "稀土高新区", "150271", "民馨路街道", "", "township", "",
     "民情民意", "requests", "count", 200, "more", "条", "", 0.8),
    (4, "110多条", "包头市", "150200", "稀土高新区", "150271", "民馨路街道", "", "township", "",
     "解决群众诉求", "requests", "count", 110, "more", "条", "", 0.8),
]


# where the extractor finds these programmes in the seed page (etl.schema.INITIATIVE_BASES)
_SAMPLE_BASIS = {"聚力工程": "previous", "三减三优": "article", "红色小马甲": "clause"}


def _article_texts() -> list[str]:
    path = RAW_DIR / SEED_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return [_FALLBACK_TEXT[i] for i in range(len(ARTICLES))]
    texts = []
    for i, (_title, first, last) in enumerate(ARTICLES):
        text = "\n".join(line for line in lines[first:last] if line.strip())
        texts.append(text if text else _FALLBACK_TEXT[i])
    return texts


def sample_frames(include_synthetic: bool = True) -> dict[str, pd.DataFrame]:
    """Return {'facts', 'articles', 'documents'} frames with the contract's columns."""
    texts = _article_texts()
    articles = []
    for i, ((title, _a, _b), text) in enumerate(zip(ARTICLES, texts)):
        articles.append({"article_id": f"{SEED_FILE}#{i}", "source_file": SEED_FILE, "seq": i, "title": title,
                         "kind": "article", "byline": "本报记者", "published": PUBLISHED, "text": text})
    facts = []
    for n, (ai, written, league, lcode, banner, bcode, town, village, level, initiative, subject, indicator,
            category, value, qualifier, unit, per, conf) in enumerate(FACTS):
        text = texts[ai]
        start = text.rfind(written)
        end = start + len(written) if start >= 0 else -1
        cut = max(text.rfind("。", 0, max(start, 0)), text.rfind("\n", 0, max(start, 0)), text.rfind("，", 0, max(start - 30, 0)))
        stops = [i for i in (text.find("。", max(start, 0)), text.find("\n", max(start, 0))) if i >= 0]
        quote = text[cut + 1:(min(stops) + 1) if stops else len(text)].strip()
        facts.append({
            "fact_id": hashlib.sha1(f"{SEED_FILE}|{ai}|{n}".encode()).hexdigest()[:16],
            "source_file": SEED_FILE, "article_id": f"{SEED_FILE}#{ai}", "article_title": ARTICLES[ai][0],
            "published": PUBLISHED, "league": league, "league_code": lcode, "banner": banner, "banner_code": bcode,
            "township": town, "village": village, "region_level": level, "initiative": initiative,
            "subject": subject, "indicator": indicator, "category": category, "value": float(value),
            "value_low": float(value) if qualifier == "more" else None, "value_high": None,
            "qualifier": qualifier, "unit": unit, "per": per, "quote": quote,
            "span_start": start, "span_end": end, "confidence": conf,
            "initiative_basis": _SAMPLE_BASIS.get(initiative, ""),
        })
    if include_synthetic:
        facts.append({**facts[4], "fact_id": "synthetic0000001", "source_file": "synthetic_000001.txt",
                      "article_id": "synthetic_000001.txt#0", "value": 999999.0, "subject": "合成数据"})
    documents = pd.DataFrame([{
        "source_file": SEED_FILE, "content_hash": "0" * 64, "kind": "txt", "encoding": "utf-8",
        "published": PUBLISHED, "published_how": "manifest", "source": "内蒙古日报", "title": "北疆党旗红",
        "status": "ok", "error": "", "extractor_version": "1", "n_articles": len(articles),
        "n_facts": len(FACTS), "loaded_at": "2026-11-28T08:00:00+00:00",
    }])
    return {
        "facts": pd.DataFrame(facts, columns=list(FACT_COLUMNS)),
        "articles": pd.DataFrame(articles, columns=list(ARTICLE_COLUMNS)),
        "documents": documents,
    }


def write_sample_database(url: str, include_synthetic: bool = True) -> str:
    """Write the sample tables to the database at ``url`` (replacing them) and return the URL."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for name, frame in sample_frames(include_synthetic).items():
            frame.to_sql(name, conn, if_exists="replace", index=False)
    engine.dispose()
    return url
