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
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "c": "\u0327", "H": "\u030b", "k": "\u0328",
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
    names = [n.strip() for n in re.split(r"\s+and\s+", latex_to_text(author_field)) if n.strip()]
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
_SWALLOWED_RE = re.compile(r"[}\"]\s*\n\s*([A-Za-z][\w-]*)\s*=\s*[{\"0-9]")


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
            problems.append(Problem(rel, line, "bib-syntax", entry.key, f"the value of `{f.key}` runs into `{m.group(1)} = ...`: a comma is missing at the end of this line", f"add a comma after the value of `{f.key}`"))
    return swallowed


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
            return refs, [Problem(rel, 0, "file-unreadable", "", "this is not an ordinary file (a device, pipe or socket); it was not read", "replace it with an ordinary file")]
        if size > max_bytes:
            return refs, [Problem(rel, 0, "file-too-large", "", f"the file is {size:,} bytes, over the limit of {max_bytes:,}; it was not read", "split off what is not cited, or raise `limits.max_file_bytes` in schema.yaml")]
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
        problems.append(Problem(rel, line, "encoding", "", f"byte 0x{raw[exc.start:exc.start+1].hex()} is not valid UTF-8 (as Latin-1 it would read `{raw[exc.start:exc.start+1].decode('latin-1')}`)", "re-save the file as UTF-8"))
        # Read on with the bad bytes replaced, so the keys are known and no
        # citation is reported as missing because of one accented letter.
        text = raw.decode("utf-8", errors="replace")

    import bibtexparser  # imported here: only commands that read the bib pay for it

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        kind = type(block).__name__
        if kind == "DuplicateBlockKeyBlock":
            prev = getattr(block, "previous_block", None)
            where = f" at line {prev.start_line + 1}" if prev is not None and prev.start_line is not None else ""
            problems.append(Problem(rel, line, "bib-duplicate-key", block.key, f"the key `{block.key}` is used by an earlier entry too{where}; this one was ignored", "give each work one entry, or rename one of the keys"))
        else:
            first = block.raw.strip().splitlines()[0][:60] if block.raw.strip() else ""
            problems.append(Problem(rel, line, "bib-syntax", "", f"this BibTeX block could not be parsed: `{first}`", "check that every `{` is closed and fields are separated by commas"))
    for e in library.entries:
        line = (e.start_line or 0) + 1
        fields = {k.lower(): str(v.value if hasattr(v, "value") else v) for k, v in e.fields_dict.items()}
        fields = {k: (fields_value.strip()) for k, fields_value in fields.items()}
        swallowed = _swallowed_fields(rel, e, problems)
        for required in ("title", "year"):
            if not fields.get(required) and required not in swallowed:
                problems.append(Problem(rel, line, "bib-missing-field", e.key, f"the entry has no `{required}`", f"add `{required} = {{...}}` from the work's record"))
        if not (fields.get("author") or fields.get("editor") or swallowed & {"author", "editor"}):
            problems.append(Problem(rel, line, "bib-missing-field", e.key, "the entry has no `author` (or `editor`)", "add the authors from the work's record"))
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
