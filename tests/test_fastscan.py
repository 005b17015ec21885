"""etl.fastscan: the same matches as re's finditer, for the project's patterns and tricky shapes."""
from __future__ import annotations

import random
import re

import pytest

from etl import initiatives, regions
from etl.fastscan import first_characters, scanner

ALPHABET = "该全本此我们自治区内蒙古街道党工委办事处旗县盟财政里政府让到人民医院直京协作结对帮扶方口支援城市" \
           "开设推出《》专栏个支处家户三十58一批联合体嘎查苏木社区镇乡村，。\nabc-"


def _texts(n: int = 400, seed: int = 9) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 80))) for _ in range(n)]


def _same(pattern: re.Pattern, texts: list[str]) -> None:
    scan = scanner(pattern)
    for text in texts:
        want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
        got = [(m.span(), m.groups()) for m in scan(text)]
        assert got == want, text


@pytest.mark.parametrize("pattern", [regions.ANAPHOR, regions._PARTNER_ROLE, initiatives._COUNTED_HEADED,
                                     initiatives._TITLED], ids=["ANAPHOR", "PARTNER_ROLE", "COUNTED_HEADED", "TITLED"])
def test_project_patterns_match_as_finditer(pattern: re.Pattern) -> None:
    assert first_characters(pattern) is not None  # these are the patterns it speeds up
    texts = _texts() + ["该旗全旗我们嘎查自治区级", "让旗人民医院到旗直部门", "(旗里)，旗委", "京蒙协作结对区对口帮扶城市帮扶方",
                        "开设《党建之窗》专栏，《学习》栏目", "58个党建联合体、一批联合体，三支服务队"]
    _same(pattern, texts)


@pytest.mark.parametrize("source, first", [
    (r"(?<![a-z])b+|c(d)", "[bc]"),  # a lookbehind before the first character
    (r"(?:x)?(?:y)?z", "[xyz]"),  # optional parts: any of them can start it
    (r"(?=ab)a|q{2,}", "[aq]"),
    (r"[0-9０-９]+k", "[0-9０-９]"),  # ranges
    (r"a*", None),  # can match the empty string: re scans it
    (r".b", None),  # any character
    (r"\db", None),
    (r"[^a]b", None),
    (r"(?i)ab", None),
])
def test_first_characters(source: str, first: str | None) -> None:
    starts = first_characters(re.compile(source))
    if first is None:
        assert starts is None
        assert scanner(re.compile(source)) == re.compile(source).finditer
    else:
        assert starts is not None and starts.pattern == first
        texts = _texts() + ["bcd xyz aab qqq 12k ３k", "abab", "zz", "cd-bb"]
        _same(re.compile(source), texts)


def test_lookbehind_sees_the_text_before_the_match() -> None:
    pattern = re.compile(r"(?<=[让到])(旗|县)(?=委)|(?<![\u4e00-\u9fff])街道")
    _same(pattern, ["让旗委", "x旗委", "到县委让旗委", "街道", "在街道", "，街道办", ""])
