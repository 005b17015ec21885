"""Inner Mongolia gazetteer: find place names in running text and resolve them to official codes.

Pure and offline: reads ``data/reference/regions.csv`` and ``region_aliases.csv`` once (built by
``etl.build_reference``). ``load_gazetteer()`` is cached.

Matching (``Gazetteer.find_places``) is a leftmost-longest dictionary scan, non-overlapping:

* leagues and banners match by official full name (赤峰市, 锡林郭勒盟, 阿鲁科尔沁旗) and by alias
  (呼市, 锡盟, 科右前旗, 林西 …; never a name with 区 stripped, so "海南" alone matches nothing);
* townships (镇 乡 苏木 街道) and villages (嘎查 村 社区) match by their full official name with
  the suffix (东乌珠尔苏木, 哈拉图嘎查, 三道河村) and townships also by the aliases in
  region_aliases.csv (NBS spellings; ethnic townships as written: 敖鲁古雅乡, 查巴奇鄂温克族乡); names whose stem is one character (新村, 一村,
  新镇) and names that are stock phrases (和谐社区, 先进村) match only directly after a township
  or banner mention (林东镇新村); a few famous places elsewhere (华西村 …) never match; NBS
  units that are not townships/villages (industrial parks, farms, 生活区 …) are not matched
  either (they stay available through ``by_code``);
* blockers such as 大兴安岭 win the longest match and are dropped, so 兴安 (= 兴安盟) does not
  fire inside 大兴安岭; a league/banner name directly followed by 路/街/大街/大道/巷 (兴安路,
  锡林郭勒北路, 鄂尔多斯大街 in Hohhot) is a street and is dropped;
* a name that occurs in several places (城北街道, 哈拉图嘎查 ×3, 城关镇 ×4) yields one mention with
  all candidates; ``Gazetteer.resolve`` chooses among them from context codes.

The scan lets one compiled character class find the positions where a name can end (names end in
a few dozen characters), looks up the two characters before each in a dict keyed by the last two
characters of the names (all names have at least two) and tries only the lengths that exist for
that suffix; all hits are then reduced to leftmost-longest non-overlapping mentions.
"""
from __future__ import annotations

import csv
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.cache import cache_key, load_or_build
from etl.paths import REFERENCE_DIR
from etl.schema import Region

LEVEL_RANK = {"league": 0, "banner": 1, "township": 2, "village": 3}
TOWNSHIP_KINDS = frozenset({"镇", "乡", "民族乡", "苏木", "街道"})
VILLAGE_KINDS = frozenset({"嘎查", "村", "社区"})
# Full official names that are famous places elsewhere: never matched in free text.
STOP_NAMES = frozenset({"华西村", "杏花村", "三家村", "中心村", "新农村", "城关村"})
# Real village names that are also stock phrases of the genre (打造和谐社区, 先进村党组织): matched
# only when they directly follow a township or banner mention (城北街道幸福社区), like the names
# with a one-character stem (林东镇新村, 二村).
PHRASE_NAMES = frozenset({
    "先进村", "明星村", "和谐社区", "平安社区", "幸福社区", "文明社区", "中心社区", "新型社区",
    "示范村", "文明村", "模范村", "小康村", "幸福村", "幸福嘎查",
})
# Words that contain a place name or alias but are something else; they win the longest match and
# are then dropped.
BLOCKERS = frozenset({
    "大兴安岭", "小兴安岭", "兴安岭", "兴安落叶松",
    "额尔古纳河", "额尔古纳右旗", "额尔古纳左旗",  # the river; historical banners
    "鄂尔多斯盆地", "鄂尔多斯高原", "阿拉善高原", "锡林郭勒河", "根河流域", "海拉尔河",
    "多伦多",  # Toronto
    "海南区域", "新城区域",
})
# A league/banner name or alias directly followed by one of these is a street (兴安路,
# 锡林郭勒北路, 鄂尔多斯大街 in Hohhot), not the place; such mentions are dropped.
_STREET_AFTER = re.compile(r"(?:[东西南北中]?(?:路|街)|大街|大道|巷)(?!街道|社区|办事处)")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str  # league | banner | township | village
    parent_code: str
    league_code: str
    banner_code: str
    township_code: str
    kind: str
    source: str


@dataclass(frozen=True, eq=False)
class PlaceCandidate:
    code: str
    name: str
    level: str
    kind: str
    chain: Region  # league → banner → township → village, names and codes filled


@dataclass(frozen=True, eq=False, slots=True)
class PlaceMention:
    start: int
    end: int
    text: str  # the name as written (an alias such as 呼市, or the full name)
    candidates: tuple[PlaceCandidate, ...] = field(default_factory=tuple)
    via: str = "name"  # name | alias | name+alias

    @property
    def level(self) -> str:
        """The level shared by all candidates, else "mixed"."""
        levels = {c.level for c in self.candidates}
        return levels.pop() if len(levels) == 1 else "mixed"


class Gazetteer:
    def __init__(self, regions: list[RegionRow], aliases: list[tuple[str, str, str]]):
        self.rows: dict[str, RegionRow] = {r.code: r for r in regions}
        self.aliases = aliases
        self._chains: dict[str, Region] = {}
        self._by_name: dict[str, list[str]] = {}
        for r in regions:
            self._by_name.setdefault(r.name, []).append(r.code)
        lex: dict[str, list[str]] = {}
        via: dict[str, set[str]] = {}
        self._ctx_only: set[str] = set()
        for r in regions:
            if not self._matchable(r):
                continue
            if self._context_only(r):
                self._ctx_only.add(r.name)
            lex.setdefault(r.name, []).append(r.code)
            via.setdefault(r.name, set()).add("name")
        for alias, code, _src in aliases:
            if code not in self.rows:
                continue
            lex.setdefault(alias, [])
            if code not in lex[alias]:
                lex[alias].append(code)
            via.setdefault(alias, set()).add("alias")
        self._lex: dict[str, tuple[str, ...]] = {
            k: tuple(sorted(v, key=lambda c: (LEVEL_RANK[self.rows[c].level], c))) for k, v in lex.items()}
        self._via = {k: "+".join(sorted(v)) for k, v in via.items()}
        # names whose candidates are all leagues/banners (the street-name guard applies to them)
        self._upper = {k: bool(v) and all(self.rows[c].level in ("league", "banner") for c in v)
                       for k, v in self._lex.items()}
        for b in BLOCKERS:
            self._lex.setdefault(b, ())
        # last two characters -> candidate lengths, longest first; a regex finds the possible
        # last characters (a few dozen: 市 盟 旗 县 区 镇 乡 木 道 查 村 …) at C speed
        idx: dict[str, set[int]] = {}
        for k in self._lex:
            idx.setdefault(k[-2:], set()).add(len(k))
        self._suffix_index = {k: tuple(sorted(v, reverse=True)) for k, v in idx.items()}
        last_chars = "".join(re.escape(c) for c in sorted({k[-1] for k in self._lex}))
        prev_chars = "".join(re.escape(c) for c in sorted({k[-2] for k in self._lex}))
        # matches the second-to-last character of a possible name; m.start() + 2 is its end
        self._end_re = re.compile(f"[{prev_chars}](?=[{last_chars}])")
        self._cand_cache: dict[str, tuple[PlaceCandidate, ...]] = {}

    @staticmethod
    def _matchable(r: RegionRow) -> bool:
        if len(r.name) < 2 or r.name in STOP_NAMES:
            return False
        if r.level in ("league", "banner"):
            return True
        kinds = TOWNSHIP_KINDS if r.level == "township" else VILLAGE_KINDS
        return r.kind in kinds

    @staticmethod
    def _context_only(r: RegionRow) -> bool:
        if r.level not in ("township", "village"):
            return False
        suffix = "乡" if r.kind == "民族乡" else r.kind
        return r.name in PHRASE_NAMES or len(r.name) - len(suffix) < 2  # 新村, 一村, 新镇

    # ------------------------------------------------------------------ lookups
    def by_code(self, code: str) -> RegionRow | None:
        return self.rows.get(code)

    def by_name(self, name: str) -> list[RegionRow]:
        """Rows with exactly this official name (any level), sorted by level and code."""
        return [self.rows[c] for c in sorted(self._by_name.get(name, ()),
                                             key=lambda c: (LEVEL_RANK[self.rows[c].level], c))]

    def lookup(self, name: str) -> list[RegionRow]:
        """Rows matched by a name or alias exactly as find_places would match it."""
        return [self.rows[c] for c in self._lex.get(name, ())]

    def chain(self, code: str) -> Region:
        """The league → banner → township → village chain of a code (a fresh Region each call)."""
        cached = self._chains.get(code)
        if cached is None:
            cached = self._build_chain(code)
            self._chains[code] = cached
        r = object.__new__(Region)  # a copy with its own extra (fields are the __dict__)
        r.__dict__.update(cached.__dict__)
        r.extra = dict(cached.extra)
        return r

    def _build_chain(self, code: str) -> Region:
        row = self.rows.get(code)
        if row is None:
            raise KeyError(code)
        reg = Region(level=row.level, extra={"code": row.code, "kind": row.kind, "source": row.source})
        r: RegionRow | None = row
        while r is not None:
            setattr(reg, r.level, r.name)
            setattr(reg, r.level + "_code", r.code)
            r = self.rows.get(r.parent_code) if r.parent_code else None
        return reg

    def candidates(self, name: str) -> tuple[PlaceCandidate, ...]:
        got = self._cand_cache.get(name)
        if got is None:
            got = tuple(PlaceCandidate(c, self.rows[c].name, self.rows[c].level, self.rows[c].kind,
                                       self._chain_shared(c)) for c in self._lex.get(name, ()))
            self._cand_cache[name] = got
        return got

    def _chain_shared(self, code: str) -> Region:
        if code not in self._chains:
            self._chains[code] = self._build_chain(code)
        return self._chains[code]

    # ------------------------------------------------------------------ matching
    def find_places(self, text: str) -> list[PlaceMention]:
        """Every place-name mention in text, leftmost-longest, non-overlapping."""
        lex = self._lex
        index_get = self._suffix_index.get
        found: list[tuple[int, int]] = []  # (start, -end) of every dictionary hit
        for m in self._end_re.finditer(text):
            b = m.start()
            e = b + 2
            lens = index_get(text[b:e])
            if lens is None:
                continue
            for L in lens:
                if L <= e and text[e - L:e] in lex:
                    found.append((e - L, -e))
        found.sort()
        out: list[PlaceMention] = []
        last_end = 0
        cands = self._cand_cache
        via = self._via
        street_after = _STREET_AFTER.match
        ctx_only = self._ctx_only
        for start, neg_end in found:  # leftmost-longest, non-overlapping
            if start < last_end:
                continue
            end = -neg_end
            last_end = end
            s = text[start:end]
            if lex[s]:  # blockers (大兴安岭 …) consume their span and yield nothing
                if street_after(text, end) and self._upper[s]:
                    continue
                if s in ctx_only and not (out and out[-1].end == start
                                          and out[-1].candidates[0].level in ("banner", "township")):
                    continue
                c = cands.get(s)
                if c is None:
                    c = self.candidates(s)
                out.append(PlaceMention(start, end, s, c, via[s]))
        return out

    def iter_names(self) -> list[str]:
        return sorted(k for k, v in self._lex.items() if v)

    def jieba_words(self) -> list[str]:
        """Names and aliases that find_places matches without context, for a jieba user dictionary."""
        return [w for w in self.iter_names() if w not in self._ctx_only]

    # ------------------------------------------------------------------ resolution
    def resolve(self, candidates, context_codes=(), strict: bool = False) -> PlaceCandidate | RegionRow | None:
        """Choose one candidate using codes already known from the context.

        ``candidates`` is a PlaceMention's candidates (or RegionRows). Preference: a candidate
        inside one of the context townships, then banners, then leagues; a unique candidate wins
        at the first tier where exactly one candidate fits. Without a fitting context a single
        candidate is returned (``strict=True``: only if it fits the context or there is no
        context); several candidates with no fitting context → None.
        """
        cands = list(candidates)
        if not cands:
            return None
        ctx = [self.rows[c] for c in context_codes if c in self.rows]
        if ctx:
            tiers = (
                {r.township_code for r in ctx if r.township_code},
                {r.banner_code for r in ctx if r.banner_code},
                {r.league_code for r in ctx if r.league_code},
            )
            attrs = ("township_code", "banner_code", "league_code")
            for codes, attr in zip(tiers, attrs):
                if not codes:
                    continue
                fit = [c for c in cands if getattr(self.rows[c.code], attr) in codes]
                if len(fit) == 1:
                    return fit[0]
                if len(fit) > 1:
                    # same name at two levels (e.g. a banner and its seat town): take the higher level
                    ranks = sorted(LEVEL_RANK[c.level] for c in fit)
                    if ranks[0] < ranks[1]:
                        return min(fit, key=lambda c: LEVEL_RANK[c.level])
                    return None
            if strict:
                return None
        return cands[0] if len(cands) == 1 else None


def _read_regions(path: Path) -> list[RegionRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if tuple(header) != RegionRow.__match_args__:
            raise ValueError(f"{path}: unexpected columns {header}")
        return [RegionRow(*row) for row in reader]


def _read_aliases(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["alias"], r["code"], r["source"]) for r in csv.DictReader(fh)]


@lru_cache(maxsize=4)
def load_gazetteer(reference_dir: str | None = None) -> Gazetteer:
    """The gazetteer of reference_dir (default data/reference), its indexes cached on disk (etl.cache).

    The cache key hashes both CSV files and the source of this module and etl.schema, so an edited file or a changed
    matching rule never meets stale indexes.
    """
    d = Path(reference_dir) if reference_dir else REFERENCE_DIR
    regions_path, aliases_path = d / "regions.csv", d / "region_aliases.csv"
    here = Path(__file__).parent
    key = cache_key(regions_path.read_bytes(), aliases_path.read_bytes(), (here / "gazetteer.py").read_bytes(),
                    (here / "schema.py").read_bytes())
    return load_or_build(
        "gazetteer", key, lambda: Gazetteer(_read_regions(regions_path), _read_aliases(aliases_path)),
        dumps=lambda g: pickle.dumps(g, protocol=pickle.HIGHEST_PROTOCOL), loads=pickle.loads)
