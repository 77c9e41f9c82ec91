"""Escape untrusted text for MyST Markdown, and build the few safe constructs we emit.

Every piece of framework or bib text that reaches a MyST page goes through
:func:`text` (inline) or :func:`paragraphs` (block). Both backslash-escape every
ASCII punctuation character, which CommonMark allows for any of them, so the
text can never open raw HTML, a role, a directive, a link, emphasis, a table
cell, a heading or a substitution: it comes out as exactly the same characters,
as text.

Ids, kinds and grades are put into roles only when they match :data:`SAFE_NAME`;
anything else is written as escaped text instead (see :func:`ref`). The only
links written are links (:func:`link`) to http(s) addresses, percent-encoded by
:func:`socioaffective.links.quote`.

>>> print(text("<script>alert(1)</script>"))
\\<script\\>alert\\(1\\)\\<\\/script\\>
"""

from __future__ import annotations

import re
import string

from .. import links

__all__ = [
    "SAFE_NAME",
    "SAFE_LOCATOR",
    "cite",
    "is_safe_name",
    "link",
    "paragraphs",
    "ref",
    "role",
    "text",
]

#: Names we are willing to put inside a role or a label: ids, kinds, grades, bib keys.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:+-]*")  # whole string: fullmatch
#: Locators that may go into sphinxcontrib-bibtex's ``{post-text}``.
SAFE_LOCATOR = re.compile(r"[\w .,;:§–—()/-]+")  # whole string: fullmatch

_PUNCT = frozenset(string.punctuation)
# Characters that end a line for Markdown or could be read as one by a browser.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def is_safe_name(name: str) -> bool:
    """True if ``name`` may appear inside a role or a label unescaped.

    >>> is_safe_name("present-vs-future-self"), is_safe_name("x`y"), is_safe_name(""), is_safe_name("x\\n")
    (True, False, False, False)
    """
    return isinstance(name, str) and bool(SAFE_NAME.fullmatch(name))


def _escape_chars(s: str) -> str:
    return "".join("\\" + c if c in _PUNCT else c for c in s)


def text(value) -> str:
    """Escape one line of untrusted text for inline MyST.

    Line breaks and control characters become spaces, runs of blanks collapse
    to one space, and every ASCII punctuation character is backslash-escaped.

    >>> text("a *b* [c](d)")
    'a \\\\*b\\\\* \\\\[c\\\\]\\\\(d\\\\)'
    >>> text("two\\nlines")
    'two lines'
    """
    s = "" if value is None else str(value)
    s = _CONTROL.sub(" ", _LINE_BREAKS.sub(" ", s))
    s = re.sub(r"[ \t]+", " ", s).strip()
    return _escape_chars(s)


def paragraphs(value) -> str:
    """Escape untrusted text that may hold several paragraphs (blank-line separated).

    Each paragraph is flattened to one escaped line; paragraphs stay separated
    by a blank line, so block syntax (lists, headings, fences, tables) can
    never start.

    >>> paragraphs("first\\n\\n# second")
    'first\\n\\n\\\\# second'
    """
    s = "" if value is None else str(value)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    out = [text(p) for p in re.split(r"\n[ \t]*\n", s)]
    return "\n\n".join(p for p in out if p)


def role(name: str, content: str) -> str:
    """A role whose content is a safe name, e.g. ``{ref}`entry-x```.

    Raises ``ValueError`` for content that is not a safe name: callers decide
    what to write instead.
    """
    if not is_safe_name(content):
        raise ValueError(f"unsafe role content: {content!r}")
    return f"{{{name}}}`{content}`"


def ref(label: str, fallback: str = "") -> str:
    """A ``{ref}`` to ``label`` (its text is the target's title), or escaped fallback text.

    >>> ref("entry-autonomy")
    '{ref}`entry-autonomy`'
    >>> ref("entry-<x>", "X")
    'X'
    """
    if is_safe_name(label):
        return role("ref", label)
    return text(fallback or label)


def cite(key: str, locator: str = "", style: str = "p") -> str:
    """A sphinxcontrib-bibtex citation with its locator as post-text.

    A locator that could break the role syntax (braces, backticks, angle
    brackets ...) is written after the citation as escaped text instead.

    >>> cite("ryan2000self", "p. 68")
    '{cite:p}`ryan2000self{p. 68}`'
    >>> cite("ryan2000self", "p. {68}")
    '{cite:p}`ryan2000self`, p\\\\. \\\\{68\\\\}'
    """
    if not is_safe_name(key):
        return text(key)
    loc = " ".join(str(locator or "").split())
    if not loc:
        return f"{{cite:{style}}}`{key}`"
    if SAFE_LOCATOR.fullmatch(loc):
        return f"{{cite:{style}}}`{key}{{{loc}}}`"
    return f"{{cite:{style}}}`{key}`, {text(loc)}"


def link(label, url) -> str:
    """A link ``[label](url)`` to an http(s) address, or just the escaped label.

    The label is escaped by :func:`text`; the address is percent-encoded by
    :func:`socioaffective.links.quote` (so it holds no brackets, parentheses,
    quotes, spaces or backslashes) and its ``&`` are backslash-escaped, so an
    entity such as ``&amp;`` stays as written. An address with another scheme
    (``javascript:``, ``data:``, a relative path) gives the label alone.

    >>> link("x", "https://doi.org/10.1/a)![t](http://h/p.png")
    '[x](https://doi.org/10.1/a%29!%5Bt%5D%28http://h/p.png)'
    >>> link("x", "javascript:alert(1)"), link("[x]", "../secret.png")
    ('x', '\\\\[x\\\\]')
    """
    dest = links.safe_url(url)
    shown = text(label)
    if dest is None or not shown:
        return shown
    return f"[{shown}]({dest.replace('&', chr(92) + '&')})"
