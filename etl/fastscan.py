"""``pattern.finditer(text)`` for patterns that Python's ``re`` scans slowly, with the same matches (pure).

``re`` skips ahead to where a match can start only when every alternative of a pattern starts
with a plain character; a pattern whose alternatives start with a group, an optional part or a
lookbehind (``(?:该|全|…)(旗|…)|…|(?<![\u4e00-\u9fff])街道…``) is tried at every position of the
text, in C but slowly (etl.regions.ANAPHOR took 90 µs per article). :func:`scanner` reads the
pattern once, collects the characters a match can start with, and returns a function that finds
those characters with a one-class pattern (which ``re`` does skip to) and tries the pattern only
there. The matches are the ones ``finditer`` gives: the same spans and groups, found in the same
order, with lookbehinds seeing the whole text (``pattern.match(text, pos)`` does).

When the first characters cannot be told (a pattern that can match the empty string, starts
with ``.``, a negated class, ``\\d``, ignores case, or a ``re`` whose parser this module does not
know), the scanner is ``pattern.finditer`` itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

Scanner = Callable[[str], Iterator[re.Match]]


def _first(items: list, c) -> tuple[list[str], bool] | None:  # noqa: ANN001  (c: re._constants)
    """(pieces of a character class of the first characters, whether the items can match "")."""
    pieces: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            pieces.append(re.escape(chr(av)))
            return pieces, False
        if op is c.IN:
            for iop, iav in av:
                if iop is c.LITERAL:
                    pieces.append(re.escape(chr(iav)))
                elif iop is c.RANGE:
                    pieces.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
                else:  # a negated class, \d, \w…
                    return None
            return pieces, False
        if op is c.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & re.IGNORECASE:
                return None
            got = _first(sub.data, c)
            if got is None:
                return None
            pieces += got[0]
            if not got[1]:
                return pieces, False
            continue
        if op is c.BRANCH:
            empty = False
            for branch in av[1]:
                got = _first(branch.data, c)
                if got is None:
                    return None
                pieces += got[0]
                empty = empty or got[1]
            if not empty:
                return pieces, False
            continue
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _high, sub = av
            got = _first(sub.data, c)
            if got is None:
                return None
            pieces += got[0]
            if low > 0 and not got[1]:
                return pieces, False
            continue
        if op in (c.ASSERT, c.ASSERT_NOT, c.AT):  # lookarounds and anchors consume nothing
            continue
        return None
    return pieces, True


def first_characters(pattern: re.Pattern) -> re.Pattern | None:
    """A one-class pattern of the characters a match of ``pattern`` can start with (None: unknown)."""
    if not isinstance(pattern.pattern, str) or pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants as c, _parser as parser  # noqa: PLC0415  (CPython 3.11+)

        got = _first(parser.parse(pattern.pattern, pattern.flags).data, c)
    except Exception:  # noqa: BLE001  another Python's re: scan as re does
        return None
    if got is None or got[1] or not got[0]:
        return None
    return re.compile("[" + "".join(dict.fromkeys(got[0])) + "]")


def scanner(pattern: re.Pattern) -> Scanner:
    """A function text → the matches of ``pattern.finditer(text)``, found faster when it can."""
    starts = first_characters(pattern)
    if starts is None:
        return pattern.finditer
    search, match = starts.search, pattern.match

    def scan(text: str) -> Iterator[re.Match]:
        pos = 0
        while True:
            s = search(text, pos)
            if s is None:
                return
            p = s.start()
            m = match(text, p)
            if m is None:
                pos = p + 1
                continue
            yield m
            pos = m.end() if m.end() > p else p + 1

    return scan
