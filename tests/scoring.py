"""Score extracted facts against the hand-made gold annotations in ``tests/gold/``.

Pure functions (``score``, ``score_corpus``, ``parse_numerals``) plus ``report()``, which runs the
real pipeline over every gold report and prints a per-file table for tuning::

    python -m tests.scoring            # all gold files
    python -m tests.scoring 000 101    # files whose name starts with one of these prefixes
    python -m tests.scoring -v         # also list attribution mismatches

Matching rule: a gold fact matches at most one predicted fact with the same value (tolerance
1e-6 relative), the same unit, and whose ``quote`` contains the gold ``near`` snippet (whitespace
ignored on both sides). Gold facts are matched greedily in file order, each to the first free
predicted fact that fits. Attribution accuracy is measured over matched pairs only. Table cell
separators (tab, " | ", "｜") count as whitespace: a table row reads the same from every format.
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
ROOT = TESTS_DIR.parent
GOLD_DIR = TESTS_DIR / "gold"
REPORT_DIRS = (ROOT / "data" / "raw", TESTS_DIR / "fixtures" / "genre")

# Attribution fields compared on matched pairs (exact string equality; None counts as "").
ATTRIBUTION_FIELDS: tuple[str, ...] = ("league", "banner", "initiative", "qualifier", "per", "indicator")
# The fields the acceptance thresholds apply to.
ASSERTED_FIELDS: tuple[str, ...] = ("league", "banner", "initiative")
# "Strict": a matched pair (value, unit and sentence agree) whose every scored field agrees too. The
# indicator is left out: it is a judgement of taxonomy, reported but not a target.
STRICT_FIELDS: tuple[str, ...] = ("league", "banner", "initiative", "qualifier", "per")

# Whitespace, and the pipes that separate table cells: a table row reads the same whether its cells
# are separated by tabs (a text table), runs of spaces or " | " (a table read from Word, HTML or PDF).
_WS = re.compile(r"[\s|｜]+")


def _norm(text: str | None) -> str:
    return _WS.sub("", text or "")


def _simplified(text: str) -> str:
    try:
        from etl.sources.script import simplified  # noqa: PLC0415
    except ImportError:  # an older extractor scored from a worktree: OpenCC itself
        import opencc  # noqa: PLC0415

        return opencc.OpenCC("t2s").convert(text)
    return simplified(text)


def _gold_value(g: dict, name: str) -> str:
    """A gold field as the ETL writes it (a programme named in traditional characters: in simplified ones)."""
    value = _str(g.get(name))
    if name == "initiative" and value:
        return _simplified(value)
    return value


# pinyin with a tone mark in brackets after a character (萬(wàn)): etl.layout drops these reading aids
try:
    from etl.layout import _PINYIN
except ImportError:  # an older extractor scored from a worktree keeps them; so do its quotes
    _PINYIN = re.compile(r"(?!)")


def _norm_gold(text: str | None) -> str:
    """A gold snippet as the ETL quotes it: without whitespace, in simplified characters (the reader converts a
    text written in traditional ones, etl.sources.script; a short snippet is converted whatever its share) and
    without pinyin reading aids (etl.layout drops them)."""
    return _norm(_simplified(_PINYIN.sub("", text or "")))


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _str(value) -> str:
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- numerals in traps
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC_RUN = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?")


def _cn_to_number(run: str) -> float | None:
    """Convert a run of Chinese numerals: 二十 → 20, 一百二十 → 120, 十九 → 19, 两千 → 2000.

    A run of bare digits (一九八四) reads digit by digit. Returns None when the run has no value.

    >>> [_cn_to_number(s) for s in ("二十", "十九", "一百二十", "两千", "三", "一九")]
    [20.0, 19.0, 120.0, 2000.0, 3.0, 19.0]
    """
    if not any(c in _CN_SMALL or c in _CN_BIG for c in run):
        digits = [_CN_DIGITS[c] for c in run if c in _CN_DIGITS]
        if not digits:
            return None
        return float(int("".join(str(d) for d in digits)))
    total, section, digit = 0.0, 0.0, None
    for c in run:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[c]
            digit = None
        elif c in _CN_BIG:
            section += digit or 0
            total += (section or 1) * _CN_BIG[c]
            section, digit = 0.0, None
    return total + section + (digit or 0)


def parse_numerals(text: str) -> set[float]:
    """Every value a numeral written in ``text`` could be read as (for trap checks).

    Each Arabic run and each Chinese-numeral run gives its value; a Chinese run also gives each of
    its single digits (三减三优 → 3; 第十九次 → 19, 10, 9; 两代表一委员 → 2, 1).

    >>> sorted(parse_numerals("2017年10月18日"))
    [10.0, 18.0, 2017.0]
    >>> sorted(parse_numerals("第十九次"))
    [9.0, 10.0, 19.0]
    >>> sorted(parse_numerals("一肩挑"))
    [1.0]
    """
    values: set[float] = set()
    for m in _ARABIC_RUN.finditer(text):
        s = m.group().translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
        values.add(float(s))
    for m in _CN_RUN.finditer(text):
        run = m.group()
        v = _cn_to_number(run)
        if v is not None:
            values.add(v)
        for c in run:
            if c in _CN_DIGITS:
                values.add(float(_CN_DIGITS[c]))
            elif c in _CN_SMALL:
                values.add(float(_CN_SMALL[c]))
    return values


# --------------------------------------------------------------------------- scores
@dataclass
class Scores:
    """Counts and lists for one report (or a whole corpus, micro-averaged)."""

    n_gold: int = 0
    n_pred: int = 0
    matched: int = 0
    # field -> [correct, total] over matched pairs
    attribution: dict[str, list[int]] = field(default_factory=lambda: {f: [0, 0] for f in ATTRIBUTION_FIELDS})
    missed: list[dict] = field(default_factory=list)  # gold facts with no prediction
    spurious: list[dict] = field(default_factory=list)  # predicted facts matching no gold fact
    duplicates: list[dict] = field(default_factory=list)  # spurious facts quoting a headline duplicate
    trap_violations: list[tuple[str, dict]] = field(default_factory=list)  # (trap, predicted fact)
    mismatches: list[tuple[str, dict, dict]] = field(default_factory=list)  # (field, gold, predicted)
    files: list[str] = field(default_factory=list)
    strict_ok: int = 0  # matched pairs whose STRICT_FIELDS all agree
    # initiative_basis of the predicted fact -> [programme right, matched pairs] (where the programme was named)
    basis: dict[str, list[int]] = field(default_factory=dict)

    @property
    def strict(self) -> float:
        """Share of matched pairs with every scored field right (1.0 when nothing matched)."""
        return self.strict_ok / self.matched if self.matched else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.n_pred if self.n_pred else (1.0 if not self.n_gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.n_gold if self.n_gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        """Share of matched pairs whose ``name`` agrees (1.0 when nothing matched)."""
        correct, total = self.attribution[name]
        return correct / total if total else 1.0

    def add(self, other: "Scores") -> "Scores":
        self.n_gold += other.n_gold
        self.n_pred += other.n_pred
        self.matched += other.matched
        self.strict_ok += other.strict_ok
        for name, (c, t) in other.attribution.items():
            self.attribution.setdefault(name, [0, 0])
            self.attribution[name][0] += c
            self.attribution[name][1] += t
        self.missed += other.missed
        self.spurious += other.spurious
        self.duplicates += other.duplicates
        self.trap_violations += other.trap_violations
        self.mismatches += other.mismatches
        self.files += other.files
        for name, (c, t) in other.basis.items():
            self.basis.setdefault(name, [0, 0])
            self.basis[name][0] += c
            self.basis[name][1] += t
        return self

    def basis_summary(self) -> str:
        """Programme accuracy by where the programme was named (the grouping of the dashboard's filter)."""
        from etl.schema import BASIS_GROUPS  # noqa: PLC0415

        parts = []
        for g, members in BASIS_GROUPS.items():
            c = sum(self.basis.get(m, [0, 0])[0] for m in members)
            t = sum(self.basis.get(m, [0, 0])[1] for m in members)
            parts.append(f"{g}={c / t:.2f} ({t})" if t else f"{g}=- (0)")
        return "programme right by basis: " + " ".join(parts)

    def summary(self) -> str:
        acc = " ".join(f"{n}={self.accuracy(n):.2f}" for n in ATTRIBUTION_FIELDS)
        return (f"P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                f"(matched {self.matched}, gold {self.n_gold}, predicted {self.n_pred}) {acc} "
                f"strict={self.strict:.2f} traps violated={len(self.trap_violations)}")


def _quote_of(pred: dict, article_texts: dict | None) -> str:
    quote = pred.get("quote") or ""
    if not quote and article_texts:
        text = article_texts.get(pred.get("article_id"), "")
        start, end = pred.get("span_start"), pred.get("span_end")
        if text and start is not None and end is not None:
            quote = text[max(0, start - 30): end + 30]
    return _norm_gold(quote)  # (simplified too: an extractor that quotes traditional text still matches)


def score(predicted_facts: list[dict], gold: dict, article_texts: dict | None = None) -> Scores:
    """Score one report's predicted facts (dicts with Fact's fields) against its gold annotation.

    ``article_texts`` (article_id → text) is only used for predicted facts whose ``quote`` is
    empty: a window around ``span_start:span_end`` stands in for the quote.

    >>> g = {"source_file": "x", "facts": [{"near": "设置2个", "value": 2, "unit": "个", "league": "赤峰市"}]}
    >>> s = score([{"value": 2.0, "unit": "个", "quote": "乡级设置2个窗口", "league": "赤峰市"}], g)
    >>> (s.precision, s.recall, s.accuracy("league"))
    (1.0, 1.0, 1.0)
    """
    preds = [dict(p) for p in predicted_facts]
    quotes = [_quote_of(p, article_texts) for p in preds]
    used = [False] * len(preds)
    s = Scores(files=[gold.get("source_file", "")])
    s.n_gold = len(gold.get("facts", []))
    s.n_pred = len(preds)
    for g in gold.get("facts", []):
        near = _norm_gold(g["near"])
        hit = None
        for i, p in enumerate(preds):
            if used[i] or _str(p.get("unit")) != _str(g.get("unit")):
                continue
            if not _same_value(p.get("value"), g.get("value")):
                continue
            if near and near not in quotes[i]:
                continue
            hit = i
            break
        if hit is None:
            s.missed.append(g)
            continue
        used[hit] = True
        s.matched += 1
        p = preds[hit]
        for name in ATTRIBUTION_FIELDS:
            if name not in g:
                continue
            s.attribution[name][1] += 1
            if _str(p.get(name)) == _gold_value(g, name):
                s.attribution[name][0] += 1
            else:
                s.mismatches.append((name, g, p))
        s.strict_ok += all(_str(p.get(n)) == _gold_value(g, n) for n in STRICT_FIELDS if n in g)
        if "initiative" in g:
            b = s.basis.setdefault(_str(p.get("initiative_basis")), [0, 0])
            b[0] += _str(p.get("initiative")) == _gold_value(g, "initiative")
            b[1] += 1
    dup_snippets = [_norm_gold(d) for d in gold.get("duplicates", [])]
    traps = [(t, _norm_gold(t), parse_numerals(t)) for t in gold.get("traps", [])]
    for i, p in enumerate(preds):
        if used[i]:
            continue
        s.spurious.append(p)
        if any(d and d in quotes[i] for d in dup_snippets):
            s.duplicates.append(p)
        for raw, t, values in traps:
            if t and t in quotes[i] and any(_same_value(abs(float(p.get("value") or 0)), v) for v in values):
                s.trap_violations.append((raw, p))
    return s


def score_corpus(results: list[tuple[list[dict], dict]] | list[Scores],
                 article_texts: dict | None = None) -> Scores:
    """Micro-average: pool the counts of several reports.

    Takes either ready ``Scores`` or ``(predicted_facts, gold)`` pairs.

    >>> g = {"source_file": "a", "facts": [{"near": "2个", "value": 2, "unit": "个"}]}
    >>> total = score_corpus([([], g), ([{"value": 2, "unit": "个", "quote": "有2个"}], g)])
    >>> (total.matched, total.n_gold, total.n_pred)
    (1, 2, 1)
    """
    total = Scores()
    for item in results:
        total.add(item if isinstance(item, Scores) else score(item[0], item[1], article_texts))
    return total


# --------------------------------------------------------------------------- gold files and pipeline
def load_gold(split: str | None = None, gold_dir: Path | None = None) -> list[dict]:
    """All gold annotations (optionally of one split: seed, tuning, heldout), sorted by file.

    ``gold_dir`` scores a batch kept outside the repository (report and gold side by side there).
    """
    out = []
    for path in sorted((gold_dir or GOLD_DIR).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if split is None or gold.get("split") == split:
            if gold_dir is not None:
                gold["_dir"] = str(gold_dir)
            out.append(gold)
    return out


def report_path(source_file: str, extra_dir: str | None = None) -> Path:
    """Where the report a gold file annotates lives (data/raw or tests/fixtures/genre)."""
    for d in ((Path(extra_dir),) if extra_dir else ()) + REPORT_DIRS:
        p = d / source_file
        if p.exists():
            return p
    raise FileNotFoundError(source_file)


def run_pipeline(source_file: str, extra_dir: str | None = None) -> tuple[list[dict], dict]:
    """Read one report with the real ETL; return (facts as dicts, article_id → article text)."""
    from etl.pipeline import extract_document  # noqa: PLC0415
    from etl.sources import read_document  # noqa: PLC0415

    path = report_path(source_file, extra_dir)
    doc = read_document(path, path.parent, None)
    articles, facts = extract_document(doc)
    return ([dataclasses.asdict(f) for f in facts],
            {a.article_id: a.text for a in articles})


def score_file(gold: dict) -> Scores:
    facts, texts = run_pipeline(gold["source_file"], gold.get("_dir"))
    return score(facts, gold, texts)


def _fmt_fact(f: dict) -> str:
    where = "/".join(x for x in (_str(f.get("league")), _str(f.get("banner")), _str(f.get("township"))) if x)
    q = _str(f.get("qualifier"))
    tag = f.get("near") or _norm(f.get("quote"))[:40]
    return (f"{f.get('value')} {_str(f.get('unit'))}{'/' + _str(f.get('per')) if f.get('per') else ''}"
            f"{' ' + q if q and q != 'exact' else ''} [{where or '-'}] {{{_str(f.get('initiative'))}}} «{tag}»")


def report(prefixes: list[str] | None = None, verbose: bool = False, out=sys.stdout,
           gold_dir: Path | None = None, show_heldout: bool = False) -> dict[str, Scores]:
    """Run the pipeline over the gold reports and print a per-file table plus split totals.

    Misses, spurious facts and wrong fields are listed for tuning files only: held-out files show
    their scores, never their misses (``show_heldout`` overrides, for the record after a session).
    """
    by_split: dict[str, Scores] = {}
    results: dict[str, Scores] = {}
    print(f"{'file':34} {'split':8} {'P':>5} {'R':>5} {'F1':>5} {'lea':>5} {'ban':>5} {'ini':>5} "
          f"{'qua':>5} {'per':>5} {'ind':>5} {'str':>5} traps", file=out)
    for gold in load_gold(gold_dir=gold_dir):
        name = gold["source_file"]
        if prefixes and not any(name.startswith(p) for p in prefixes):
            continue
        try:
            s = score_file(gold)
        except Exception as exc:  # noqa: BLE001  (a tuning tool: show the error and go on)
            print(f"{name:34} ERROR {type(exc).__name__}: {exc}", file=out)
            continue
        results[name] = s
        by_split.setdefault(gold.get("split", "?"), Scores()).add(s)
        acc = " ".join(f"{s.accuracy(n):5.2f}" for n in ATTRIBUTION_FIELDS)
        print(f"{name:34} {gold.get('split', '?'):8} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} {acc} "
              f"{s.strict:5.2f} {len(s.trap_violations)}", file=out)
        if gold.get("split") == "heldout" and not show_heldout:
            continue
        for g in s.missed:
            print(f"    MISSED   {_fmt_fact(g)}", file=out)
        for p in s.spurious:
            dup = " (headline duplicate)" if p in s.duplicates else ""
            print(f"    SPURIOUS {_fmt_fact(p)}{dup}", file=out)
        for trap, p in s.trap_violations:
            print(f"    TRAP     {trap!r} → {p.get('value')} {_str(p.get('unit'))}", file=out)
        if verbose:
            for name_, g, p in s.mismatches:
                print(f"    WRONG {name_:10} gold={_str(g.get(name_))!r} got={_str(p.get(name_))!r} «{g['near']}»",
                      file=out)
    for split, s in sorted(by_split.items()):
        print(f"TOTAL {split:8} {s.summary()}", file=out)
    for split, s in sorted(by_split.items()):
        print(f"BASIS {split:8} {s.basis_summary()}", file=out)
    return results


def main(argv: list[str] | None = None) -> int:
    """python -m tests.scoring [-v] [--dir FOLDER] [--show-heldout] [prefix…]"""
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    show_heldout = "--show-heldout" in args
    gold_dir = None
    if "--dir" in args:
        i = args.index("--dir")
        gold_dir = Path(args[i + 1]).resolve()
        del args[i:i + 2]
    prefixes = [a for a in args if a not in ("-v", "--show-heldout")]
    report(prefixes or None, verbose=verbose, gold_dir=gold_dir, show_heldout=show_heldout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
