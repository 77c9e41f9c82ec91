"""``csv``: the framework as two tables, ``entries.csv`` and ``relations.csv``.

``entries.csv`` has one row per entry and per bib reference (kind
``reference``); its columns are the common fields, the provenance, where the
entry stands (file, line) and one column per kind-specific field of the
schema. A bib reference's row fills ``bib_key``, ``authors`` (a JSON list of
names), ``venue``, ``year``, ``doi`` and ``url`` (the columns are added when
the schema has no such field). ``relations.csv`` has one row per link, with its provenance (and
whether it was inherited from the entry), locator and note.

A cell holds text as it is; a list, number or boolean is written as JSON
(``["Now", "Later"]``, ``2025``, ``true``), so :func:`read_tables` gives back
exactly what was written.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (CSV injection: ``=HYPERLINK(...)`` in a
summary would become a live link or worse). :func:`csv_cell` is the one
escaping function for this target: such a cell, and a cell that starts with
``'``, is written with one leading ``'`` (what spreadsheets show as text), and
:func:`read_tables` removes it, so the round trip stays exact.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

from ._util import as_text, bib_people, bib_venue, bib_year, zip_texts

ENTRY_COLUMNS = [
    "id",
    "kind",
    "title",
    "summary",
    "description",
    "provenance_source",
    "provenance_grade",
    "provenance_locator",
    "provenance_note",
    "file",
    "line",
]
RELATION_COLUMNS = ["relation", "label", "source", "target", "provenance_source", "provenance_grade", "provenance_inherited", "locator", "note", "file", "line"]
_COMMON = {"id", "kind", "title", "summary", "description", "provenance"}


def field_columns(schema) -> list[str]:
    """The kind-specific field columns, in schema order (common extras first)."""
    cols: list[str] = []
    for name in schema.common_fields:
        if name not in _COMMON and name not in cols:
            cols.append(name)
    for kind in schema.kinds.values():
        for name in kind.fields:
            if name not in _COMMON and name not in cols:
                cols.append(name)
    return cols


#: Columns a bib reference's row fills (added when the schema has no such field).
REFERENCE_COLUMNS = ["bib_key", "authors", "venue", "year", "doi", "url"]


def _reference_cells(ref) -> dict:
    f = ref.fields
    out = {"bib_key": ref.id, "authors": bib_people(f.get("author") or f.get("editor") or ""), "venue": bib_venue(f), "year": bib_year(f)}
    for key in ("doi", "url"):
        if f.get(key):
            out[key] = f[key]
    return {k: v for k, v in out.items() if v not in ("", [], None)}


#: First characters a spreadsheet takes as the start of a formula, plus the quote itself.
FORMULA_STARTS = frozenset("=+-@\t\r'")


def csv_cell(text: str) -> str:
    """A cell as written to a CSV file: formula starts are neutralised with ``'``.

    >>> csv_cell("=SUM(A1)"), csv_cell("'quoted"), csv_cell("plain"), csv_cell("")
    ("'=SUM(A1)", "''quoted", 'plain', '')
    """
    return "'" + text if text[:1] in FORMULA_STARTS else text


def uncsv_cell(text: str) -> str:
    """The inverse of :func:`csv_cell`."""
    return text[1:] if text[:1] == "'" else text


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_cell(c) for c in header])
    w.writerows([csv_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def tables(kb) -> dict[str, str]:
    """``{"entries.csv": text, "relations.csv": text}``."""
    fcols = field_columns(kb.schema)
    fcols += [c for c in REFERENCE_COLUMNS if c not in fcols]
    rows = []
    for e in kb.entries():
        p = e.provenance
        row = [
            e.id,
            e.kind,
            e.title,
            e.summary,
            e.description,
            p.source if p else "",
            p.grade if p else "",
            p.locator if p else "",
            p.note if p else "",
            e.file,
            str(e.line),
        ]
        row += [as_text(e.fields[c]) if c in e.fields else "" for c in fcols]
        rows.append(row)
    for r in kb.references.values():
        row = [r.id, r.kind, r.title, r.summary, "", "", "", "", "", r.file, str(r.line)]
        cells = _reference_cells(r)
        row += [as_text(cells[c]) if c in cells else "" for c in fcols]
        rows.append(row)
    rel_rows = []
    for r in kb.relations():
        p = r.provenance
        rel_rows.append(
            [
                r.name,
                kb.schema.relations[r.name].label,
                r.source,
                r.target,
                p.source if p else "",
                p.grade if p else "",
                "true" if p and p.inherited else "false",
                r.locator,
                r.note,
                r.file,
                str(r.line),
            ]
        )
    return {"entries.csv": _csv(ENTRY_COLUMNS + fcols, rows), "relations.csv": _csv(RELATION_COLUMNS, rel_rows)}


def files(kb) -> dict[str, str]:
    """The files of the export, by name (what ``-o FOLDER`` writes)."""
    return tables(kb)


def render(kb, fmt: str = "csv", **_options) -> bytes:
    """A zip holding the two tables (UTF-8, RFC 4180 quoting)."""
    return zip_texts(tables(kb))


def read_tables(data: bytes | dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """Read an export back: ``{"entries.csv": [row dicts], "relations.csv": [...]}``.

    Cells stay text (the ``'`` that :func:`csv_cell` put before a formula
    start is removed); :func:`decode_cell` turns a field cell back into its value.
    """
    if isinstance(data, (bytes, bytearray)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            texts = {n: z.read(n).decode("utf-8") for n in z.namelist()}
    else:
        texts = dict(data)
    out = {}
    for name, text in texts.items():
        rows = csv.reader(io.StringIO(text, newline=""))
        header = [uncsv_cell(c) for c in next(rows, [])]
        table = []
        for n, row in enumerate(rows, start=1):
            if len(row) != len(header):  # a cell lost or added by hand: say where, never pair cells wrongly
                raise ValueError(
                    f"{name}: row {n} (after the header) has {len(row)} cells, the header {len(header)}; "
                    "every row needs one cell per column (quote a cell that holds a comma)"
                )
            table.append(dict(zip(header, (uncsv_cell(c) for c in row), strict=True)))
        out[name] = table
    return out


def decode_cell(text: str, field_type: str):
    """The value of a field cell, given the field's schema type.

    >>> decode_cell('["Now", "Later"]', "list"), decode_cell("2025", "integer"), decode_cell("x", "text")
    (['Now', 'Later'], 2025, 'x')
    """
    if field_type in ("list", "integer", "boolean", "provenance"):
        return json.loads(text)
    return text
