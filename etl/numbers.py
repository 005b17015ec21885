"""Convert one numeral span (Arabic, Chinese or mixed) to a number with a qualifier.

This module reads a span that is already cut out of the text; it never scans running text
(that is :mod:`etl.quantities`' job). It is pure and has no dependencies.

What ``parse_number`` accepts:

- Arabic and full-width digits, decimals, ASCII thousands separators (``1,200``), ``k``/``m``
  suffixes and e-notation (``2e5``);
- Chinese numerals 零〇一二两三…十百千万亿兆, financial 壹贰叁…拾佰仟 and traditional 萬億兩;
  digit-by-digit readings (二〇二三); decimals with 点/點;
- mixed forms: 4万, 1.2万, 3.5亿, 9.18万, 3万4000, 5万4千6百;
- colloquial elisions: 一万二 = 12000, 两万五 = 25000, 三千五 = 3500, 百三 = 130;
- approximations: 多/余/几 inside or after the numeral (4万多, 500余万, 十多万, 二十几万,
  两千余) give the lower bound with qualifier ``more``; a span that *starts* with 几/数
  (几十, 数百) is not a definite number and raises;
- ranges of adjacent numerals (五六万 → 50000–60000, 十五六 → 15–16, 三四十 → 30–40,
  一两 → 1–2) and explicit ranges (10至15, 10到15, 20-30, 20~30, 2-3万 → 20000–30000):
  qualifier ``range``, ``value`` is the lower bound;
- percentages: ``百分之八十`` → 80 and ``95%`` → 95 (the caller keeps the unit ``%``);
  ``个百分点`` is stripped too;
- fractions ``X分之Y`` → Y/X (五百分之2333 → 4.666), mixed ``3又一千分之23``;
- negatives 负/負/-, and 零下 (零下30 → -30);
- trailing 打 (dozen): 五十打 → 600.

Qualifier words may be passed inside the span and are read here: prefixes 近/将近/接近/约/大约/
左右 → ``approx``; 超过/逾/突破/超/不少于/不低于/至少 and suffixes 以上/余/多 → ``more``;
不足/不到/低于 and suffixes 以下/以内 → ``less``; 达/达到/共/计 → ``exact``. :mod:`etl.quantities`
cuts its prefix/suffix words off itself and passes only the numeral (with infix 多/余/几), so it
does not depend on this.

Not supported (raise ``NumberFormatError``): 半 (半百, 一吨半), 成/折 discounts, powers (2^5).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .errors import NumberFormatError

__all__ = ["ParsedNumber", "parse_number", "DIGITS", "SMALL_UNITS", "BIG_UNITS", "NUMERAL_CHARS"]


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a span: value (lower bound for ranges/approximations) and qualifier."""

    value: float
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"  # exact | more | less | approx | range


DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "洞": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "兩": 2, "贰": 2, "貳": 2, "俩": 2, "倆": 2,
    "三": 3, "叁": 3, "參": 3, "仨": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
# 洞/幺 only appear in digit-by-digit readings; they are harmless inside a span.
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "什": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8, "兆": 10**12}
NUMERAL_CHARS: frozenset[str] = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)

_APPROX_INFIX = "多余餘几幾来來"
_POINT = "点點"

# Qualifier words that may wrap the numeral (longest first).
_PREFIX_WORDS: tuple[tuple[str, str], ...] = tuple(sorted((
    ("将近", "approx"), ("接近", "approx"), ("近", "approx"), ("大约", "approx"), ("约", "approx"),
    ("大概", "approx"),
    ("超过", "more"), ("逾", "more"), ("突破", "more"), ("超", "more"), ("不少于", "more"),
    ("不低于", "more"), ("至少", "more"), ("多于", "more"), ("高于", "more"),
    ("不足", "less"), ("不到", "less"), ("低于", "less"), ("少于", "less"), ("不超过", "less"),
    ("达到", "exact"), ("多达", "exact"), ("高达", "exact"), ("达", "exact"), ("共", "exact"),
    ("计", "exact"),
), key=lambda p: -len(p[0])))
_SUFFIX_WORDS: tuple[tuple[str, str], ...] = (
    ("以上", "more"), ("之多", "more"), ("左右", "approx"), ("上下", "approx"), ("以下", "less"),
    ("以内", "less"),
)

_RANGE_SEP = re.compile(r"(?<=[^\-e])(?:至|到|~|～|〜|—+|–|-|－)(?=.)")
_ARABIC = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?|\.[0-9]+")
_ARABIC_FULL = re.compile(r"[+-]?(?:[0-9]+(?:,[0-9]{3})*(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?")
_ADJACENT_PAIRS = {(a, b) for a, b in (
    ("一", "二"), ("二", "三"), ("两", "三"), ("三", "四"), ("四", "五"), ("五", "六"), ("六", "七"),
    ("七", "八"), ("八", "九"), ("一", "两"),
)}


def _normalise(text: str) -> str:
    """Apply NFKC (full-width → ASCII), drop whitespace, lower-case; ``1 3/5`` becomes ``1又5分之3``."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    s = re.sub(r"^([+-]?[0-9]+)\s+([0-9]+)/([0-9]+)$", r"\1又\3分之\2", s)
    return re.sub(r"\s+", "", s)


_SAID_RANGES = {"三五": (3.0, 5.0), "一两": (1.0, 2.0)}


def parse_number(text: str) -> ParsedNumber:
    """Read one numeral span into a value with a qualifier; raise NumberFormatError if unreadable.

    >>> parse_number("4万多")
    ParsedNumber(value=40000.0, low=None, high=None, qualifier='more')
    >>> parse_number("五六万")
    ParsedNumber(value=50000.0, low=50000.0, high=60000.0, qualifier='range')
    >>> parse_number("两千余").value, parse_number("一万二").value, parse_number("九萬四").value
    (2000.0, 12000.0, 94000.0)
    >>> parse_number("3.5亿").value, parse_number("１５").value, parse_number("百分之八十").value
    (350000000.0, 15.0, 80.0)
    >>> parse_number("10至15")
    ParsedNumber(value=10.0, low=10.0, high=15.0, qualifier='range')
    >>> parse_number("近200").qualifier
    'approx'
    >>> parse_number("几十")
    Traceback (most recent call last):
    ...
    etl.errors.NumberFormatError: 几十: 以"几/数"开头，不是确定的数
    """
    if not isinstance(text, str):
        raise NumberFormatError(f"{text!r}: 不是字符串")
    original = text
    s = _normalise(text)
    if not s:
        raise NumberFormatError(f"{original!r}: 空字符串")
    qualifier = "exact"
    # Qualifier words around the numeral.
    for word, q in _PREFIX_WORDS:
        if s.startswith(word) and len(s) > len(word):
            s, qualifier = s[len(word):], q
            break
    for word, q in _SUFFIX_WORDS:
        if s.endswith(word) and len(s) > len(word):
            s = s[: -len(word)]
            if qualifier == "exact":
                qualifier = q
            break
    if s in _SAID_RANGES:  # 三五名, 一两个: the spoken ranges of two numbers that are not neighbours
        low, high = _SAID_RANGES[s]
        return ParsedNumber(low, low, high, "range")
    try:
        parsed = _parse_core(s)
    except NumberFormatError as exc:
        raise NumberFormatError(f"{original}: {exc.args[0].split(': ', 1)[-1]}") from None
    if parsed.qualifier == "range" or qualifier == "exact":
        return parsed
    return ParsedNumber(parsed.value, qualifier=qualifier)


def _parse_core(s: str) -> ParsedNumber:
    """Parse a normalised span without outer qualifier words."""
    sign = 1.0
    if s.startswith("零下"):
        sign, s = -1.0, s[2:]
    # Percent forms: the caller keeps the unit.
    for tail in ("个百分点", "個百分點", "百分点", "%"):
        if s.endswith(tail) and len(s) > len(tail):
            s = s[: -len(tail)]
            break
    if s.startswith(("百分之", "佰分之")):
        inner = _parse_core(s[3:])
        return _scale(inner, sign)
    # Explicit ranges: 10至15, 20-30, 2-3万.
    m = _RANGE_SEP.search(s)
    if m and m.start() > 0 and not s[m.end():].startswith(("-", "负")):
        left, right = s[: m.start()], s[m.end():]
        hi = _parse_single(right)
        lo_text = left
        # A scale written only on the right applies to both ends: 2-3万, 十至十五万.
        scale_tail = re.search(r"[万萬亿億]+$", right)
        if scale_tail and not re.search(r"[万萬亿億]", left):
            lo_text = left + scale_tail.group(0)
        lo = _parse_single(lo_text)
        if lo.value > hi.value:
            raise NumberFormatError(f"{s}: 区间下限大于上限")
        return ParsedNumber(sign * lo.value, sign * lo.value, sign * hi.value, "range")
    return _scale(_parse_single(s), sign)


def _scale(p: ParsedNumber, factor: float) -> ParsedNumber:
    """Multiply every value of ``p`` by ``factor``."""
    if factor == 1.0:
        return p
    low = None if p.low is None else p.low * factor
    high = None if p.high is None else p.high * factor
    if low is not None and high is not None and low > high:
        low, high = high, low
    return ParsedNumber(p.value * factor, low, high, p.qualifier)


def _parse_single(s: str) -> ParsedNumber:
    """Parse one number (no explicit range separator), with 多/余/几 and adjacent-numeral ranges."""
    if not s:
        raise NumberFormatError(f"{s}: 空数字")
    sign = 1.0
    while s[:1] in ("-", "负", "負", "+"):
        if s[0] != "+":
            sign = -sign
        s = s[1:]
    if not s:
        raise NumberFormatError(f"{s}: 只有符号")
    if s[0] in "几幾数數":
        raise NumberFormatError(f"{s}: 以\"几/数\"开头，不是确定的数")
    # Fractions: [whole 又] X分之Y.
    if "分之" in s:
        return _scale(_parse_fraction(s), sign)
    if "/" in s:
        return _scale(_parse_slash_fraction(s), sign)
    # Dozens.
    if s.endswith("打") and len(s) > 1:
        return _scale(_parse_single(s[:-1]), 12.0 * sign)
    qualifier = "exact"
    # 多/余/几 inside or after the numeral: keep the lower bound, mark "more".
    if any(c in _APPROX_INFIX for c in s):
        if s[-1] in _APPROX_INFIX or re.search(f"[{_APPROX_INFIX}](?=[十百千万萬亿億拾佰仟]|$)", s):
            qualifier = "approx" if s[-1] in "来來" else "more"  # 二十来: about twenty; 二十多: over
            s = re.sub(f"零?[{_APPROX_INFIX}]", "", s)
            if not s:
                raise NumberFormatError(f"{s}: 没有数字")
        else:
            raise NumberFormatError(f"{s}: 无法读取的约数")
    # Ranges of adjacent numerals: 五六万, 十五六, 三四十, 一两.
    integer_part = re.split(f"[{_POINT}.]", s, maxsplit=1)[0]
    for i in range(len(integer_part) - 1):
        if (integer_part[i], integer_part[i + 1]) in _ADJACENT_PAIRS:
            if (i + 2 < len(integer_part) and integer_part[i + 2] in DIGITS) or (
                    i > 0 and integer_part[i - 1] in DIGITS):
                continue  # 一二三, 二〇二三 are digit strings, not ranges
            lo = _parse_plain(s[:i + 1] + s[i + 2:])
            hi = _parse_plain(s[:i] + s[i + 1:])
            if lo >= hi:
                raise NumberFormatError(f"{s}: 无法读取的区间")
            return ParsedNumber(sign * lo, sign * lo, sign * hi, "range")
    return ParsedNumber(sign * _parse_plain(s), qualifier=qualifier)


def _parse_fraction(s: str) -> ParsedNumber:
    """Parse ``[whole又]X分之Y`` as whole + Y/X."""
    whole = 0.0
    if "又" in s:
        w, s = s.split("又", 1)
        whole = _parse_single(w).value
    den_text, num_text = s.split("分之", 1)
    if not den_text or not num_text:
        raise NumberFormatError(f"{s}: 不完整的分数")
    if den_text[0] in SMALL_UNITS or den_text[0] in BIG_UNITS:
        den_text = "一" + den_text  # 千分之一, 万分之三
    den = _parse_single(den_text).value
    num = _parse_single(num_text).value
    if den == 0:
        raise NumberFormatError(f"{s}: 分母为零")
    frac = num / den
    return ParsedNumber(whole - frac if whole < 0 else whole + frac)


def _parse_slash_fraction(s: str) -> ParsedNumber:
    """Parse ``a/b`` and ``whole a/b`` (spaces already removed, so only ``a/b``)."""
    num_text, den_text = s.split("/", 1)
    num, den = _parse_plain(num_text), _parse_plain(den_text)
    if den == 0:
        raise NumberFormatError(f"{s}: 分母为零")
    return ParsedNumber(num / den)


def _parse_plain(s: str) -> float:
    """Parse a number with no qualifier, range or fraction: Arabic, Chinese or mixed."""
    if not s:
        raise NumberFormatError(f"{s}: 空数字")
    sign = 1.0
    if s[0] in "-负負":
        sign, s = -1.0, s[1:]
    # Pure Arabic (with optional k/m suffix or e-notation).
    m = _ARABIC_FULL.fullmatch(s)
    if m:
        return sign * float(s.replace(",", ""))
    if s[-1] in "km" and _ARABIC_FULL.fullmatch(s[:-1]):
        return sign * float(s[:-1].replace(",", "")) * (1000.0 if s[-1] == "k" else 1e6)
    # Chinese decimal part: 十点二三三, 四百亿点零五零.
    frac = Decimal(0)
    for p in _POINT:
        if p in s:
            s, frac_text = s.split(p, 1)
            if not frac_text or any(c not in DIGITS for c in frac_text):
                raise NumberFormatError(f"{s}{p}{frac_text}: 小数部分无法读取")
            frac = Decimal("0." + "".join(str(DIGITS[c]) for c in frac_text))
            if not s:
                raise NumberFormatError(f"{p}{frac_text}: 缺少整数部分")
            break
    if len(s) > 1 and all(c in DIGITS for c in s) and any(c in "两兩俩倆仨" for c in s):
        raise NumberFormatError(f"{s}: 两 不用于逐位读数")
    # Decimal arithmetic keeps 2.3亿 = 230000000 exact (float gives 229999999.99999997).
    return sign * float(_parse_integer_tokens(_tokenise(s)) + frac)


_ZERO = Decimal(0)
_TEN = Decimal(10)


def _tokenise(s: str) -> list[tuple[str, Decimal]]:
    """Split a numeral into tokens: ('n', Arabic number), ('d', digit), ('u', 十百千), ('b', 万亿), ('z', 零)."""
    tokens: list[tuple[str, Decimal]] = []
    i = 0
    while i < len(s):
        c = s[i]
        m = _ARABIC.match(s, i)
        if m:
            tokens.append(("n", Decimal(m.group(0).replace(",", ""))))
            i = m.end()
            continue
        if c in ("零", "〇") and (not tokens or tokens[-1][0] != "d"):
            # 零 as a place holder (一千零五); 〇 after a digit is a digit (二〇二三).
            tokens.append(("z", _ZERO))
        elif c in DIGITS:
            tokens.append(("d", Decimal(DIGITS[c])))
        elif c in SMALL_UNITS:
            tokens.append(("u", Decimal(SMALL_UNITS[c])))
        elif c in BIG_UNITS:
            tokens.append(("b", Decimal(BIG_UNITS[c])))
        else:
            raise NumberFormatError(f"{s}: 无法识别的字符“{c}”")
        i += 1
    return tokens


def _parse_integer_tokens(tokens: list[tuple[str, Decimal]]) -> Decimal:
    """Evaluate numeral tokens with the usual 万/亿 section rules and colloquial elision."""
    if not tokens:
        raise NumberFormatError(": 空数字")
    kinds = [k for k, _ in tokens]
    # Digit-by-digit reading: 二〇二三, 一九九一.
    if len(tokens) > 1 and all(k in "dz" for k in kinds) and kinds[0] == "d":
        return Decimal("".join(str(int(v)) for _, v in tokens))
    if kinds == ["z"]:
        return _ZERO  # 零点五
    if all(k in "bz" for k in kinds):
        raise NumberFormatError(": 只有单位，没有数字")
    total = _ZERO  # value already closed by a big unit
    largest = _ZERO  # the scale of ``total``'s last big unit
    section = _ZERO  # value below the current big unit
    cur: Decimal | None = None  # the pending digit/number
    cur_is_digit = False
    last_unit = _ZERO  # the unit token just before ``cur`` (for elision)
    zero_before_cur = False
    prev_kind = ""
    for kind, v in tokens:
        if kind in "nd":
            if cur is not None:
                raise NumberFormatError(": 两个数字连写")
            if kind == "n" and prev_kind == "d":
                raise NumberFormatError(": 数字混写")
            cur, cur_is_digit = v, kind == "d"
            zero_before_cur = prev_kind == "z"
        elif kind == "z":
            pass
        elif kind == "u":
            if prev_kind == "u":
                raise NumberFormatError(": 单位连写")
            section += (Decimal(1) if cur is None else cur) * v
            cur, last_unit = None, v
        else:  # big unit
            chunk = section + (cur or _ZERO)
            if chunk == 0 and prev_kind != "b":
                raise NumberFormatError(": 万/亿前没有数字")
            if largest == 0 or v >= largest:
                # 一万五千亿, 四万万, 二十一万亿: the unit multiplies everything before it.
                total = (total + chunk) * v
                largest = v if largest == 0 else largest * v
            else:
                total += chunk * v
            section, cur, last_unit = _ZERO, None, v
        prev_kind = kind
    if cur is not None:
        if cur_is_digit and last_unit >= 10 and not zero_before_cur and prev_kind == "d":
            cur *= last_unit / _TEN  # 一万二 = 12000, 三千五 = 3500
        section += cur
    return total + section
