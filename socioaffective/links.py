"""Values that become links: the field types ``doi``, ``arxiv`` and ``url``.

Declared once, here: the pattern a value of each type must match (the whole
value, ASCII only), the schemes a ``url`` may use, the address a value links
to, and :func:`quote`, the one percent-encoding function for every URL the
project writes (MyST link destinations, HTML ``href`` attributes). The
validator (``bad-value``), the renderers and the editor's JSON Schema all read
this module, so a value that validates is exactly a value that is linked.

Every pattern is linear: no quantifier is nested in, or next to, another one
over the same characters, so a long hostile value is rejected in linear time.

>>> href("doi", "10.1057/s41599-025-04532-5")
'https://doi.org/10.1057/s41599-025-04532-5'
>>> href("doi", "10.1234/x)![t](http://host/pixel.png)") is None
True
>>> quote("https://example.org/a b/(c)?q=<x>")
'https://example.org/a%20b/%28c%29?q=%3Cx%3E'
"""

from __future__ import annotations

import re
import string

__all__ = ["LINK_TYPES", "NAMES", "PATTERNS", "URL_SCHEMES", "example", "href", "label", "problem", "quote", "safe_url"]

#: The only schemes a ``url`` value (or any link we write) may use.
URL_SCHEMES = ("http", "https")

_HOST = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]"
#: Each link type's pattern, for :func:`re.fullmatch` (and, anchored, for JSON Schema).
PATTERNS: dict[str, str] = {
    # Crossref's recommended DOI pattern (it matches nearly every DOI registered).
    "doi": r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+",
    # arXiv identifiers: 2502.02528, 2502.02528v2, hep-th/9901001, math.GT/0309136v1.
    "arxiv": r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})(?:v[0-9]+)?",
    # An absolute http(s) address: host, optional port, then RFC 3986 characters
    # with every `%` starting an escape. No user name, no spaces, no quotes.
    "url": r"(?:" + "|".join(URL_SCHEMES) + r")://" + _HOST + r"(?::[0-9]{1,5})?(?:[/?#](?:" + _URL_CHARS + r"|%[0-9A-Fa-f]{2})*)?",
}
#: The field types whose values become links.
LINK_TYPES = tuple(PATTERNS)
_COMPILED = {t: re.compile(p) for t, p in PATTERNS.items()}
_PREFIX = {"doi": "https://doi.org/", "arxiv": "https://arxiv.org/abs/", "url": ""}
_LABEL = {"doi": "{}", "arxiv": "arXiv:{}", "url": "{}"}
#: What a value of each type is called in messages.
NAMES = {"doi": "DOI", "arxiv": "arXiv identifier", "url": "http(s) address"}
_EXAMPLE = {"doi": "10.1057/s41599-025-04532-5", "arxiv": "2502.02528", "url": "https://example.org/page"}
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]{0,30}):")

# What a written URL keeps as is: letters, digits and the RFC 3986 characters
# that mean nothing to Markdown or HTML. Everything else is percent-encoded,
# including ( ) < > [ ] ' " ` \ and spaces, which could close a link.
_KEEP = frozenset((string.ascii_letters + string.digits + "-._~:/?#@!$&*+,;=").encode())
_HEX = frozenset(b"0123456789abcdefABCDEF")


def quote(url: str) -> str:
    """Percent-encode ``url`` for a link destination or an ``href``.

    Characters outside the safe set are UTF-8 percent-encoded; a ``%`` that
    already starts an escape is kept, any other ``%`` becomes ``%25``. The
    result holds only ASCII letters, digits and ``-._~:/?#@!$&*+,;=%``.

    >>> quote("https://doi.org/10.1002/(SICI)x"), quote("50%"), quote("%41"), quote("é")
    ('https://doi.org/10.1002/%28SICI%29x', '50%25', '%41', '%C3%A9')
    """
    raw = str(url).encode("utf-8", "surrogatepass")
    out = []
    n = len(raw)
    for i, b in enumerate(raw):
        if b in _KEEP:
            out.append(chr(b))
        elif b == 0x25 and i + 2 < n and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
            out.append("%")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def problem(ftype: str, value: str) -> str:
    """Why ``value`` is not a valid ``ftype`` value ("" when it is).

    >>> problem("url", "javascript:alert(1)")
    'the scheme `javascript:` is not allowed (only http, https)'
    >>> problem("doi", "https://doi.org/10.1/x")
    'write the DOI alone, without `https://doi.org/` or `doi:`'
    """
    if _COMPILED[ftype].fullmatch(value):
        return ""
    if ftype == "url":
        m = _SCHEME.match(value)
        if not m:
            return "it does not start with `https://` or `http://`"
        scheme = m.group(1)
        if scheme not in URL_SCHEMES:
            case = ", in lowercase" if scheme.lower() in URL_SCHEMES else ""
            return f"the scheme `{scheme}:` is not allowed (only {', '.join(URL_SCHEMES)}{case})"
        bad = _first_bad(value, re.compile(_URL_CHARS + "|%"))
        if bad:
            return f"it contains {bad}, which a URL must percent-encode"
        return "it is not an absolute address with a host name (`https://host/path`)"
    if ftype == "doi":
        if re.match(r"(?i)(?:https?://(?:dx\.)?doi\.org/|doi:)", value):
            return "write the DOI alone, without `https://doi.org/` or `doi:`"
        bad = _first_bad(value, re.compile(r"[-._;()/:A-Za-z0-9]"))
        if bad:
            return f"it contains {bad}, which a DOI may not hold"
        return "a DOI is `10.`, four to nine digits, `/` and a suffix"
    if re.match(r"(?i)(?:https?://arxiv\.org/|arxiv:)", value):
        return "write the arXiv identifier alone, without the address or `arXiv:`"
    return "an arXiv identifier looks like `2502.02528` (or `hep-th/9901001`), with an optional version `v2`"


def _first_bad(value: str, ok: re.Pattern) -> str:
    for ch in value:
        if not ok.fullmatch(ch):
            return "a space" if ch == " " else f"the character {ch!r}" if ch.isprintable() else f"the invisible character U+{ord(ch):04X}"
    return ""


def example(ftype: str) -> str:
    """A valid value of ``ftype``, for hints."""
    return _EXAMPLE[ftype]


def href(ftype: str, value) -> str | None:
    """The percent-encoded address a valid ``ftype`` value links to, or ``None``.

    >>> href("arxiv", "2502.02528"), href("url", "https://x.org/?a=1&b=(2)"), href("url", "ftp://x")
    ('https://arxiv.org/abs/2502.02528', 'https://x.org/?a=1&b=%282%29', None)
    """
    if ftype not in _COMPILED or not isinstance(value, str) or not _COMPILED[ftype].fullmatch(value):
        return None
    return quote(_PREFIX[ftype] + value)


def label(ftype: str, value: str) -> str:
    """How a link of ``ftype`` reads (plain text, to be escaped by the caller)."""
    return _LABEL.get(ftype, "{}").format(value)


def safe_url(url) -> str | None:
    """``url`` percent-encoded if it is an absolute address with an allowed scheme, else ``None``.

    >>> safe_url("https://a.org/x y"), safe_url("javascript:alert(1)"), safe_url("//evil.org/")
    ('https://a.org/x%20y', None, None)
    """
    if not isinstance(url, str):
        return None
    m = _SCHEME.match(url)
    if not m or m.group(1).lower() not in URL_SCHEMES or not url[m.end() :].startswith("//"):
        return None
    return quote(url)
