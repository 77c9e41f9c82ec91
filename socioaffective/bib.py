"""Read ``references.bib`` with bibtexparser 2.x into reference entries."""

from __future__ import annotations

import logging
import re
import stat
import unicodedata
from pathlib import Path

from .model import Entry, Provenance
from .problems import Problem
from .schema import REFERENCE_KIND
from .yamlio import DEFAULT_MAX_BYTES

_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "c": "\u0327",
    "H": "\u030b",
    "k": "\u0328",
}
_SPECIAL = {"o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ss": "ß", "ae": "æ", "AE": "Æ", "l": "ł", "L": "Ł", "i": "ı", "oe": "œ", "OE": "Œ"}
_ACCENT_RE = re.compile(r"\\([\"'`^~=.]|[uvcHk](?![a-zA-Z]))\s*(?:\{\\?([a-zA-Z])\}|\\?([a-zA-Z]))")
_SPECIAL_RE = re.compile(r"\\(aa|AA|ss|ae|AE|oe|OE|o|O|l|L|i)(?![a-zA-Z])")


def latex_to_text(value: str) -> str:
    """Turn the LaTeX found in bib fields into plain Unicode text.

    >>> latex_to_text(r"R{\\"o}ttger and {AI} -- Ugur{\\u{g}}")
    'Röttger and AI – Ugurğ'
    """
    text = _ACCENT_RE.sub(lambda m: (m.group(2) or m.group(3)) + _ACCENTS[m.group(1)], value)
    text = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(1)], text)
    text = text.replace("---", "—").replace("--", "–").replace("\\&", "&").replace("~", " ")
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\s+", " ", text).strip()
    return unicodedata.normalize("NFC", text)


def format_authors(author_field: str, limit: int = 3) -> str:
    """``Last, F. and Other, G.`` -> ``Last, Other``, with *et al.* past ``limit``.

    >>> format_authors("Ryan, Richard M. and Deci, Edward L.")
    'Ryan & Deci'
    >>> format_authors("A, X and B, Y and C, Z and others")
    'A, B, C et al.'
    """
    # latex_to_text leaves single spaces only, so a plain split is exact (and linear).
    names = [n.strip() for n in latex_to_text(author_field).split(" and ") if n.strip()]
    others = any(n.lower() == "others" for n in names)
    names = [n for n in names if n.lower() != "others"]
    lasts = [n.split(",")[0].strip() if "," in n else n.split()[-1] for n in names]
    if len(lasts) > limit or (others and lasts):
        return ", ".join(lasts[:limit]) + " et al."
    if len(lasts) == 2:
        return f"{lasts[0]} & {lasts[1]}"
    return ", ".join(lasts)


def citation_text(fields: dict) -> str:
    """A one-line, plain-text citation for a bib entry's fields."""
    authors = format_authors(fields.get("author") or fields.get("editor") or "")
    year = fields.get("year", "n.d.")
    title = latex_to_text(fields.get("title", ""))
    venue = latex_to_text(fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or "")
    if not venue and fields.get("eprint"):
        venue = f"arXiv:{fields['eprint']}"
    parts = [f"{authors} ({year}). {title}."]
    if venue:
        parts.append(f" {venue}.")
    if fields.get("doi"):
        parts.append(f" doi:{fields['doi']}")
    return "".join(parts)


# A field value that runs into the next `name = ...`: a comma is missing.
# Linear on any input: the whitespace before the first line break excludes
# the line break (so the two runs cannot trade characters), and every
# quantifier is possessive (``*+``), so nothing is ever tried twice. The old
# ``\s*\n\s*`` was quadratic on a long run of blank lines.
_SWALLOWED_RE = re.compile(r"[}\"][^\S\n]*+\n\s*+([A-Za-z][\w-]*+)\s*+=\s*+[{\"0-9]")


def _swallowed_fields(rel: str, entry, problems: list[Problem]) -> set[str]:
    """Report fields whose value swallowed the next field (a missing comma)."""
    swallowed: set[str] = set()
    for f in entry.fields:
        value = str(f.value)
        m = _SWALLOWED_RE.search(value)
        if m:
            name = m.group(1).lower()
            swallowed.add(name)
            line = (f.start_line or entry.start_line or 0) + 1
            problems.append(
                Problem(
                    rel,
                    line,
                    "bib-syntax",
                    entry.key,
                    f"the value of `{f.key}` runs into `{m.group(1)} = ...`: a comma is missing at the end of this line",
                    f"add a comma after the value of `{f.key}`",
                )
            )
    return swallowed


# -- what the book's reader (pybtex, through sphinxcontrib-bibtex) refuses ----------
#
# The book reads references.bib with pybtex, validate with bibtexparser; where
# the two disagree, the book drops works or stops with a traceback. These
# checks report, with its line, everything pybtex refuses that bibtexparser
# accepts (tests/test_bib.py runs pybtex itself on every case to keep the two
# in step). All of them are single linear passes.

#: pybtex's predefined strings (its ``month_names``); names match ignoring case.
_PYBTEX_MACROS = frozenset(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
#: A brace after an odd run of backslashes: BibTeX has no brace escape, pybtex counts it.
_BRACE_ESCAPE_RE = re.compile(r"(?<!\\)(?:\\\\)*+\\[{}]")
#: Characters pybtex accepts in a macro name (``NAME_CHARS``), digits after the first.
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@!$&*+-./:;<>?[\\]^_`|~\x7f")
_NAME_CHAR = _NAME_START | frozenset("0123456789")
#: URL schemes the book links (anything else is stripped from the page).
_URL_SCHEMES = ("http://", "https://")


_BRACE_OR_QUOTE_RE = re.compile(r'[{}"]')
_NAME_SPLIT_RE = re.compile(r"(?<!\s)\s++and\s++", re.IGNORECASE)  # anchored at a run's start: linear
_SPACE_RE = re.compile(r"\s")


def _value_end(raw: str, i: int, quote: bool) -> int:
    """Index just past the braced (``quote=False``) or quoted value opening at ``raw[i]``, or -1.

    -2: a ``}`` closes a brace never opened inside a quoted value. Only brace
    and quote characters are visited (found by a regular expression), so the
    cost is linear with a small constant.
    """
    depth = 0
    for m in _BRACE_OR_QUOTE_RE.finditer(raw, i + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                if not quote:
                    return m.end()
                return -2
            depth -= 1
        elif quote and depth == 0:
            return m.end()
    return -1


def _value_problem(raw: str, macros: set[str]) -> str:
    """Why pybtex would not read the raw field value ``raw`` as bibtexparser did ("" if it would)."""
    if raw[:1] == "{" and raw[-1:] == "}" and _BRACE_OR_QUOTE_RE.search(raw, 1, len(raw) - 1) is None:
        return ""  # the common case: `{plain text}`
    i, n = 0, len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return "the value is empty"
        c = raw[i]
        if c in '{"':
            j = _value_end(raw, i, quote=c == '"')
            if j == -2:
                return "a `}` closes a brace that was never opened"
            if j < 0:
                return "a brace or quote is never closed"
            i = j
        elif c.isdigit():
            while i < n and raw[i].isdigit():
                i += 1
        elif c in _NAME_START:
            j = i
            while j < n and raw[j] in _NAME_CHAR:
                j += 1
            name = raw[i:j]
            if name.lower() not in macros:
                return f"`{name}` is not a defined @string (nor a month abbreviation such as `jan`)"
            i = j
        else:
            return f"the value cannot start with `{c}`"
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return ""
        if raw[i] != "#":
            rest = raw[i : i + 20]
            if c == '"':
                return f'a `"` ends the quoted value before `{rest}` (a `\\"` accent must be written `{{\\"o}}` inside a "..." value)'
            return f"the value ends before `{rest}`"
        i += 1


def _names(value: str) -> list[str]:
    """``author``/``editor`` split as pybtex does: on ``and`` at brace depth 0."""
    if "{" not in value:
        return [x.strip() for x in _NAME_SPLIT_RE.split(value)]
    names, depth, start, i, n = [], 0, 0, 0, len(value)
    low = value.lower()
    while i < n:
        ch = value[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and ch.isspace() and low.startswith("and", i + 1) and i + 4 < n and value[i + 4].isspace():
            names.append(value[start:i])
            start = i = i + 4
            continue
        i += 1
    names.append(value[start:])
    return [x.strip() for x in names]


def _top_level_commas(name: str) -> int:
    if "{" not in name:
        return name.count(",")
    depth = commas = 0
    for ch in name:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            commas += 1
    return commas


def _book_reader_problems(rel: str, entries, raw_values: dict, macros: set[str]) -> list[Problem]:
    """What pybtex refuses in entries that bibtexparser read (see above)."""
    problems: list[Problem] = []
    first_by_key: dict[str, tuple[str, int]] = {}
    for e in entries:
        line = (e.start_line or 0) + 1
        low = e.key.lower()
        if low in first_by_key and first_by_key[low][0] != e.key:
            other, at = first_by_key[low]
            problems.append(
                Problem(
                    rel,
                    line,
                    "bib-duplicate-key",
                    e.key,
                    f"the key `{e.key}` differs only in case from `{other}` at line {at}; the book's reader compares keys ignoring case and would drop this work (in strict mode, every later one too)",
                    "give each work one entry, or rename one of the keys",
                )
            )
        else:
            first_by_key.setdefault(low, (e.key, line))
        if not e.key.strip() or _SPACE_RE.search(e.key):
            problems.append(
                Problem(
                    rel,
                    line,
                    "bib-syntax",
                    e.key,
                    f"the key `{e.key}` contains a space, which the book's reader does not allow",
                    "write the key without spaces, e.g. `doe2020title`",
                )
            )
        seen_fields: dict[str, str] = {}
        for f in e.fields:
            fline = (f.start_line if f.start_line is not None else e.start_line or 0) + 1
            name = f.key.lower()
            if name in seen_fields:
                problems.append(
                    Problem(
                        rel,
                        fline,
                        "bib-syntax",
                        e.key,
                        f"the field `{f.key}` is given twice (as `{seen_fields[name]}` too); the book's reader refuses the entry",
                        "keep one of the two fields",
                    )
                )
                continue
            seen_fields[name] = f.key
            raw = raw_values.get(id(f), str(f.value))
            m = _BRACE_ESCAPE_RE.search(raw)
            if m:
                problems.append(
                    Problem(
                        rel,
                        fline,
                        "bib-syntax",
                        e.key,
                        f"`{f.key}` holds `{m.group()[-2:]}`: BibTeX has no brace escape, so the book's reader counts that brace and fails on the entry",
                        "remove the brace, or write it as `\\textbraceleft`/`\\textbraceright`",
                    )
                )
                continue
            why = "" if _SWALLOWED_RE.search(str(f.value)) else _value_problem(raw, macros)  # a missing comma: reported as such
            if why:
                problems.append(
                    Problem(
                        rel,
                        fline,
                        "bib-syntax",
                        e.key,
                        f"the book's reader cannot read the value of `{f.key}`: {why}",
                        "put the value in braces `{...}` with balanced braces inside",
                    )
                )
                continue
            value = str(f.value).strip()
            if name in ("author", "editor"):
                for person in _names(value):
                    if _top_level_commas(person) > 2:
                        problems.append(
                            Problem(
                                rel,
                                fline,
                                "bib-bad-name",
                                e.key,
                                f"the name `{person[:60]}` in `{f.key}` has more than two commas; the book's reader cannot split it into last and first names",
                                "separate people with ` and `, and write each as `Last, First` (or `{Company, Inc.}` in braces)",
                            )
                        )
            elif name == "url" and not value.lower().startswith(_URL_SCHEMES):
                problems.append(
                    Problem(
                        rel,
                        fline,
                        "bib-bad-url",
                        e.key,
                        f"the url `{value[:60]}` is not an http(s) address; the book would drop the link",
                        "write the full address, starting with https://",
                    )
                )
    return problems


def _parse(text: str):
    """bibtexparser's library for ``text`` and the raw text of every field value."""
    import bibtexparser  # imported here: only commands that read the bib pay for it

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    try:
        from bibtexparser.entrypoint import default_parse_stack
    except ImportError:  # pragma: no cover - another 2.x layout: parse twice
        raw_lib = bibtexparser.parse_string(text, parse_stack=[])
        raw = {(i, f.key): str(f.value) for i, e in enumerate(raw_lib.entries) for f in e.fields}
        library = bibtexparser.parse_string(text)
        return library, {id(f): raw.get((i, f.key), str(f.value)) for i, e in enumerate(library.entries) for f in e.fields}
    library = bibtexparser.parse_string(text, parse_stack=[])
    raw_values = {id(f): str(f.value) for e in library.entries for f in e.fields}
    fields = [f for e in library.entries for f in e.fields]  # keep them alive: ids stay unique
    for middleware in default_parse_stack(allow_inplace_modification=True):
        library = middleware.transform(library=library)
    by_id = {id(f) for f in fields}
    if not all(id(f) in by_id for e in library.entries for f in e.fields):  # pragma: no cover - copied, not modified
        raw_values = {}
    return library, raw_values


def load_bib(path: Path, rel: str = "references.bib", max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[dict[str, Entry], list[Problem]]:
    """Parse the bib file: ``({key: reference entry}, problems)``."""
    problems: list[Problem] = []
    refs: dict[str, Entry] = {}
    if not path.exists():
        return refs, problems
    try:
        st = path.stat()
        size = st.st_size
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            return refs, [
                Problem(
                    rel,
                    0,
                    "file-unreadable",
                    "",
                    "this is not an ordinary file (a device, pipe or socket); it was not read",
                    "replace it with an ordinary file",
                )
            ]
        if size > max_bytes:
            return refs, [
                Problem(
                    rel,
                    0,
                    "file-too-large",
                    "",
                    f"the file is {size:,} bytes, over the limit of {max_bytes:,}; it was not read",
                    "split off what is not cited, or raise `limits.max_file_bytes` in schema.yaml",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return refs, [Problem(rel, 0, "file-unreadable", "", f"cannot read the file: {exc.strerror}", "references.bib must be a file you may read")]
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(rel, 1, "byte-order-mark", "", "the file starts with a UTF-8 byte-order mark", "re-save the file as UTF-8 without BOM"))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                rel,
                line,
                "encoding",
                "",
                f"byte 0x{raw[exc.start : exc.start + 1].hex()} is not valid UTF-8 (as Latin-1 it would read `{raw[exc.start : exc.start + 1].decode('latin-1')}`)",
                "re-save the file as UTF-8",
            )
        )
        # Read on with the bad bytes replaced, so the keys are known and no
        # citation is reported as missing because of one accented letter.
        text = raw.decode("utf-8", errors="replace")

    library, raw_values = _parse(text)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        kind = type(block).__name__
        if kind == "DuplicateBlockKeyBlock":
            prev = getattr(block, "previous_block", None)
            where = f" at line {prev.start_line + 1}" if prev is not None and prev.start_line is not None else ""
            problems.append(
                Problem(
                    rel,
                    line,
                    "bib-duplicate-key",
                    block.key,
                    f"the key `{block.key}` is used by an earlier entry too{where}; this one was ignored",
                    "give each work one entry, or rename one of the keys",
                )
            )
        else:
            first = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            problems.append(
                Problem(
                    rel,
                    line,
                    "bib-syntax",
                    "",
                    f"this BibTeX block could not be parsed: `{first}`",
                    "check that every `{` is closed and fields are separated by commas",
                )
            )
    macros = set(_PYBTEX_MACROS) | {str(b.key).lower() for b in library.strings}
    problems.extend(_book_reader_problems(rel, library.entries, raw_values, macros))
    per_entry: list[dict[str, str]] = []
    all_fields: dict[str, dict[str, str]] = {}
    for e in library.entries:
        fields: dict[str, str] = {}
        for k, v in e.fields_dict.items():
            fields.setdefault(k.lower(), str(v.value if hasattr(v, "value") else v).strip())
        per_entry.append(fields)
        all_fields.setdefault(e.key.lower(), fields)
    for e, fields in zip(library.entries, per_entry, strict=True):
        line = (e.start_line or 0) + 1
        # BibTeX's crossref: a child takes every field it lacks from its parent
        parent = all_fields.get(fields.get("crossref", "").lower()) if fields.get("crossref") else None
        inherited = {k: v for k, v in (parent or {}).items() if k not in fields and k != "crossref"}
        swallowed = _swallowed_fields(rel, e, problems)
        for required in ("title", "year"):
            if not (fields.get(required) or inherited.get(required)) and required not in swallowed:
                problems.append(
                    Problem(rel, line, "bib-missing-field", e.key, f"the entry has no `{required}`", f"add `{required} = {{...}}` from the work's record")
                )
        if not (fields.get("author") or fields.get("editor") or inherited.get("author") or inherited.get("editor") or swallowed & {"author", "editor"}):
            problems.append(Problem(rel, line, "bib-missing-field", e.key, "the entry has no `author` (or `editor`)", "add the authors from the work's record"))
        fields = {**inherited, **fields}
        refs[e.key] = Entry(
            id=e.key,
            kind=REFERENCE_KIND,
            title=latex_to_text(fields.get("title", e.key)),
            summary=citation_text(fields),
            description="",
            provenance=Provenance(source=e.key, grade="literature"),
            fields={"entry_type": e.entry_type.lower(), **fields},
            file=rel,
            line=line,
        )
    return refs, problems
