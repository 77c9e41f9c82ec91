"""Hints for people who mistype: "did you mean" suggestions and short descriptions of values.

The one place where a close match is computed and phrased, so every message
(validator, loader, schema, knowledge base, exports, CLI) reads the same:
``did you mean `a` or `b`?``. Pure functions of the standard library; every
other module may import this one, and it imports none of them.

>>> did_you_mean("relatednes", ["relatedness", "autonomy"])
'did you mean `relatedness`?'
>>> did_you_mean("zzz", ["relatedness"])
''
"""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches

__all__ = ["CUTOFF", "close_matches", "did_you_mean", "phrase", "short", "slugify", "type_name"]

#: How alike a word and a choice must be (difflib's ratio) to be suggested.
CUTOFF = 0.6


def close_matches(word, choices, n: int = 2) -> list[str]:
    """The (at most ``n``) choices that look like ``word``, closest first.

    >>> close_matches("entires", ["entries", "kinds"], n=1)
    ['entries']
    """
    return get_close_matches(str(word), [str(c) for c in choices], n=n, cutoff=CUTOFF)


def phrase(matches) -> str:
    """``did you mean `a` or `b`?`` for a list of suggestions (``""`` for none).

    >>> phrase(["competence"]), phrase([])
    ('did you mean `competence`?', '')
    """
    matches = list(matches)
    return ("did you mean " + " or ".join(f"`{c}`" for c in matches) + "?") if matches else ""


def did_you_mean(word, choices, n: int = 2) -> str:
    """A "did you mean" hint for ``word`` among ``choices``, or ``""``.

    >>> did_you_mean("rsik", ["risk", "need"])
    'did you mean `risk`?'
    """
    return phrase(close_matches(word, choices, n=n))


def type_name(value) -> str:
    """What a YAML value is, in words a writer of YAML knows.

    >>> type_name({}), type_name([]), type_name(True), type_name(3), type_name(None), type_name("x")
    ('mapping', 'list', 'boolean', 'number', 'empty value', 'text')
    """
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "empty value"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def short(value, n: int = 40) -> str:
    """``value`` as text of at most ``n`` characters (cut with an ellipsis).

    >>> short("abcdef", 4)
    'abc…'
    """
    s = str(value)
    return s if len(s) <= n else s[: n - 1] + "…"


# Letters of other scripts that look like ASCII letters (Cyrillic, Greek).
_LOOKALIKES = str.maketrans(
    "\u0430\u0432\u0435\u043a\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u0456\u0458\u0455\u0501\u0261"
    "\u03b1\u03b2\u03b5\u03b9\u03ba\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7",
    "abekmhopctyxijsdgabeikvoptux",
)


def slugify(text: str) -> str:
    """A valid id suggestion for ``text`` (look-alike letters become ASCII).

    >>> slugify("Present vs. Future  Self")
    'present-vs-future-self'
    >>> slugify("gr\u043ewth")  # with a Cyrillic o
    'growth'
    >>> slugify("42")
    'entry-42'
    """
    text = unicodedata.normalize("NFKC", str(text)).lower().translate(_LOOKALIKES)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "entry"
    return slug if slug[0].isalpha() else f"entry-{slug}"
