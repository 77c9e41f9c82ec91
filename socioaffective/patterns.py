"""Refuse regular expressions from YAML that could backtrack for ever.

``schema.yaml`` declares the ``id_pattern`` every id must match. Python's
``re`` backtracks, so a pattern such as ``^(a+)+$`` takes exponential time on
an id like ``aaaa…b``: a hostile or careless schema could stall ``validate``,
``add`` and the book. :func:`pattern_problem` reads the pattern's structure
(with the parser of the ``re`` module) and refuses, before it is ever used:

- a quantifier (``*``, ``+``, ``?``, ``{m,n}``) over a part that can itself
  match texts of different lengths, unless every repetition starts (or ends)
  with a character that the variable part cannot consume, as the ``-`` in
  ``(-[a-z0-9]+)*``;
- two quantified parts that can consume the same characters with nothing
  between them that they cannot consume (``[a-z]*[a-z0-9]*``, ``\\w+\\w+``);
- an alternation inside a quantifier whose branches can start with the same
  character (``(a|ab)*``);
- back-references and conditional groups, and patterns over 1,000 characters.

The analysis is conservative: it may refuse a pattern that would in fact be
fast (``(ab|ac)*``), never the other way round for the cases above. Ids are
also capped in length (:data:`socioaffective.schema.MAX_ID_LENGTH`) before the
pattern is tried, so the polynomial cases left are bounded too.

>>> pattern_problem(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
''
>>> pattern_problem(r"^(a+)+$")
'a quantifier repeats a part that can match texts of different lengths (nested quantifiers)'
>>> pattern_problem(r"^[a-z]*[a-z0-9]*$")
'two quantifiers can consume the same characters one after the other'
"""

from __future__ import annotations

import re
import string
import warnings
from dataclasses import dataclass

try:  # Python 3.11+
    from re import _constants as C  # type: ignore[attr-defined]  # re's own parser: private, not in the stubs
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C
    import sre_parse as P

__all__ = ["MAX_PATTERN_LENGTH", "pattern_problem"]

MAX_PATTERN_LENGTH = 1000
_NON_ASCII = 128  # one symbol stands for every non-ASCII character
_ALL = frozenset(range(129))
_ASCII = frozenset(range(128))


def _chars(s: str) -> frozenset:
    return frozenset(ord(c) for c in s)


_CATEGORIES = {
    C.CATEGORY_DIGIT: _chars(string.digits) | {_NON_ASCII},
    C.CATEGORY_WORD: _chars(string.ascii_letters + string.digits + "_") | {_NON_ASCII},
    C.CATEGORY_SPACE: _chars(" \t\n\r\f\v") | {_NON_ASCII},
}
_CATEGORIES[C.CATEGORY_NOT_DIGIT] = (_ASCII - _CATEGORIES[C.CATEGORY_DIGIT]) | {_NON_ASCII}
_CATEGORIES[C.CATEGORY_NOT_WORD] = (_ASCII - _CATEGORIES[C.CATEGORY_WORD]) | {_NON_ASCII}
_CATEGORIES[C.CATEGORY_NOT_SPACE] = (_ASCII - _CATEGORIES[C.CATEGORY_SPACE]) | {_NON_ASCII}
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT} | ({C.POSSESSIVE_REPEAT} if hasattr(C, "POSSESSIVE_REPEAT") else set())
_ZERO_WIDTH = {C.AT}


class _Unsafe(Exception):
    pass


@dataclass
class _Part:
    chars: frozenset  # every character it may consume
    first: frozenset  # the characters it may start with
    nullable: bool  # it may match the empty text
    variable: bool  # it may match texts of different lengths (or in several ways)
    width: int  # its length when not variable
    last: frozenset = frozenset()  # the characters it may end with
    ambiguous: bool = False  # two of its alternatives may match the same text
    determined: bool = False  # its first character decides how much it takes (`(a|%[0-9])`)


def _set(code: int, fold: bool) -> frozenset:
    out = {code} if code < 128 else {_NON_ASCII}
    if fold and code < 128 and chr(code).isalpha():
        out |= {ord(chr(code).lower()), ord(chr(code).upper())}
    return frozenset(out)


def _in(items, fold: bool) -> frozenset:
    out: set = set()
    negate = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            out |= _set(av, fold)
        elif op is C.RANGE:
            lo, hi = av
            for c in range(lo, min(hi, 127) + 1):
                out |= _set(c, fold)
            if hi >= 128:
                out.add(_NON_ASCII)
        elif op is C.CATEGORY:
            out |= _CATEGORIES.get(av, _ALL)
        else:
            out |= _ALL
    return frozenset((_ASCII - out) | {_NON_ASCII}) if negate else frozenset(out)


def _seq(items, fold: bool) -> _Part:
    """Summarise a sequence, refusing adjacent quantifiers over shared characters."""
    # The characters a quantified part since the last barrier may end with: the
    # next quantified part must not be able to start with one of them.
    pending: frozenset = frozenset()
    chars: frozenset = frozenset()
    first: frozenset = frozenset()
    last: frozenset = frozenset()
    nullable, variable, width, ambiguous = True, False, 0, False
    parts = 0
    determined = False
    for op, av in items:
        part = _item(op, av, fold)
        if part is None:  # zero width
            continue
        parts += 1
        determined = part.determined
        if part.variable:
            if part.first & pending:
                raise _Unsafe("two quantifiers can consume the same characters one after the other")
            pending = (pending | part.last) if part.nullable else part.last
        elif not part.nullable and not (part.first & pending):
            pending = frozenset()
        elif pending:
            pending = pending | part.chars
        if nullable:
            first = first | part.first
        last = (last | part.last) if part.nullable else part.last
        chars = chars | part.chars
        nullable = nullable and part.nullable
        variable = variable or part.variable
        ambiguous = ambiguous or part.ambiguous
        width += part.width
    return _Part(chars, first, nullable, variable, 0 if variable else width, last, ambiguous, parts == 1 and determined)


def _barrier(items, fold: bool, inner: frozenset) -> bool:
    """True if ``items`` starts or ends with a fixed part disjoint from ``inner``."""
    real = [(op, av) for op, av in _flat(items) if op not in _ZERO_WIDTH and op not in (C.ASSERT, C.ASSERT_NOT)]
    for op, av in real[:1] + real[-1:]:
        part = _item(op, av, fold)
        if part is not None and not part.variable and not part.nullable and not (part.first & inner):
            return True
    return False


def _variable_chars(items, fold: bool) -> frozenset:
    out: frozenset = frozenset()
    for op, av in _flat(items):
        part = _item(op, av, fold)
        if part is not None and part.variable:
            out = out | part.chars
    return out


def _flat(items):
    """``items`` with plain groups opened up."""
    for op, av in items:
        if op is C.SUBPATTERN:
            yield from _flat(av[-1])
        else:
            yield op, av


def _item(op, av, fold: bool) -> _Part | None:
    if op is C.LITERAL or op is C.NOT_LITERAL:
        s = _set(av, fold) if op is C.LITERAL else frozenset((_ASCII - _set(av, fold)) | {_NON_ASCII})
        return _Part(s, s, False, False, 1, s)
    if op is C.ANY:
        return _Part(_ALL, _ALL, False, False, 1, _ALL)
    if op is C.IN:
        s = _in(av, fold)
        return _Part(s, s, False, False, 1, s)
    if op is C.CATEGORY:
        s = _CATEGORIES.get(av, _ALL)
        return _Part(s, s, False, False, 1, s)
    if op in _ZERO_WIDTH:
        return None
    if op in (C.ASSERT, C.ASSERT_NOT):
        _seq(av[1], fold)  # checked on its own; takes no width
        return None
    if op is C.SUBPATTERN:
        sub = av[-1]
        add_flags = av[1] if len(av) == 4 else 0
        return _seq(sub, fold or bool(add_flags & re.IGNORECASE))
    if hasattr(C, "ATOMIC_GROUP") and op is C.ATOMIC_GROUP:
        return _seq(av, fold)
    if op is C.BRANCH:
        branches = [_seq(b, fold) for b in av[1]]
        seen: frozenset = frozenset()
        overlap = sum(1 for b in branches if b.nullable) > 1 or any(b.ambiguous for b in branches)
        for b in branches:
            overlap = overlap or bool(b.first & seen)
            seen = seen | b.first
        widths = {b.width for b in branches}
        variable = overlap or any(b.variable for b in branches) or len(widths) > 1
        chars = frozenset().union(*(b.chars for b in branches))
        last = frozenset().union(*(b.last for b in branches))
        determined = not overlap and not any(b.variable or b.nullable for b in branches)
        return _Part(chars, seen, any(b.nullable for b in branches), variable, 0 if variable else widths.pop(), last, overlap, determined)
    if op in _REPEATS:
        lo, hi, sub = av
        body = _seq(sub, fold)
        if hi != 1 and body.ambiguous:
            raise _Unsafe("a quantifier repeats an alternation whose branches can start alike or differ in length")
        if hi != 1 and body.variable and not body.determined and (body.nullable or not _barrier(sub, fold, _variable_chars(sub, fold))):
            if any(o is C.BRANCH for o, _ in _flat(sub)):
                raise _Unsafe("a quantifier repeats an alternation whose branches can start alike or differ in length")
            raise _Unsafe("a quantifier repeats a part that can match texts of different lengths (nested quantifiers)")
        variable = lo != hi or body.variable
        return _Part(body.chars, body.first, lo == 0 or body.nullable, variable, 0 if variable else lo * body.width, body.last, body.ambiguous)
    if op in (C.GROUPREF, C.GROUPREF_EXISTS) or getattr(C, "GROUPREF_IGNORE", None) is op:
        raise _Unsafe("back-references and conditional groups are not allowed")
    raise _Unsafe(f"the construct `{op}` is not supported")


def pattern_problem(pattern) -> str:
    """Why ``pattern`` may not guard ids ("" if it may); see the module's text."""
    if not isinstance(pattern, str):
        return "it must be text (a quoted regular expression)"
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"it is longer than {MAX_PATTERN_LENGTH:,} characters"
    try:
        with warnings.catch_warnings():  # e.g. FutureWarning "possible nested set": not the reader's concern here
            warnings.simplefilter("ignore")
            compiled = re.compile(pattern)
            parsed = P.parse(pattern, compiled.flags)
    except (re.error, OverflowError, RecursionError) as exc:
        return f"it is not a valid regular expression: {exc}"
    try:
        _seq(list(parsed), bool(compiled.flags & re.IGNORECASE))
    except _Unsafe as exc:
        return str(exc)
    except RecursionError:
        return "it is nested too deeply"
    return ""
