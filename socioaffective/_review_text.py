"""Text helpers of the design review, shared with its JavaScript port.

:func:`escape_md` is the review's one Markdown escaper: it is
:func:`socioaffective.render.myst.text` (every ASCII punctuation character
backslash-escaped, line breaks and control characters made spaces), which
CommonMark reads as the same characters. ``review.js`` implements the same rule.
"""

from __future__ import annotations

import re
import string

from .render.myst import text as escape_md

BADGE_NOTE = "Everything about design features is editorial (our application of the framework), never the paper's claim. Grades:"
_UNESCAPE = re.compile("\\\\([" + re.escape(string.punctuation) + "])")


def unescape_md(md: str) -> str:
    r"""Undo :func:`escape_md` for terminal output (``\*`` -> ``*``).

    >>> unescape_md(escape_md("a *b* (c)"))
    'a *b* (c)'
    """
    return _UNESCAPE.sub(r"\1", md)


__all__ = ["BADGE_NOTE", "escape_md", "unescape_md"]
