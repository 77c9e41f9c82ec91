"""Text from the framework made safe for a terminal: the one escaping function for that target.

File names, ids, titles and messages can hold anything a YAML or bib file
holds: escape sequences that recolour, erase or retitle a terminal, a bare
carriage return that overwrites the start of a line, a line break that
forges a line ("0 error(s)"), bidirectional controls that show text in
another order than it is stored, zero-width characters that hide a
difference. :func:`for_terminal` shows each of them as a visible escape
(``\\x1b``, ``\\r``, ``\\u202e``), so what is printed is what is stored.

Every human-readable output of the CLI goes through it (problems, ``show``,
``list``, ``search``, ``related``, ``path``, ``add``, errors); JSON output does
not need it (JSON escapes what it must, and a program reads it).
"""

from __future__ import annotations

import unicodedata

#: Characters that end a line somewhere: in a one-line field each is a line break.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

#: Zero-width characters and bidirectional controls (the ``invisible-character`` warning).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"  # zero-width space, non-joiner, joiner, word joiner, BOM, Mongolian vowel separator, soft hyphen
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right / right-to-left mark
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # isolates
)

#: Unicode categories escaped: controls, format characters, line and paragraph separators, surrogates.
_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


def _escape(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    n = ord(ch)
    if n < 0x100:
        return f"\\x{n:02x}"
    if n < 0x10000:
        return f"\\u{n:04x}"
    return f"\\U{n:08x}"


def for_terminal(text, *, one_line: bool = True) -> str:
    """``text`` with every control, invisible and bidi character shown as an escape.

    ``one_line=True`` (a file name, an id, a title, a message) escapes line
    breaks too; ``one_line=False`` (a block of output) keeps ``\\n`` and tabs.

    >>> for_terminal("ok \\x1b[2J\\rgone")
    'ok \\\\x1b[2J\\\\rgone'
    >>> for_terminal("a\\nb", one_line=False), for_terminal("a\\nb")
    ('a\\nb', 'a\\\\nb')
    >>> for_terminal("admin\\u202eexe.yaml")
    'admin\\\\u202eexe.yaml'
    >>> for_terminal("Café – naïve")  # printable text is unchanged
    'Café – naïve'
    """
    text = str(text)
    if text.isprintable():  # the common case, at C speed
        return text
    out = []
    for ch in text:
        if ch.isprintable() or (not one_line and ch in "\n\t"):
            out.append(ch)
        elif ch in INVISIBLE or ch in LINE_BREAKS or unicodedata.category(ch) in _ESCAPED_CATEGORIES:
            out.append(_escape(ch))
        else:  # e.g. a no-break space: not printable by Python's measure, but harmless
            out.append(ch)
    return "".join(out)


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """``(position, character)`` of each zero-width or bidi character in ``text`` (1-based).

    >>> invisible_characters("ab\\u200bc")
    [(3, '\\u200b')]
    """
    if text.isprintable():  # no format character at all
        return []
    return [(i, ch) for i, ch in enumerate(text, 1) if ch in INVISIBLE]


def describe(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an unnamed character')}"
